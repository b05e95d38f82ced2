package raetsdk

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"raet.io/raetsdk/lane"
)

// Defaults of Options and of the timeouts.
const (
	DefaultLane           = "lane"
	DefaultRouter         = "router"
	DefaultQueueSize      = 1000
	DefaultSendTimeout    = 10 * time.Second
	DefaultRequestTimeout = 5 * time.Second
	DefaultAckTimeout     = time.Second
	// Memory is how many message ids a yard remembers (answers to timed-out requests, quiet subscribes,
	// acknowledged messages already delivered).
	Memory = 1024
)

// Options configure a Yard; the zero value takes every default.
type Options struct {
	Lane        string        // lane name (default "lane")
	Dir         string        // socket directory (default lane.DefaultDirPath(): $RAET_LANE_DIR, /var/cache/raet, ~/.raet/uxd)
	Router      string        // the router's yard name (default "router")
	Pack        string        // "json" (default) or "msgpack": how this yard writes bodies
	SendTimeout time.Duration // how long a send waits while the receiver's queue is full (default 10 s)
	QueueSize   int           // default size of queue shares and of the auto-answer queue (default 1000)
	// IgnoreUnknownShare drops routed messages for a share this yard does not have instead of answering them
	// with an err unknown_share.
	IgnoreUnknownShare bool
}

// Option adds to a message being built: its kind, this yard's source share, the channel, the id, fields.
type Option func(*buildOptions)

type field struct {
	key   string
	value any
}

type buildOptions struct {
	kind    string
	share   string
	channel string
	id      any
	fields  []field
}

// Kind sets the message kind (KindMsg by default for Send).
func Kind(kind string) Option { return func(o *buildOptions) { o.kind = kind } }

// FromShare sets this yard's source share: where answers, errors and topic copies for this message come back.
func FromShare(share string) Option { return func(o *buildOptions) { o.share = share } }

// Channel sets the flow's channel (on src, and on dst when its channel is empty).
func Channel(channel string) Option { return func(o *buildOptions) { o.channel = channel } }

// ID sets the message id (a fresh one by default).
func ID(id string) Option { return func(o *buildOptions) { o.id = id } }

// Field adds a body field after the standard ones (route cannot be set this way).
func Field(key string, value any) Option {
	return func(o *buildOptions) { o.fields = append(o.fields, field{key, value}) }
}

// Seq adds the seq field of a sequential flow.
func Seq(n int64) Option { return Field("seq", n) }

// Re adds the re field (the id a message answers).
func Re(id any) Option { return Field("re", id) }

// Tag adds the message's tag (policy rules and subscribers' tag patterns match it).
func Tag(tag string) Option { return Field("tag", tag) }

// Tags sets the tag pattern of a Subscribe (a glob, "*" matching any run of characters): the topic then copies
// only the pubs whose tag matches it (a pub without a tag is matched as "").
func Tags(pattern string) Option { return Field("tags", pattern) }

// Idempotent marks a request that a router may hand to another worker of a pool when its worker leaves.
func Idempotent() Option { return Field("idempotent", true) }

type remote struct {
	path string
	sid  string
	bid  uint64
}

func (r *remote) nextBID() uint64 {
	r.bid++
	if r.bid > 0xFFFFFFFF {
		r.bid = 1
	}
	return r.bid
}

type waiter struct {
	ch    chan *Message
	kinds []string
}

func (w *waiter) accepts(kind string) bool {
	if kind == KindErr {
		return true
	}
	for _, k := range w.kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// memory is a bounded set of ids that forgets the oldest first.
type memory struct {
	set   map[string]struct{}
	order []string
}

func (m *memory) add(id string) {
	if m.set == nil {
		m.set = make(map[string]struct{})
	}
	if _, ok := m.set[id]; ok {
		return
	}
	m.set[id] = struct{}{}
	m.order = append(m.order, id)
	for len(m.order) > Memory {
		delete(m.set, m.order[0])
		m.order[0] = ""
		m.order = m.order[1:]
	}
}

func (m *memory) has(id string) bool {
	_, ok := m.set[id]
	return ok
}

// Yard is a lane yard bound at <dir>/<lane>.<name>.uxd (mode 0600) that sends and receives routed messages
// through the router yard <dir>/<lane>.<router>.uxd.
//
// Received messages are delivered to shares by their dst share; the default share "" always exists. A
// goroutine reads the socket; sends happen in the caller's goroutine. A Yard is safe for concurrent use.
type Yard struct {
	name          string
	lane          string
	dir           string
	router        string
	path          string
	pk            int
	queueSize     int
	answerUnknown bool

	sock  *lane.Socket
	books *lane.Reassembler

	sendMu  sync.Mutex
	remotes map[string]*remote

	mu       sync.Mutex
	shares   map[string]*Share
	waiters  map[string]*waiter
	expired  memory // ids of requests that timed out
	quiet    memory // ids whose ack nobody waits for
	seenAckd memory // (src estate, src yard, id) of ackd messages delivered

	ids      uint64
	idPrefix string
	closing  bool
	done     chan struct{}
	auto     chan *lane.Map
	wg       sync.WaitGroup

	statsMu sync.Mutex
	stats   map[string]int64
}

// Open binds the yard name and starts reading. A stale socket file left by a dead process is replaced; a live
// one is an error. Names must not contain dots, spaces or slashes.
func Open(name string, opts *Options) (*Yard, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Lane == "" {
		o.Lane = DefaultLane
	}
	if o.Router == "" {
		o.Router = DefaultRouter
	}
	if o.Dir == "" {
		o.Dir = lane.DefaultDirPath()
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = DefaultSendTimeout
	}
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if err := lane.CheckName(name, "yard name"); err != nil {
		return nil, err
	}
	if err := lane.CheckName(o.Lane, "lane name"); err != nil {
		return nil, err
	}
	if err := lane.CheckName(o.Router, "router yard name"); err != nil {
		return nil, err
	}
	pk := lane.PkJSON
	switch o.Pack {
	case "", "json":
	case "msgpack":
		pk = lane.PkMsgpack
	default:
		return nil, fmt.Errorf("raet: Pack is \"json\" or \"msgpack\", not %q", o.Pack)
	}
	path, err := lane.YardPath(o.Dir, o.Lane, name)
	if err != nil {
		return nil, err
	}
	sock, err := lane.Listen(path)
	if err != nil {
		return nil, err
	}
	sock.SendTimeout = o.SendTimeout
	sid := lane.NewSID()
	y := &Yard{
		name: name, lane: o.Lane, dir: filepath.Dir(path),
		router: o.Router, path: path, pk: pk, queueSize: o.QueueSize, answerUnknown: !o.IgnoreUnknownShare,
		sock: sock, books: lane.NewReassembler(), remotes: make(map[string]*remote),
		shares: make(map[string]*Share), waiters: make(map[string]*waiter),
		idPrefix: sid[len(sid)-8:], done: make(chan struct{}), auto: make(chan *lane.Map, o.QueueSize),
		stats: make(map[string]int64),
	}
	y.shares[""], _ = newShare("", Queue, o.QueueSize)
	y.wg.Add(2)
	go y.readLoop()
	go y.autoLoop()
	return y, nil
}

// Name is the yard's name.
func (y *Yard) Name() string { return y.name }

// Lane is the lane's name.
func (y *Yard) Lane() string { return y.lane }

// Dir is the socket directory.
func (y *Yard) Dir() string { return y.dir }

// Path is the yard's socket path.
func (y *Yard) Path() string { return y.path }

// Router is the name of the router yard routed messages go to.
func (y *Yard) Router() string { return y.router }

// Closed reports whether Close was called.
func (y *Yard) Closed() bool {
	y.mu.Lock()
	defer y.mu.Unlock()
	return y.closing
}

// Close stops the reader, removes the socket file and wakes every waiting Receive and Request.
func (y *Yard) Close() error {
	y.mu.Lock()
	if y.closing {
		y.mu.Unlock()
		return nil
	}
	y.closing = true
	close(y.done)
	shares := make([]*Share, 0, len(y.shares))
	for _, s := range y.shares {
		shares = append(shares, s)
	}
	y.mu.Unlock()
	err := y.sock.Close()
	y.wg.Wait()
	for _, s := range shares {
		s.close()
	}
	return err
}

func (y *Yard) count(key string, n int64) {
	y.statsMu.Lock()
	y.stats[key] += n
	y.statsMu.Unlock()
}

// Stats returns a copy of the yard's counters: sent, pages_sent, received, pages_received, late_answer,
// duplicate_ackd, unknown_share, share_overflow, unreachable_yard, invalid_page_header, invalid_body,
// busy_transmit_yard, auto_reply_dropped, and the reassembler's (missed_page, stale_book, dropped_book, …).
func (y *Yard) Stats() map[string]int64 {
	y.statsMu.Lock()
	defer y.statsMu.Unlock()
	out := make(map[string]int64, len(y.stats))
	for k, v := range y.stats {
		out[k] = v
	}
	return out
}

// Stat returns one counter.
func (y *Yard) Stat(key string) int64 {
	y.statsMu.Lock()
	defer y.statsMu.Unlock()
	return y.stats[key]
}

// ---- shares

// Share creates (or returns) the share name of this yard: messages whose dst share is name go there. maxSize 0
// takes the yard's queue size. Asking again for an existing share with another kind is an error.
func (y *Yard) Share(name string, kind ShareKind, maxSize int) (*Share, error) {
	if maxSize <= 0 {
		maxSize = y.queueSize
	}
	y.mu.Lock()
	defer y.mu.Unlock()
	if s := y.shares[name]; s != nil {
		if s.kind != kind {
			return nil, fmt.Errorf("raet: share %q exists with kind %q", name, s.kind)
		}
		return s, nil
	}
	s, err := newShare(name, kind, maxSize)
	if err != nil {
		return nil, err
	}
	if y.closing {
		s.close()
	}
	y.shares[name] = s
	return s, nil
}

// Unshare removes the share name (not the default share) and wakes its readers.
func (y *Yard) Unshare(name string) error {
	if name == "" {
		return errors.New("raet: the default share cannot be removed")
	}
	y.mu.Lock()
	s := y.shares[name]
	delete(y.shares, name)
	y.mu.Unlock()
	if s != nil {
		s.close()
	}
	return nil
}

// Receive returns the next message of the default share, or nil after timeout (Forever: no limit) or on Close.
func (y *Yard) Receive(timeout time.Duration) *Message {
	m, _ := y.ReceiveShare("", timeout)
	return m
}

// ReceiveShare returns the next message of the share name; an error when there is no such share.
func (y *Yard) ReceiveShare(name string, timeout time.Duration) (*Message, error) {
	y.mu.Lock()
	s := y.shares[name]
	y.mu.Unlock()
	if s == nil {
		return nil, fmt.Errorf("raet: no share %q", name)
	}
	return s.Receive(timeout), nil
}

// ---- sending

// NewID returns a fresh message id, unique for this yard: <yard>-<8 hex>-<counter hex>.
func (y *Yard) NewID() string {
	return fmt.Sprintf("%s-%s-%x", y.name, y.idPrefix, atomic.AddUint64(&y.ids, 1))
}

// Build returns the routed body Send would send (without sending it):
//
//	{"route": {"src": ["", <yard>, <share>, <channel>], "dst": [...]}, "kind": …, "id": …, "data": …, <fields>}
//
// The channel, when given, is set on src and on an empty dst channel (and src takes the dst channel when none
// is given).
func (y *Yard) Build(dst Address, data any, opts ...Option) (*lane.Map, error) {
	o := buildOptions{kind: KindMsg}
	for _, f := range opts {
		f(&o)
	}
	return y.build(dst, data, o)
}

// buildKind builds a message of kind, whatever kind the options say.
func (y *Yard) buildKind(kind string, dst Address, data any, opts []Option) (*lane.Map, error) {
	o := buildOptions{}
	for _, f := range opts {
		f(&o)
	}
	o.kind = kind
	return y.build(dst, data, o)
}

func (y *Yard) build(dst Address, data any, o buildOptions) (*lane.Map, error) {
	channel := o.channel
	if channel == "" {
		channel = dst.Channel
	}
	if dst.Channel == "" {
		dst.Channel = channel
	}
	id := o.id
	if id == nil {
		id = y.NewID()
	}
	body := lane.NewMap()
	body.Set("route", lane.MapOf("src", []any{"", y.name, o.share, channel}, "dst", dst.wire()))
	body.Set("kind", o.kind)
	body.Set("id", id)
	body.Set("data", data)
	for _, f := range o.fields {
		if f.key == "route" {
			return nil, errors.New("raet: route is built from dst, FromShare and Channel")
		}
		body.Set(f.key, f.value)
	}
	return body, nil
}

// Send sends a routed message to dst through the router and returns its id. Options: Kind, FromShare (this
// yard's share answers come back to), Channel, ID, Field, Seq, Re.
func (y *Yard) Send(dst Address, data any, opts ...Option) (string, error) {
	body, err := y.Build(dst, data, opts...)
	if err != nil {
		return "", err
	}
	if err := y.Transmit(body, y.router); err != nil {
		return "", err
	}
	return idText(body), nil
}

func idText(body *lane.Map) string {
	if s, ok := body.Value("id").(string); ok {
		return s
	}
	return levelText(body.Value("id"))
}

// Transmit sends a plain body straight to the lane yard named yard on this lane, bypassing routing. It fails
// with ErrUnreachable when nobody is bound there (the next send to it then starts a new session id).
func (y *Yard) Transmit(body *lane.Map, yard string) error {
	if y.Closed() {
		return ErrClosed
	}
	data, err := lane.PackBody(body, y.pk)
	if err != nil {
		return err
	}
	y.sendMu.Lock()
	r := y.remotes[yard]
	if r == nil {
		path, err := lane.YardPath(y.dir, y.lane, yard)
		if err != nil {
			y.sendMu.Unlock()
			return err
		}
		r = &remote{path: path, sid: lane.NewSID()}
		y.remotes[yard] = r
	}
	h := lane.NewHead(y.name, yard)
	h.SI, h.BI, h.PK = r.sid, r.nextBID(), y.pk
	pages, err := lane.Paginate(h, data)
	if err != nil {
		y.sendMu.Unlock()
		return err
	}
	deadline := time.Now().Add(y.sock.SendTimeout)
	for _, p := range pages {
		if err = y.sock.Send(p, r.path, deadline); err != nil {
			break
		}
	}
	if err != nil {
		var le *lane.Error
		if errors.As(err, &le) && (le.Errno == syscall.ECONNREFUSED || le.Errno == syscall.ENOENT) {
			delete(y.remotes, yard) // the next send starts a new session
			y.sendMu.Unlock()
			y.count("unreachable_yard", 1)
			return fmt.Errorf("%w: yard %q is not bound at %s", ErrUnreachable, yard, r.path)
		}
		y.sendMu.Unlock()
		if y.Closed() {
			return ErrClosed
		}
		y.count("send_error", 1)
		return err
	}
	y.sendMu.Unlock()
	y.statsMu.Lock()
	y.stats["sent"]++
	y.stats["pages_sent"] += int64(len(pages))
	y.stats["busy_transmit_yard"] = y.sock.Busy()
	y.statsMu.Unlock()
	return nil
}

// Request sends a req and returns the data of its rsp. It fails with a *RouteError: Code from an err answer,
// or CodeTimeout (errors.Is(err, ErrTimeout)) when no answer came within timeout (0: DefaultRequestTimeout;
// Forever: no limit).
func (y *Yard) Request(dst Address, data any, timeout time.Duration, opts ...Option) (any, error) {
	m, err := y.RequestMessage(dst, data, timeout, opts...)
	if err != nil {
		return nil, err
	}
	return m.Data, nil
}

// RequestMessage is Request returning the whole rsp message.
func (y *Yard) RequestMessage(dst Address, data any, timeout time.Duration, opts ...Option) (*Message, error) {
	body, err := y.buildKind(KindReq, dst, data, opts)
	if err != nil {
		return nil, err
	}
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	return y.exchange(body, []string{KindRsp}, timeout, true)
}

// Respond answers m (a received req) with an rsp to its src, re = its id, from the share it was addressed to.
func (y *Yard) Respond(m *Message, data any, opts ...Option) (string, error) {
	return y.answer(m, KindRsp, data, true, nil, opts)
}

// RespondError answers m with an err of code (e.g. CodeDenied, CodeFailed) and text.
func (y *Yard) RespondError(m *Message, code, text string, opts ...Option) (string, error) {
	return y.answer(m, KindErr, nil, false, []field{{"code", code}, {"error", text}}, opts)
}

// Ack acknowledges m with an ack (done automatically for ackd messages).
func (y *Yard) Ack(m *Message) (string, error) {
	return y.answer(m, KindAck, nil, false, nil, nil)
}

// SendAckd sends an ackd message and waits timeout (0: DefaultAckTimeout) for its ack, sending it again (same
// id) up to retries times. It returns the id; a *RouteError on an err answer or when no ack came.
func (y *Yard) SendAckd(dst Address, data any, timeout time.Duration, retries int, opts ...Option) (string, error) {
	body, err := y.buildKind(KindAckd, dst, data, opts)
	if err != nil {
		return "", err
	}
	if timeout == 0 {
		timeout = DefaultAckTimeout
	}
	if retries < 0 {
		retries = 0
	}
	for attempt := 0; ; attempt++ {
		_, err := y.exchange(body, []string{KindAck}, timeout, attempt == retries)
		if err == nil {
			return idText(body), nil
		}
		if attempt == retries || !errors.Is(err, ErrTimeout) {
			return "", err
		}
	}
}

// Subscribe subscribes this yard's share (FromShare; the default share otherwise) to the topic share at topic;
// the router then copies each pub to it. With a timeout other than 0 it waits for the router's ack (or rsp)
// and fails on an err; with 0 it returns at once. It returns the sub message's id.
func (y *Yard) Subscribe(topic Address, timeout time.Duration, opts ...Option) (string, error) {
	return y.control(KindSub, topic, timeout, opts)
}

// Unsubscribe cancels Subscribe (kind unsub).
func (y *Yard) Unsubscribe(topic Address, timeout time.Duration, opts ...Option) (string, error) {
	return y.control(KindUnsub, topic, timeout, opts)
}

// Publish publishes data to the topic share at topic (kind pub) and returns the id.
func (y *Yard) Publish(topic Address, data any, opts ...Option) (string, error) {
	return y.Send(topic, data, append(append([]Option(nil), opts...), Kind(KindPub))...)
}

// Work registers this yard as a worker of the router's load-balanced share pool (a share of kind pool of the
// router yard): the router then hands it part of the messages sent to Address{Share: pool}, at this yard's
// share of the same name (FromShare chooses another). It returns that share: take the requests from it and
// Respond to each. It waits for the router's ack (timeout 0: DefaultRequestTimeout); a *RouteError with code
// unknown_share means the router has no such share, denied that the pool has all its workers.
func (y *Yard) Work(pool string, timeout time.Duration, opts ...Option) (*Share, error) {
	o := buildOptions{share: pool}
	for _, f := range opts {
		f(&o)
	}
	s, err := y.Share(o.share, Queue, 0)
	if err != nil {
		return nil, err
	}
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	if _, err := y.control(KindSub, Address{Share: pool}, timeout, append([]Option{FromShare(o.share)}, opts...)); err != nil {
		return nil, err
	}
	return s, nil
}

// Leave stops taking work from the router's share pool (unsub); its requests in flight at this yard are
// answered failed by the router, or handed to another worker when idempotent.
func (y *Yard) Leave(pool string, timeout time.Duration, opts ...Option) error {
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	_, err := y.control(KindUnsub, Address{Share: pool}, timeout, append([]Option{FromShare(pool)}, opts...))
	return err
}

// Presence follows the router's presence topic: estates that join, are allowed, come alive or go dead on the
// road, yards that arrive on or leave the lane, starting with a snapshot of what the router knows. handler gets
// each event on a goroutine of its own, in order, until the yard closes. Tags("estate.*") or Tags("yard.*")
// chooses the events (the snapshot's tag is "snapshot"). It waits for the router's ack (timeout 0:
// DefaultRequestTimeout).
func (y *Yard) Presence(handler func(PresenceEvent), timeout time.Duration, opts ...Option) error {
	s, err := y.Share(PresenceShare, Queue, 0)
	if err != nil {
		return err
	}
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	if _, err := y.control(KindSub, Address{Share: PresenceShare}, timeout,
		append([]Option{FromShare(PresenceShare)}, opts...)); err != nil {
		return err
	}
	go func() {
		for {
			m := s.Receive(Forever)
			if m == nil {
				return // closed
			}
			e, ok := PresenceOf(m)
			if !ok {
				y.count("bad_presence", 1)
				continue
			}
			y.callPresence(handler, e)
		}
	}()
	return nil
}

// callPresence hands one event to the handler; a panic in it is counted and does not end the events.
func (y *Yard) callPresence(handler func(PresenceEvent), e PresenceEvent) {
	defer func() {
		if recover() != nil {
			y.count("presence_handler_error", 1)
		}
	}()
	handler(e)
}

// ---- internals: sending

func (y *Yard) answerBody(m *Message, kind string, data any, withData bool, fields []field, opts []Option) (*lane.Map, error) {
	id, hasID := m.Body.Get("id")
	if !hasID && kind != KindErr {
		return nil, errors.New("raet: the message has no id to answer")
	}
	o := buildOptions{kind: kind, share: m.Dst.Share, channel: m.Channel()}
	o.fields = append(o.fields, field{"re", id})
	o.fields = append(o.fields, fields...)
	for _, f := range opts {
		f(&o)
	}
	body, err := y.build(m.Src, data, o)
	if err != nil {
		return nil, err
	}
	if !withData && data == nil {
		body.Delete("data")
	}
	return body, nil
}

func (y *Yard) answer(m *Message, kind string, data any, withData bool, fields []field, opts []Option) (string, error) {
	body, err := y.answerBody(m, kind, data, withData, fields, opts)
	if err != nil {
		return "", err
	}
	if err := y.Transmit(body, y.router); err != nil {
		return "", err
	}
	return idText(body), nil
}

func (y *Yard) control(kind string, topic Address, timeout time.Duration, opts []Option) (string, error) {
	body, err := y.buildKind(kind, topic, nil, opts)
	if err != nil {
		return "", err
	}
	body.Delete("data")
	id := idText(body)
	if timeout != 0 {
		if _, err := y.exchange(body, []string{KindAck, KindRsp}, timeout, true); err != nil {
			return "", err
		}
		return id, nil
	}
	y.mu.Lock()
	y.quiet.add(id)
	y.mu.Unlock()
	if err := y.Transmit(body, y.router); err != nil {
		return "", err
	}
	return id, nil
}

func (y *Yard) exchange(body *lane.Map, kinds []string, timeout time.Duration, final bool) (*Message, error) {
	id := idText(body)
	w := &waiter{ch: make(chan *Message, 1), kinds: kinds}
	y.mu.Lock()
	if y.closing {
		y.mu.Unlock()
		return nil, ErrClosed
	}
	y.waiters[id] = w
	y.mu.Unlock()
	var msg *Message
	err := y.Transmit(body, y.router)
	if err == nil {
		var expired <-chan time.Time
		if timeout > 0 {
			timer := time.NewTimer(timeout)
			defer timer.Stop()
			expired = timer.C
		}
		select {
		case msg = <-w.ch:
		case <-expired:
		case <-y.done:
		}
	}
	y.mu.Lock()
	delete(y.waiters, id)
	if msg == nil {
		select { // an answer that came with the timeout still counts
		case msg = <-w.ch:
		default:
		}
	}
	if msg == nil && final {
		y.expired.add(id)
	}
	closing := y.closing
	y.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if msg == nil {
		if closing {
			return nil, fmt.Errorf("%w while waiting", ErrClosed)
		}
		return nil, &RouteError{Code: CodeTimeout,
			Text: fmt.Sprintf("no %s for %s within %v", strings.Join(kinds, "/"), id, timeout)}
	}
	if msg.Kind == KindErr {
		code := msg.Code
		if code == "" {
			code = "error"
		}
		return nil, &RouteError{Code: code, Text: msg.Error, Message: msg}
	}
	return msg, nil
}

func (y *Yard) autoLoop() {
	defer y.wg.Done()
	for {
		select {
		case <-y.done:
			return
		case body := <-y.auto:
			if err := y.Transmit(body, y.router); err != nil {
				y.count("auto_reply_failed", 1)
			}
		}
	}
}

// autoAnswer queues an answer sent by the yard itself (acks of ackd messages, unknown_share errors); a full
// queue drops it (auto_reply_dropped).
func (y *Yard) autoAnswer(m *Message, kind string, fields []field) {
	body, err := y.answerBody(m, kind, nil, false, fields, nil)
	if err != nil {
		return
	}
	body.Delete("data")
	select {
	case y.auto <- body:
	default:
		y.count("auto_reply_dropped", 1)
	}
}

// ---- internals: receiving

func (y *Yard) readLoop() {
	defer y.wg.Done()
	buf := make([]byte, lane.MaxPageSize+1024)
	for {
		n, from, err := y.sock.Recv(buf)
		if err != nil {
			if y.Closed() || errors.Is(err, net.ErrClosed) {
				return
			}
			y.count("recv_error", 1)
			time.Sleep(time.Millisecond)
			continue
		}
		y.onDatagram(buf[:n], from)
	}
}

func (y *Yard) onDatagram(data []byte, from string) {
	defer func() { // never let one bad datagram stop the reader
		if recover() != nil {
			y.count("dispatch_error", 1)
		}
	}()
	y.count("pages_received", 1)
	page, err := lane.DecodePage(data)
	if err != nil {
		y.count("invalid_page_header", 1)
		return
	}
	if page.Head.DN != y.name {
		y.count("invalid_destination", 1) // the reference delivers these too
	}
	head, raw, done := y.books.Add(page)
	y.statsMu.Lock()
	for k, v := range y.books.Stats() {
		y.stats[k] = v
	}
	y.statsMu.Unlock()
	if !done {
		return
	}
	body, err := lane.UnpackBody(raw, head.PK)
	if err != nil {
		y.count("invalid_body", 1)
		return
	}
	y.count("received", 1)
	y.dispatch(NewMessage(body, head.SN, from))
}

func (y *Yard) dispatch(m *Message) {
	kind := m.Kind
	if isAnswer(kind) && m.Body.Has("re") {
		y.mu.Lock()
		if w := y.waiters[m.Re]; w != nil && w.accepts(kind) {
			select {
			case w.ch <- m:
			default: // a second answer to the same call
			}
			y.mu.Unlock()
			return
		}
		if y.expired.has(m.Re) {
			y.mu.Unlock()
			y.count("late_answer", 1)
			return
		}
		quiet := y.quiet.has(m.Re)
		y.mu.Unlock()
		if quiet && kind != KindErr {
			return
		}
	}
	if kind == KindAckd && m.Body.Has("id") {
		y.autoAnswer(m, KindAck, nil)
		key := m.Src.Estate + "\x00" + m.Src.Yard + "\x00" + idText(m.Body)
		y.mu.Lock()
		dup := y.seenAckd.has(key)
		if !dup {
			y.seenAckd.add(key)
		}
		y.mu.Unlock()
		if dup {
			y.count("duplicate_ackd", 1)
			return
		}
	}
	y.mu.Lock()
	s := y.shares[m.Dst.Share]
	if s == nil && (isAnswer(kind) || !m.Routed) {
		s = y.shares[""]
	}
	y.mu.Unlock()
	if s == nil {
		y.count("unknown_share", 1)
		if y.answerUnknown && m.Routed && kind != KindPub {
			y.autoAnswer(m, KindErr, []field{{"code", CodeUnknownShare},
				{"error", fmt.Sprintf("yard %s has no share %q", y.name, m.Dst.Share)}})
		}
		return
	}
	if !s.put(m) {
		y.count("share_overflow", 1)
	}
}

package raetsdk_test

// Test helpers: repository paths, the reference's python, and a small in-test router yard.

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"raet.io/raetsdk/lane"
)

// repoRoot is the repository's root, from this package's directory (sdk/go).
var repoRoot = filepath.Join("..", "..")

// referencePython is the reference venv's python: $RAET_PYTHON, else $RAET_VENV/bin/python or
// ~/.cache/raet/pyref-0.6.8/bin/python; "" when missing.
func referencePython() string {
	if env := os.Getenv("RAET_PYTHON"); env != "" {
		if executable(env) {
			return env
		}
		return ""
	}
	venv := os.Getenv("RAET_VENV")
	if venv == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		venv = filepath.Join(home, ".cache", "raet", "pyref-0.6.8")
	}
	py := filepath.Join(venv, "bin", "python")
	if executable(py) {
		return py
	}
	return ""
}

func executable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// shortTempDir is a fresh directory with a short path (socket paths are limited to 107 bytes).
func shortTempDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("/tmp", "rgo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func waitFor(cond func() bool, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return cond()
}

func glob(pattern, text string) bool {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("(?s)^" + strings.Join(parts, ".*") + "$").MatchString(text)
}

// pad4 reads an address array of a body: strings, null levels empty, at least four levels.
func pad4(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, e := range l {
			s, _ := e.(string)
			out = append(out, s)
		}
	}
	for len(out) < 4 {
		out = append(out, "")
	}
	return out
}

func wire(levels []string) []any {
	out := make([]any, len(levels))
	for i, l := range levels {
		out[i] = l
	}
	return out
}

func sameLevels(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type rule struct{ role, dst, action string }

// subscriber of a topic of the fake router: its address and its tag pattern (nil: every pub).
type subscriber struct {
	addr []string
	tags any
}

// fakeRouter is a router yard (<dir>/<lane>.router.uxd) following docs/routing.md, for tests.
//
// Estate name "here"; it fills empty src estate/yard levels; forwards to other yards of the lane; its own
// shares: echo (req → rsp with the same data; ackd → ack; others kept in echoed), silent (never answers),
// topics topic.* and presence (sub/unsub answered with ack, a sub may carry a tag pattern "tags"; pub copied to
// each matching subscriber; only announce publishes on presence), pools pool.* (a sub registers a worker, other
// messages go to the workers in turn). A policy table of rules, the role of local yards is "local". Errors go
// back as err messages with code/error/re.
type fakeRouter struct {
	dir, lane, name, estate string
	policy                  []rule

	sock    *lane.Socket
	books   *lane.Reassembler
	mu      sync.Mutex
	remotes map[string]*lane.Head
	seen    []*lane.Map // every body received, after src filling
	echoed  []*lane.Map
	topics  map[string][]subscriber
	pools   map[string][][]string
	turn    int
	counter int
	stopped chan struct{}
}

func newFakeRouter(t *testing.T, dir string) *fakeRouter {
	t.Helper()
	path, err := lane.YardPath(dir, "lane", "router")
	if err != nil {
		t.Fatal(err)
	}
	sock, err := lane.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	r := &fakeRouter{dir: dir, lane: "lane", name: "router", estate: "here",
		policy: []rule{{"*", "*/*/admin.*", "deny"}},
		sock:   sock, books: lane.NewReassembler(), remotes: make(map[string]*lane.Head),
		topics: make(map[string][]subscriber), pools: make(map[string][][]string), stopped: make(chan struct{})}
	go r.loop()
	t.Cleanup(r.close)
	return r
}

func (r *fakeRouter) close() {
	r.sock.Close()
	<-r.stopped
}

func (r *fakeRouter) loop() {
	defer close(r.stopped)
	buf := make([]byte, lane.MaxPageSize+1024)
	for {
		n, _, err := r.sock.Recv(buf)
		if err != nil {
			return
		}
		page, err := lane.DecodePage(buf[:n])
		if err != nil {
			continue
		}
		head, raw, done := r.books.Add(page)
		if !done {
			continue
		}
		body, err := lane.UnpackBody(raw, head.PK)
		if err != nil {
			continue
		}
		r.handle(body, head.SN)
	}
}

func (r *fakeRouter) seenBodies() []*lane.Map {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*lane.Map(nil), r.seen...)
}

func (r *fakeRouter) transmit(body *lane.Map, yard string) error {
	r.mu.Lock()
	h := r.remotes[yard]
	if h == nil {
		nh := lane.NewHead(r.name, yard)
		nh.SI = lane.NewSID()
		h = &nh
		r.remotes[yard] = h
	}
	h.BI++
	head := *h
	r.mu.Unlock()
	path, err := lane.YardPath(r.dir, r.lane, yard)
	if err != nil {
		return err
	}
	data, err := lane.PackBody(body, lane.PkJSON)
	if err != nil {
		return err
	}
	pages, err := lane.Paginate(head, data)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if err := r.sock.Send(p, path, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

func (r *fakeRouter) roleAllows(dst []string) bool {
	estate, yard := dst[0], dst[1]
	if estate == "" {
		estate = r.estate
	}
	if yard == "" {
		yard = r.name
	}
	target := estate + "/" + yard + "/" + dst[2]
	for _, rl := range r.policy {
		if glob(rl.role, "local") && glob(rl.dst, target) {
			return rl.action == "allow"
		}
	}
	return true
}

func (r *fakeRouter) newID() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counter++
	return "r" + strconv.Itoa(r.counter)
}

func routeOf(body *lane.Map) *lane.Map {
	route, _ := body.Value("route").(*lane.Map)
	if route == nil {
		route = lane.NewMap()
	}
	return route
}

func (r *fakeRouter) answer(body *lane.Map, kind string, kv ...any) {
	switch body.GetString("kind") {
	case "err", "rsp", "ack":
		return
	}
	route := routeOf(body)
	src, dst := pad4(route.Value("src")), pad4(route.Value("dst"))
	out := lane.MapOf("route", lane.MapOf("src", []any{r.estate, r.name, dst[2], dst[3]}, "dst", wire(src)),
		"kind", kind, "id", r.newID(), "re", body.Value("id"))
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i].(string), kv[i+1])
	}
	r.route(out)
}

func (r *fakeRouter) handle(body *lane.Map, fromYard string) {
	route, ok := body.Value("route").(*lane.Map)
	if !ok {
		r.mu.Lock()
		r.seen = append(r.seen, body)
		r.mu.Unlock()
		return
	}
	src := pad4(route.Value("src"))
	if src[0] == "" {
		src[0] = r.estate
	}
	if src[1] == "" {
		src[1] = fromYard
	}
	route.Set("src", wire(src))
	r.mu.Lock()
	r.seen = append(r.seen, body)
	r.mu.Unlock()
	if !r.roleAllows(pad4(route.Value("dst"))) {
		r.answer(body, "err", "code", "denied", "error", "denied by policy")
		return
	}
	r.route(body)
}

func (r *fakeRouter) route(body *lane.Map) {
	dst := pad4(routeOf(body).Value("dst"))
	if dst[0] != "" && dst[0] != r.estate {
		r.answer(body, "err", "code", "unknown_destination", "error", "no estate "+dst[0])
		return
	}
	if dst[1] != "" && dst[1] != r.name {
		if err := r.transmit(body, dst[1]); err != nil {
			r.answer(body, "err", "code", "unknown_destination", "error", "no yard "+dst[1])
		}
		return
	}
	r.local(body, dst)
}

func (r *fakeRouter) local(body *lane.Map, dst []string) {
	kind := body.GetString("kind")
	if kind == "" {
		kind = "msg"
	}
	share := dst[2]
	switch {
	case share == "echo":
		switch kind {
		case "req":
			r.answer(body, "rsp", "data", body.Value("data"))
		case "ackd":
			r.answer(body, "ack")
		default:
			r.mu.Lock()
			r.echoed = append(r.echoed, body)
			r.mu.Unlock()
		}
	case share == "silent":
	case strings.HasPrefix(share, "topic.") || share == "presence":
		src := pad4(routeOf(body).Value("src"))
		r.mu.Lock()
		subs := r.topics[share]
		idx := -1
		for i, s := range subs {
			if sameLevels(s.addr, src) {
				idx = i
			}
		}
		if idx >= 0 && (kind == "sub" || kind == "unsub") {
			subs = append(subs[:idx], subs[idx+1:]...)
		}
		if kind == "sub" {
			subs = append(subs, subscriber{src, body.Value("tags")})
		}
		r.topics[share] = subs
		r.mu.Unlock()
		switch {
		case kind == "sub" || kind == "unsub":
			r.answer(body, "ack")
		case kind == "pub" && share != "presence":
			r.publish(share, body)
		default:
			r.answer(body, "err", "code", "bad_route", "error", "topic share takes sub/unsub/pub")
		}
	case strings.HasPrefix(share, "pool."):
		src := pad4(routeOf(body).Value("src"))
		r.mu.Lock()
		var workers [][]string
		for _, w := range r.pools[share] {
			if w[1] != src[1] {
				workers = append(workers, w)
			}
		}
		if kind == "sub" {
			workers = append(workers, src)
		}
		r.pools[share] = workers
		r.turn++
		turn := r.turn
		r.mu.Unlock()
		switch {
		case kind == "sub" || kind == "unsub":
			r.answer(body, "ack")
		case len(workers) == 0:
			r.answer(body, "err", "code", "unknown_destination", "error", "no workers")
		default:
			w := workers[turn%len(workers)]
			c := body.Clone()
			c.Set("route", lane.MapOf("src", routeOf(body).Value("src"), "dst", wire([]string{w[0], w[1], w[2], dst[3]})))
			r.route(c)
		}
	default:
		r.answer(body, "err", "code", "unknown_share", "error", "router has no share "+share)
	}
}

// publish copies a pub to every subscriber of share whose tag pattern matches its tag.
func (r *fakeRouter) publish(share string, body *lane.Map) {
	r.mu.Lock()
	subs := append([]subscriber(nil), r.topics[share]...)
	r.mu.Unlock()
	for _, sub := range subs {
		if p, ok := sub.tags.(string); ok && !glob(p, body.GetString("tag")) {
			continue
		}
		c := body.Clone()
		c.Set("route", lane.MapOf("src", routeOf(body).Value("src"), "dst", wire(sub.addr)))
		r.route(c)
	}
}

// announce publishes a presence event to the subscribers of presence.
func (r *fakeRouter) announce(data *lane.Map, tag string) {
	r.publish("presence", lane.MapOf("route", lane.MapOf("src", []any{r.estate, r.name, "presence", ""},
		"dst", []any{}), "kind", "msg", "tag", tag, "data", data, "topic", "presence",
		"stamp", "2026-12-04T17:03:12.123456Z"))
}

func (r *fakeRouter) subscribers(share string) []subscriber {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]subscriber(nil), r.topics[share]...)
}

func (r *fakeRouter) workers(share string) [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]string(nil), r.pools[share]...)
}

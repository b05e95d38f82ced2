package raetsdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"raet.io/raetsdk/lane"
)

// Message kinds (docs/routing.md).
const (
	KindMsg   = "msg"   // plain message (the default)
	KindReq   = "req"   // request, answered by rsp
	KindRsp   = "rsp"   // response
	KindAck   = "ack"   // acknowledgement of ackd (and of sub/unsub by a router)
	KindAckd  = "ackd"  // acknowledged delivery
	KindPub   = "pub"   // publish to a topic share
	KindSub   = "sub"   // subscribe to a topic share
	KindUnsub = "unsub" // unsubscribe
	KindErr   = "err"   // error answer
)

// Error codes of err answers.
const (
	CodeDenied             = "denied"
	CodeUnknownDestination = "unknown_destination"
	CodeUnknownShare       = "unknown_share"
	CodeBadRoute           = "bad_route"
	CodeTimeout            = "timeout"
	CodeFailed             = "failed"
	CodeUnknownChannel     = "unknown_channel" // the router has no road for the destination's channel
	CodeRefused            = "refused"         // a bound of the next hop, the estate, or a restriction refused it
)

// Kinds lists every message kind; AnswerKinds those that answer another message; ErrorCodes the codes.
var (
	Kinds       = []string{KindMsg, KindReq, KindRsp, KindAck, KindAckd, KindPub, KindSub, KindUnsub, KindErr}
	AnswerKinds = []string{KindRsp, KindAck, KindErr}
	ErrorCodes  = []string{CodeDenied, CodeUnknownDestination, CodeUnknownShare, CodeBadRoute, CodeTimeout,
		CodeFailed, CodeUnknownChannel, CodeRefused}
)

func isAnswer(kind string) bool { return kind == KindRsp || kind == KindAck || kind == KindErr }

// Address is a routed address with named parts. On the wire it is the array [estate, yard, share, channel]
// (the reference's order, outermost level first); the design's tuple (share, yard, estate, channel) names the
// same parts innermost first. An empty Estate means this host's estate, an empty Yard the router yard of that
// estate, an empty Share the yard's default share, an empty Channel no channel. Extra holds levels beyond the
// fourth, kept and forwarded as they are.
type Address struct {
	Estate  string
	Yard    string
	Share   string
	Channel string
	Extra   []string
}

// ParseAddress reads "estate/yard/share/channel", split at the first three slashes (the channel may hold
// slashes): "beta/svc/jobs" is estate beta, yard svc, share jobs; "//echo" the share echo of the local router.
func ParseAddress(s string) Address {
	if s == "" {
		return Address{}
	}
	return AddressOf(strings.SplitN(s, "/", 4))
}

// AddressOf builds an address from its wire array [estate, yard, share, channel, extra…]; missing levels are
// empty.
func AddressOf(levels []string) Address {
	var a Address
	for i, l := range levels {
		switch i {
		case 0:
			a.Estate = l
		case 1:
			a.Yard = l
		case 2:
			a.Share = l
		case 3:
			a.Channel = l
		default:
			a.Extra = append(a.Extra, l)
		}
	}
	return a
}

// Levels returns the wire array: [estate, yard, share, channel] followed by any extra levels.
func (a Address) Levels() []string {
	out := []string{a.Estate, a.Yard, a.Share, a.Channel}
	return append(out, a.Extra...)
}

// String is "estate/yard/share" (and "/channel" when there is one).
func (a Address) String() string {
	s := a.Estate + "/" + a.Yard + "/" + a.Share
	if a.Channel != "" {
		s += "/" + a.Channel
	}
	return s
}

// wire returns the levels as the []any a body holds.
func (a Address) wire() []any {
	lv := a.Levels()
	out := make([]any, len(lv))
	for i, l := range lv {
		out[i] = l
	}
	return out
}

// lenientAddress reads an address from a received body; it never fails: null levels are empty, other
// non-text levels become their text, a string is parsed as ParseAddress does, anything else is empty.
func lenientAddress(v any) Address {
	switch x := v.(type) {
	case []any:
		levels := make([]string, len(x))
		for i, e := range x {
			levels[i] = levelText(e)
		}
		return AddressOf(levels)
	case []string:
		return AddressOf(x)
	case string:
		return ParseAddress(x)
	}
	return Address{}
}

func levelText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return lane.FloatRepr(x)
	}
	b, err := lane.MarshalJSON(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Message is a received message.
//
// Body is the whole mapping as it arrived; Src and Dst are the route's addresses (empty when the body has no
// route); Kind defaults to msg. ID, Re, Error and Code are the body's fields when they are text. Sender is the
// lane yard the pages came from (the router for routed traffic), SenderPath its socket path.
type Message struct {
	Body       *lane.Map
	Sender     string
	SenderPath string
	Routed     bool
	Src        Address
	Dst        Address
	Kind       string
	ID         string
	Re         string
	Data       any
	Error      string
	Code       string
	Tag        string // the message's tag ("" when it has none); policy rules and subscriptions match it
	Stamp      any    // the stamp the first router set (UTC with microseconds, ISO 8601), or nil
}

// NewMessage reads the fields of a received body.
func NewMessage(body *lane.Map, sender, senderPath string) *Message {
	if body == nil {
		body = lane.NewMap()
	}
	m := &Message{Body: body, Sender: sender, SenderPath: senderPath, Kind: KindMsg}
	if route, ok := body.Value("route").(*lane.Map); ok {
		m.Routed = true
		m.Src = lenientAddress(route.Value("src"))
		m.Dst = lenientAddress(route.Value("dst"))
	}
	if k := body.GetString("kind"); k != "" {
		m.Kind = k
	}
	m.ID = body.GetString("id")
	m.Re = body.GetString("re")
	m.Data = body.Value("data")
	m.Error = body.GetString("error")
	m.Code = body.GetString("code")
	m.Tag = body.GetString("tag")
	m.Stamp = body.Value("stamp")
	return m
}

// Share is the share this message was addressed to (the dst share level).
func (m *Message) Share() string { return m.Dst.Share }

// Channel is the flow's channel: the dst channel, else the src channel.
func (m *Message) Channel() string {
	if m.Dst.Channel != "" {
		return m.Dst.Channel
	}
	return m.Src.Channel
}

// Get returns a body field and whether it is present.
func (m *Message) Get(key string) (any, bool) { return m.Body.Get(key) }

// Seq returns the seq field of a sequential flow when it is an integer.
func (m *Message) Seq() (int64, bool) {
	switch x := m.Body.Value("seq").(type) {
	case int64:
		return x, true
	case uint64:
		return int64(x), x <= 1<<63-1
	}
	return 0, false
}

// Decode stores Data in the value v points to, as encoding/json would from the JSON of Data (for structs).
func (m *Message) Decode(v any) error {
	b, err := lane.JSONOptions{UTF8: true}.Marshal(m.Data)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (m *Message) String() string {
	data, err := lane.JSONOptions{UTF8: true}.Marshal(m.Data)
	if err != nil {
		data = []byte(fmt.Sprint(m.Data))
	}
	return fmt.Sprintf("Message(kind=%s, id=%q, src=%s, dst=%s, data=%s)", m.Kind, m.ID, m.Src, m.Dst, data)
}

// Errors the SDK returns (compare with errors.Is).
var (
	ErrClosed      = errors.New("raet: yard is closed")
	ErrTimeout     = errors.New("raet: no answer in time")
	ErrUnreachable = errors.New("raet: yard unreachable")
)

// RouteError is a routed operation that failed: an err answer (Code one of ErrorCodes, Text its error text,
// Message the err message) or a timeout (Code "timeout", no Message; errors.Is(err, ErrTimeout) holds).
type RouteError struct {
	Code    string
	Text    string
	Message *Message
}

func (e *RouteError) Error() string {
	if e.Text != "" {
		return e.Code + ": " + e.Text
	}
	return e.Code
}

// Timeout reports whether no answer came in time.
func (e *RouteError) Timeout() bool { return e.Code == CodeTimeout && e.Message == nil }

// Unwrap gives ErrTimeout for a timeout.
func (e *RouteError) Unwrap() error {
	if e.Timeout() {
		return ErrTimeout
	}
	return nil
}

// Presence events (the router's presence topic, share "presence" of the router yard).
const (
	PresenceShare = "presence" // the router's presence topic, and the share of this yard that receives it
)

// PresenceEvent is one message of a router's presence topic. Event is "joined", "allowed", "alive", "dead"
// (about Estate), "arrived", "left" (about Yard of Estate) or "snapshot" (Estates: each known estate's last
// event, Yards: the yards present). Stamp is the router's stamp, Message the whole message.
type PresenceEvent struct {
	Event   string
	Estate  string
	Yard    string
	Stamp   any
	Estates map[string]string
	Yards   []string
	Message *Message
}

// IsEstate reports whether the event is about an estate of the road.
func (e PresenceEvent) IsEstate() bool {
	switch e.Event {
	case "joined", "allowed", "alive", "dead":
		return true
	}
	return false
}

// IsYard reports whether the event is about a yard of the lane.
func (e PresenceEvent) IsYard() bool { return e.Event == "arrived" || e.Event == "left" }

// PresenceOf reads a presence message; ok is false when its data is not a presence event.
func PresenceOf(m *Message) (PresenceEvent, bool) {
	d, isMap := m.Data.(*lane.Map)
	if !isMap || d.GetString("event") == "" {
		return PresenceEvent{}, false
	}
	e := PresenceEvent{Event: d.GetString("event"), Estate: d.GetString("estate"), Yard: d.GetString("yard"),
		Stamp: m.Stamp, Estates: map[string]string{}, Message: m}
	if es, ok := d.Value("estates").(*lane.Map); ok {
		for _, k := range es.Keys() {
			e.Estates[k] = levelText(es.Value(k))
		}
	}
	if ys, ok := d.Value("yards").([]any); ok {
		for _, y := range ys {
			e.Yards = append(e.Yards, levelText(y))
		}
	}
	return e, true
}

package raetsdk_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	raetsdk "raet.io/raetsdk"
	"raet.io/raetsdk/lane"
)

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := lane.JSONOptions{UTF8: true}.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func levels(a raetsdk.Address) string { return strings.Join(a.Levels(), "|") }

func TestAddressForms(t *testing.T) {
	cases := []struct {
		got  raetsdk.Address
		want string
	}{
		{raetsdk.Address{}, "|||"},
		{raetsdk.AddressOf([]string{"e"}), "e|||"},
		{raetsdk.AddressOf([]string{"e", "y", "s", "c", "x"}), "e|y|s|c|x"},
		{raetsdk.ParseAddress("e/y/jobs.high"), "e|y|jobs.high|"},
		{raetsdk.ParseAddress("/y//a/b"), "|y||a/b"},
		{raetsdk.ParseAddress(""), "|||"},
		{raetsdk.Address{Share: "jobs", Yard: "svc", Estate: "beta"}, "beta|svc|jobs|"},
	}
	for _, c := range cases {
		if levels(c.got) != c.want {
			t.Errorf("%+v: %s, want %s", c.got, levels(c.got), c.want)
		}
	}
	if s := (raetsdk.Address{Estate: "e", Yard: "y", Share: "s"}).String(); s != "e/y/s" {
		t.Errorf("String %q", s)
	}
	if s := (raetsdk.Address{Yard: "y", Channel: "c"}).String(); s != "/y//c" {
		t.Errorf("String %q", s)
	}
}

func TestMessageFields(t *testing.T) {
	body, err := lane.ParseJSON([]byte(`{"route": {"src": ["e", "y"], "dst": ["", "", "s", "c", "extra"]},
		"kind": "req", "id": "1", "data": {"a": 1}, "x": 2, "seq": 0}`))
	if err != nil {
		t.Fatal(err)
	}
	m := raetsdk.NewMessage(body.(*lane.Map), "router", "")
	if levels(m.Src) != "e|y||" || levels(m.Dst) != "||s|c|extra" {
		t.Fatalf("src %v dst %v", m.Src, m.Dst)
	}
	x, _ := m.Get("x")
	seq, ok := m.Seq()
	if m.Kind != "req" || m.ID != "1" || m.Share() != "s" || m.Channel() != "c" || x != int64(2) ||
		m.Sender != "router" || !ok || seq != 0 || !m.Routed {
		t.Fatalf("%v", m)
	}
	var data struct{ A int }
	if err := m.Decode(&data); err != nil || data.A != 1 {
		t.Fatalf("decode %v %v", data, err)
	}
	plain := raetsdk.NewMessage(lane.MapOf("hello", 1), "", "")
	if plain.Routed || plain.Kind != "msg" {
		t.Fatal("plain")
	}
	// levels that are not text are read leniently
	odd := raetsdk.NewMessage(lane.MapOf("route", lane.MapOf("src", []any{nil, int64(5), true}, "dst", "a/b")), "", "")
	if levels(odd.Src) != "|5|True|" || levels(odd.Dst) != "a|b||" {
		t.Fatalf("src %v dst %v", odd.Src, odd.Dst)
	}
}

type env struct {
	t      *testing.T
	dir    string
	router *fakeRouter
}

func newEnv(t *testing.T) *env {
	d := shortTempDir(t)
	return &env{t: t, dir: d, router: newFakeRouter(t, d)}
}

func (e *env) yard(name string, opts *raetsdk.Options) *raetsdk.Yard {
	e.t.Helper()
	o := raetsdk.Options{}
	if opts != nil {
		o = *opts
	}
	o.Dir = e.dir
	y, err := raetsdk.Open(name, &o)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { y.Close() })
	return y
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func echo() raetsdk.Address { return raetsdk.Address{Share: "echo"} }

func TestSocketNamingModeAndClose(t *testing.T) {
	e := newEnv(t)
	y := e.yard("w1", nil)
	if y.Path() != filepath.Join(e.dir, "lane.w1.uxd") {
		t.Fatalf("path %s", y.Path())
	}
	st, err := os.Stat(y.Path())
	ok(t, err)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	ok(t, y.Close())
	if _, err := os.Stat(y.Path()); !os.IsNotExist(err) {
		t.Fatal("socket left behind")
	}
	y2, err := raetsdk.Open("w2", &raetsdk.Options{Dir: e.dir, Lane: "other"})
	ok(t, err)
	if _, err := os.Stat(filepath.Join(e.dir, "other.w2.uxd")); err != nil {
		t.Fatal(err)
	}
	ok(t, y2.Close())
	if _, err := os.Stat(y2.Path()); !os.IsNotExist(err) {
		t.Fatal("socket left behind")
	}
	for _, bad := range []string{"a.b", "a b", ""} {
		if _, err := raetsdk.Open(bad, &raetsdk.Options{Dir: e.dir}); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	if _, err := raetsdk.Open("w3", &raetsdk.Options{Dir: e.dir, Pack: "xml"}); err == nil {
		t.Error("pack xml accepted")
	}
}

func TestStaleSocketFileIsReplaced(t *testing.T) {
	e := newEnv(t)
	s, err := lane.Listen(filepath.Join(e.dir, "lane.w3.uxd"))
	ok(t, err)
	ok(t, s.Abandon()) // leave the file behind, as a killed process would
	y := e.yard("w3", nil)
	got, err := y.Request(echo(), 1, 2*time.Second)
	ok(t, err)
	if got != int64(1) {
		t.Fatalf("%v", got)
	}
	// a live one is refused
	if _, err := raetsdk.Open("w3", &raetsdk.Options{Dir: e.dir}); err == nil {
		t.Fatal("bound over a live yard")
	}
}

func TestSendBetweenYardsThroughRouter(t *testing.T) {
	e := newEnv(t)
	a, b := e.yard("a", nil), e.yard("b", nil)
	mid, err := a.Send(raetsdk.Address{Yard: "b"}, lane.MapOf("n", 1), raetsdk.Channel("c1"), raetsdk.Seq(0))
	ok(t, err)
	m := b.Receive(2 * time.Second)
	if m == nil {
		t.Fatal("nothing received")
	}
	seq, hasSeq := m.Seq()
	if m.Kind != "msg" || m.ID != mid || jsonOf(t, m.Data) != `{"n":1}` || !hasSeq || seq != 0 ||
		m.Sender != "router" {
		t.Fatalf("%v", m)
	}
	if levels(m.Src) != "here|a||c1" || levels(m.Dst) != "|b||c1" { // src filled by the router
		t.Fatalf("src %v dst %v", m.Src, m.Dst)
	}
	// what the router got from the SDK: src estate empty, yard name set
	for _, s := range e.router.seenBodies() {
		if s.Value("id") == mid {
			if jsonOf(t, routeOf(s).Value("dst")) != `["","b","","c1"]` {
				t.Fatalf("dst %s", jsonOf(t, routeOf(s).Value("dst")))
			}
			return
		}
	}
	t.Fatal("router did not see the message")
}

func TestBodyAsTheSDKBuildsIt(t *testing.T) {
	e := newEnv(t)
	a := e.yard("a", nil)
	body, err := a.Build(raetsdk.Address{Estate: "beta", Yard: "svc", Share: "jobs"}, []any{1, "x"},
		raetsdk.FromShare("results"), raetsdk.ID("i1"), raetsdk.Field("tag", "t"))
	ok(t, err)
	want := `{"route":{"src":["","a","results",""],"dst":["beta","svc","jobs",""]},"kind":"msg","id":"i1",` +
		`"data":[1,"x"],"tag":"t"}`
	if got := jsonOf(t, body); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if _, err := a.Build(echo(), nil, raetsdk.Field("route", 1)); err == nil {
		t.Fatal("route field accepted")
	}
	if !strings.HasPrefix(a.NewID(), "a-") || a.NewID() == a.NewID() {
		t.Fatal("ids")
	}
}

func TestRequestToRouterShare(t *testing.T) {
	e := newEnv(t)
	a := e.yard("a", nil)
	got, err := a.Request(echo(), lane.MapOf("q", []any{1, 2}), 2*time.Second)
	ok(t, err)
	if jsonOf(t, got) != `{"q":[1,2]}` {
		t.Fatalf("%s", jsonOf(t, got))
	}
	got, err = a.Request(raetsdk.ParseAddress("//echo"), "x", 2*time.Second)
	ok(t, err)
	if got != "x" {
		t.Fatalf("%v", got)
	}
	rsp, err := a.RequestMessage(echo(), 5, 2*time.Second)
	ok(t, err)
	if rsp.Kind != "rsp" || rsp.Src.Estate != "here" || rsp.Src.Yard != "router" || rsp.Src.Share != "echo" {
		t.Fatalf("%v", rsp)
	}
}

func TestRequestServedByAnotherYardShare(t *testing.T) {
	e := newEnv(t)
	a, b := e.yard("a", nil), e.yard("b", nil)
	jobs, err := b.Share("jobs.high", raetsdk.Queue, 0)
	ok(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 3; i++ {
			m := jobs.Receive(3 * time.Second)
			if m == nil {
				return
			}
			n, _ := m.Data.(int64)
			if _, err := b.Respond(m, lane.MapOf("double", n*2)); err != nil {
				return
			}
		}
	}()
	defer wg.Wait()
	for i := 0; i < 3; i++ {
		got, err := a.Request(raetsdk.Address{Yard: "b", Share: "jobs.high"}, i, 3*time.Second,
			raetsdk.FromShare("results"))
		ok(t, err)
		if jsonOf(t, got) != `{"double":`+itoa(2*i)+`}` {
			t.Fatalf("%s", jsonOf(t, got))
		}
	}
}

func itoa(i int) string { return jsonText(i) }

func jsonText(v any) string {
	b, _ := lane.MarshalJSON(v)
	return string(b)
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	a := e.yard("a", nil)
	e.yard("b", nil)
	cases := []struct {
		dst  raetsdk.Address
		code string
	}{
		{raetsdk.Address{Share: "nosuch"}, "unknown_share"},
		{raetsdk.Address{Yard: "ghost", Share: "x"}, "unknown_destination"},
		{raetsdk.Address{Estate: "far", Share: "echo"}, "unknown_destination"},
		{raetsdk.Address{Share: "admin.reset"}, "denied"},
		{raetsdk.Address{Yard: "b", Share: "nosuch"}, "unknown_share"},
	}
	for _, c := range cases {
		_, err := a.Request(c.dst, 1, 2*time.Second)
		var re *raetsdk.RouteError
		if !errors.As(err, &re) || re.Code != c.code || re.Message == nil || re.Message.Kind != "err" {
			t.Fatalf("%v: %v", c.dst, err)
		}
	}
	// a plain msg that fails comes back as an err message on the sender's share
	mid, err := a.Send(raetsdk.Address{Share: "admin.x"}, 1)
	ok(t, err)
	m := a.Receive(2 * time.Second)
	if m == nil || m.Kind != "err" || m.Re != mid || m.Code != "denied" {
		t.Fatalf("%v", m)
	}
}

func TestRequestTimeout(t *testing.T) {
	e := newEnv(t)
	a := e.yard("a", nil)
	t0 := time.Now()
	_, err := a.Request(raetsdk.Address{Share: "silent"}, 1, 300*time.Millisecond)
	var re *raetsdk.RouteError
	if !errors.As(err, &re) || re.Code != "timeout" || !re.Timeout() || !errors.Is(err, raetsdk.ErrTimeout) {
		t.Fatalf("%v", err)
	}
	if time.Since(t0) < 290*time.Millisecond {
		t.Fatal("returned early")
	}
}

func TestLateResponseIsDropped(t *testing.T) {
	e := newEnv(t)
	a, b := e.yard("a", nil), e.yard("b", nil)
	_, err := b.Share("slow", raetsdk.Queue, 0)
	ok(t, err)
	if _, err := a.Request(raetsdk.Address{Yard: "b", Share: "slow"}, 1, 200*time.Millisecond); !errors.Is(err, raetsdk.ErrTimeout) {
		t.Fatalf("%v", err)
	}
	m, err := b.ReceiveShare("slow", 2*time.Second)
	ok(t, err)
	_, err = b.Respond(m, "late")
	ok(t, err)
	if !waitFor(func() bool { return a.Stat("late_answer") == 1 }, 2*time.Second) {
		t.Fatal("late answer not counted")
	}
	if a.Receive(100*time.Millisecond) != nil {
		t.Fatal("late answer delivered")
	}
}

func TestQueueAndBestShares(t *testing.T) {
	e := newEnv(t)
	a, b := e.yard("a", nil), e.yard("b", nil)
	q, err := b.Share("q", raetsdk.Queue, 0)
	ok(t, err)
	best, err := b.Share("status", raetsdk.Best, 0)
	ok(t, err)
	for i := 0; i < 5; i++ {
		_, err := a.Send(raetsdk.Address{Yard: "b", Share: "q"}, i)
		ok(t, err)
		_, err = a.Send(raetsdk.Address{Yard: "b", Share: "status"}, i)
		ok(t, err)
	}
	for i := 0; i < 5; i++ {
		m := q.Receive(2 * time.Second)
		if m == nil || m.Data != int64(i) {
			t.Fatalf("%d: %v", i, m)
		}
	}
	waitFor(func() bool { l := best.Latest(); return l != nil && l.Data == int64(4) }, 2*time.Second)
	if m := best.Receive(time.Second); m == nil || m.Data != int64(4) {
		t.Fatalf("%v", m)
	}
	if best.Receive(100*time.Millisecond) != nil { // nothing newer
		t.Fatal("best value received twice")
	}
	if best.Latest().Data != int64(4) || best.Len() != 0 {
		t.Fatal("latest")
	}
	_, err = a.Send(raetsdk.Address{Yard: "b", Share: "status"}, 9)
	ok(t, err)
	if m, err := b.ReceiveShare("status", 2*time.Second); err != nil || m == nil || m.Data != int64(9) {
		t.Fatalf("%v %v", m, err)
	}
	if _, err := b.Share("q", raetsdk.Best, 0); err == nil {
		t.Fatal("share kind changed")
	}
	if _, err := b.ReceiveShare("nosuch", 0); err == nil {
		t.Fatal("no error for a missing share")
	}
	ok(t, b.Unshare("q"))
	if b.Unshare("") == nil {
		t.Fatal("default share removed")
	}
}

// A full queue share drops the new message and counts it.
func TestQueueShareIsBounded(t *testing.T) {
	e := newEnv(t)
	a, b := e.yard("a", nil), e.yard("b", nil)
	small, err := b.Share("small", raetsdk.Queue, 2)
	ok(t, err)
	for i := 0; i < 5; i++ {
		_, err := a.Send(raetsdk.Address{Yard: "b", Share: "small"}, i)
		ok(t, err)
	}
	if !waitFor(func() bool { return b.Stat("share_overflow") == 3 }, 2*time.Second) {
		t.Fatalf("stats %v", b.Stats())
	}
	if small.Len() != 2 || small.Dropped() != 3 || small.Receive(0).Data != int64(0) {
		t.Fatal("queue")
	}
}

func TestPublishSubscribe(t *testing.T) {
	e := newEnv(t)
	pub, s1, s2 := e.yard("pub", nil), e.yard("s1", nil), e.yard("s2", nil)
	topic := raetsdk.Address{Share: "topic.news"}
	news1, err := s1.Share("news", raetsdk.Queue, 0)
	ok(t, err)
	_, err = s1.Subscribe(topic, 2*time.Second, raetsdk.FromShare("news"))
	ok(t, err)
	_, err = s2.Subscribe(topic, 2*time.Second) // default share
	ok(t, err)
	_, err = pub.Publish(topic, lane.MapOf("headline", "x"))
	ok(t, err)
	m1, m2 := news1.Receive(2*time.Second), s2.Receive(2*time.Second)
	if m1 == nil || m1.Kind != "pub" || jsonOf(t, m1.Data) != `{"headline":"x"}` || m1.Src.Estate != "here" ||
		m1.Src.Yard != "pub" {
		t.Fatalf("%v", m1)
	}
	if m2 == nil || jsonOf(t, m2.Data) != `{"headline":"x"}` {
		t.Fatalf("%v", m2)
	}
	_, err = s2.Unsubscribe(topic, 2*time.Second)
	ok(t, err)
	_, err = pub.Publish(topic, 2)
	ok(t, err)
	if m := news1.Receive(2 * time.Second); m == nil || m.Data != int64(2) {
		t.Fatalf("%v", m)
	}
	if s2.Receive(200*time.Millisecond) != nil {
		t.Fatal("copy after unsubscribe")
	}
	// fire-and-forget subscribe: its ack is not delivered to a share
	_, err = s2.Subscribe(raetsdk.Address{Share: "topic.other"}, 0)
	ok(t, err)
	if s2.Receive(200*time.Millisecond) != nil {
		t.Fatal("ack of a quiet subscribe delivered")
	}
	_, err = s2.Subscribe(raetsdk.Address{Share: "admin.topic"}, 2*time.Second)
	var re *raetsdk.RouteError
	if !errors.As(err, &re) || re.Code != "denied" {
		t.Fatalf("%v", err)
	}
}

func TestAckd(t *testing.T) {
	e := newEnv(t)
	a, b := e.yard("a", nil), e.yard("b", nil)
	mid, err := a.SendAckd(raetsdk.Address{Yard: "b"}, lane.MapOf("k", 1), time.Second, 3)
	ok(t, err)
	m := b.Receive(2 * time.Second)
	if m == nil || m.Kind != "ackd" || m.ID != mid || jsonOf(t, m.Data) != `{"k":1}` {
		t.Fatalf("%v", m)
	}
	if id, err := a.SendAckd(echo(), 1, time.Second, 3); err != nil || id == "" { // acked by the router
		t.Fatalf("%q %v", id, err)
	}
	if _, err := a.SendAckd(raetsdk.Address{Share: "silent"}, 1, 100*time.Millisecond, 2); !errors.Is(err, raetsdk.ErrTimeout) {
		t.Fatalf("%v", err)
	}
	n := 0
	for _, s := range e.router.seenBodies() {
		if s.GetString("kind") == "ackd" && pad4(routeOf(s).Value("dst"))[2] == "silent" {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("%d sends", n)
	}
}

func TestAckdDuplicatesDeliveredOnce(t *testing.T) {
	e := newEnv(t)
	a, b := e.yard("a", nil), e.yard("b", nil)
	body, err := a.Build(raetsdk.Address{Yard: "b"}, "once", raetsdk.Kind(raetsdk.KindAckd))
	ok(t, err)
	ok(t, a.Transmit(body, "router"))
	ok(t, a.Transmit(body, "router"))
	if m := b.Receive(2 * time.Second); m == nil || m.Data != "once" {
		t.Fatalf("%v", m)
	}
	if b.Receive(200*time.Millisecond) != nil {
		t.Fatal("duplicate delivered")
	}
	if !waitFor(func() bool { return b.Stat("duplicate_ackd") == 1 }, 2*time.Second) {
		t.Fatal("duplicate not counted")
	}
}

func TestPaged200kMessageThroughRouter(t *testing.T) {
	e := newEnv(t)
	a, b := e.yard("a", nil), e.yard("b", nil)
	var sb strings.Builder
	for i := 0; i < 200*1024; i++ {
		sb.WriteByte(byte('A' + i%26))
	}
	big := sb.String()
	_, err := a.Send(raetsdk.Address{Yard: "b"}, lane.MapOf("blob", big))
	ok(t, err)
	m := b.Receive(5 * time.Second)
	if m == nil || m.Data.(*lane.Map).GetString("blob") != big {
		t.Fatal("blob differs")
	}
	if a.Stat("pages_sent") < 4 {
		t.Fatalf("pages %d", a.Stat("pages_sent"))
	}
	got, err := a.Request(echo(), big, 5*time.Second)
	ok(t, err)
	if got != big {
		t.Fatal("echo differs")
	}
}

// A yard writing msgpack pages: the router reads them (and answers in JSON, which the yard reads too).
func TestMsgpackYards(t *testing.T) {
	e := newEnv(t)
	a := e.yard("a", &raetsdk.Options{Pack: "msgpack"})
	b := e.yard("b", nil)
	mid, err := a.Send(raetsdk.Address{Yard: "b"}, lane.MapOf("n", -5, "f", 1.5, "t", "h\u00e9"))
	ok(t, err)
	m := b.Receive(2 * time.Second)
	if m == nil || m.ID != mid || jsonOf(t, m.Data) != `{"n":-5,"f":1.5,"t":"hé"}` {
		t.Fatalf("%v", m)
	}
	got, err := a.Request(echo(), []any{int64(1) << 40, "x"}, 2*time.Second)
	ok(t, err)
	if jsonOf(t, got) != `[1099511627776,"x"]` {
		t.Fatalf("%s", jsonOf(t, got))
	}
}

func TestRouterMissing(t *testing.T) {
	e := newEnv(t)
	e.router.close()
	a := e.yard("a", nil)
	if _, err := a.Send(echo(), 1); !errors.Is(err, raetsdk.ErrUnreachable) {
		t.Fatalf("%v", err)
	}
	if _, err := a.Request(echo(), 1, time.Second); !errors.Is(err, raetsdk.ErrUnreachable) {
		t.Fatalf("%v", err)
	}
	if a.Stat("unreachable_yard") != 2 {
		t.Fatalf("stats %v", a.Stats())
	}
}

func TestCloseWakesWaiters(t *testing.T) {
	e := newEnv(t)
	a := e.yard("a", nil)
	got := make(chan *raetsdk.Message, 1)
	reqErr := make(chan error, 1)
	go func() { got <- a.Receive(raetsdk.Forever) }()
	go func() {
		_, err := a.Request(raetsdk.Address{Share: "silent"}, 1, raetsdk.Forever)
		reqErr <- err
	}()
	time.Sleep(50 * time.Millisecond)
	ok(t, a.Close())
	select {
	case m := <-got:
		if m != nil {
			t.Fatalf("%v", m)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Receive not woken")
	}
	select {
	case err := <-reqErr:
		if !errors.Is(err, raetsdk.ErrClosed) {
			t.Fatalf("%v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Request not woken")
	}
	if _, err := a.Send(echo(), 1); !errors.Is(err, raetsdk.ErrClosed) {
		t.Fatalf("%v", err)
	}
	if !a.Closed() {
		t.Fatal("not closed")
	}
}

// Every routed message to a share the yard does not have is answered unknown_share; bad datagrams are counted
// and the reader goes on.
func TestUnknownShareAndJunk(t *testing.T) {
	e := newEnv(t)
	b := e.yard("b", nil)
	quiet := e.yard("q", &raetsdk.Options{IgnoreUnknownShare: true})
	junk, err := lane.Listen(filepath.Join(e.dir, "lane.junk.uxd"))
	ok(t, err)
	defer junk.Close()
	for _, d := range [][]byte{[]byte("nonsense"), []byte("ri RAET\nvn 0\n\n"), make([]byte, 70000)} {
		ok(t, junk.Send(d, b.Path(), time.Time{}))
	}
	page, err := lane.EncodePage(lane.NewHead("junk", "b"), []byte(`[1]`))
	ok(t, err)
	ok(t, junk.Send(page, b.Path(), time.Time{}))
	if !waitFor(func() bool { return b.Stat("invalid_page_header") == 3 && b.Stat("invalid_body") == 1 }, 2*time.Second) {
		t.Fatalf("stats %v", b.Stats())
	}
	a := e.yard("a", nil)
	_, err = a.Request(raetsdk.Address{Yard: "b", Share: "nope"}, 1, 2*time.Second)
	var re *raetsdk.RouteError
	if !errors.As(err, &re) || re.Code != raetsdk.CodeUnknownShare || !strings.Contains(re.Text, "nope") {
		t.Fatalf("%v", err)
	}
	if _, err := a.Request(raetsdk.Address{Yard: "q", Share: "nope"}, 1, 200*time.Millisecond); !errors.Is(err, raetsdk.ErrTimeout) {
		t.Fatalf("%v", err)
	}
	if quiet.Stat("unknown_share") != 1 {
		t.Fatalf("stats %v", quiet.Stats())
	}
}

// The kernel queues only a few datagrams per socket (net.unix.max_dgram_qlen); a sender must retry on EAGAIN
// instead of losing pages.
func TestBurstToASlowReaderLosesNothing(t *testing.T) {
	d := shortTempDir(t)
	path, err := lane.YardPath(d, "lane", "router")
	ok(t, err)
	slow, err := lane.Listen(path)
	ok(t, err)
	defer slow.Close()
	var got []any
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(300 * time.Millisecond) // let the sender hit a full queue
		books := lane.NewReassembler()
		buf := make([]byte, lane.MaxPageSize+1024)
		ok := slow.SetReadDeadline(time.Now().Add(10*time.Second)) == nil
		for ok && len(got) < 60 {
			n, _, err := slow.Recv(buf)
			if err != nil {
				return
			}
			p, err := lane.DecodePage(buf[:n])
			if err != nil {
				return
			}
			if h, raw, done := books.Add(p); done {
				body, err := lane.UnpackBody(raw, h.PK)
				if err != nil {
					return
				}
				got = append(got, body.Value("data"))
			}
		}
	}()
	y, err := raetsdk.Open("fast", &raetsdk.Options{Dir: d})
	ok(t, err)
	defer y.Close()
	for i := 0; i < 50; i++ {
		_, err := y.Send(raetsdk.Address{Yard: "x"}, i)
		ok(t, err)
	}
	for i := 50; i < 60; i++ {
		_, err := y.Send(raetsdk.Address{Yard: "x"}, lane.MapOf("i", i, "pad", strings.Repeat("p", 100000))) // paged
		ok(t, err)
	}
	<-done
	if y.Stat("busy_transmit_yard") == 0 {
		t.Fatal("the queue was never full")
	}
	if len(got) != 60 {
		t.Fatalf("%d messages", len(got))
	}
	for i := 0; i < 50; i++ {
		if got[i] != int64(i) {
			t.Fatalf("%d: %v", i, got[i])
		}
	}
	for i := 50; i < 60; i++ {
		if got[i].(*lane.Map).Value("i") != int64(i) {
			t.Fatalf("%d: %v", i, got[i])
		}
	}
}

// Requests from many goroutines of one yard each get their own answer.
func TestConcurrentRequests(t *testing.T) {
	e := newEnv(t)
	a := e.yard("a", nil)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				want := g*100 + i
				got, err := a.Request(echo(), want, 5*time.Second)
				if err != nil {
					errs <- err
					return
				}
				if got != int64(want) {
					errs <- errors.New("answer of another request: " + jsonText(got))
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if a.Stat("late_answer") != 0 || a.Stat("sent") != 160 {
		t.Fatalf("stats %v", a.Stats())
	}
}

// A yard that starts books and never finishes them costs the receiver at most the reassembler's bounds.
func TestPartialBooksFromAYardAreBounded(t *testing.T) {
	e := newEnv(t)
	b := e.yard("b", nil)
	junk, err := lane.Listen(filepath.Join(e.dir, "lane.junk.uxd"))
	ok(t, err)
	defer junk.Close()
	for bi := uint64(1); bi <= 100; bi++ {
		h := lane.NewHead("junk", "b")
		h.SI, h.BI, h.PN, h.PC = "s", bi, 0, 0xFFFF
		page, err := lane.EncodePage(h, []byte(strings.Repeat("x", 1000)))
		ok(t, err)
		ok(t, junk.Send(page, b.Path(), time.Time{}))
	}
	if !waitFor(func() bool { return b.Stat("pages_received") == 100 }, 5*time.Second) {
		t.Fatalf("stats %v", b.Stats())
	}
	if b.Stat("dropped_book") != 100-lane.DefaultMaxBooks {
		t.Fatalf("stats %v", b.Stats())
	}
	a := e.yard("a", nil) // and the yard goes on
	if _, err := a.Send(raetsdk.Address{Yard: "b"}, 1); err != nil {
		t.Fatal(err)
	}
	if m := b.Receive(2 * time.Second); m == nil || m.Data != int64(1) {
		t.Fatalf("%v", m)
	}
}

package raetsdk_test

// Named address parts, tags and stamps, tag subscriptions, presence and workers, against the in-test router.

import (
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	raetsdk "raet.io/raetsdk"
	"raet.io/raetsdk/lane"
)

func TestNamedPartsGoOnTheWireInTheReferenceOrder(t *testing.T) {
	e := newEnv(t)
	y := e.yard("w1", nil)
	body, err := y.Build(raetsdk.Address{Share: "echo", Yard: "svc", Estate: "beta", Channel: "c"}, 1)
	ok(t, err)
	if got := jsonOf(t, routeOf(body).Value("dst")); got != `["beta","svc","echo","c"]` {
		t.Fatalf("dst %s", got)
	}
	m := raetsdk.NewMessage(lane.MapOf("route", lane.MapOf("src", []any{"alpha", "w1", "res"}), "tag", "job.x",
		"stamp", "2026-12-04T17:03:12.123456Z"), "router", "")
	if m.Src.Estate != "alpha" || m.Src.Yard != "w1" || m.Src.Share != "res" || m.Tag != "job.x" ||
		m.Stamp != "2026-12-04T17:03:12.123456Z" {
		t.Fatalf("%+v", m)
	}
	if raetsdk.NewMessage(lane.MapOf("tag", int64(5)), "", "").Tag != "" {
		t.Fatal("a tag that is not text")
	}
}

func TestSubscriptionsChoosePublicationsByTag(t *testing.T) {
	e := newEnv(t)
	sub := e.yard("sub", nil)
	jobs, err := sub.Share("jobs", raetsdk.Queue, 0)
	ok(t, err)
	all, err := sub.Share("all", raetsdk.Queue, 0)
	ok(t, err)
	topic := raetsdk.Address{Share: "topic.events"}
	_, err = sub.Subscribe(topic, 5*time.Second, raetsdk.FromShare("jobs"), raetsdk.Tags("job.*"))
	ok(t, err)
	_, err = sub.Subscribe(topic, 5*time.Second, raetsdk.FromShare("all"))
	ok(t, err)
	if s := e.router.subscribers("topic.events"); len(s) != 2 || s[0].tags != "job.*" || s[1].tags != nil {
		t.Fatalf("subscribers %+v", s)
	}
	pub := e.yard("pub", nil)
	_, err = pub.Publish(topic, 1, raetsdk.Tag("log"))
	ok(t, err)
	_, err = pub.Publish(topic, 2, raetsdk.Tag("job.done"))
	ok(t, err)
	m := jobs.Receive(5 * time.Second)
	if m == nil || m.Data != int64(2) || m.Tag != "job.done" {
		t.Fatalf("jobs got %v", m)
	}
	if m := jobs.Receive(200 * time.Millisecond); m != nil {
		t.Fatalf("jobs got %v too", m)
	}
	a, b := all.Receive(5*time.Second), all.Receive(5*time.Second)
	if a == nil || b == nil || a.Data != int64(1) || b.Data != int64(2) {
		t.Fatalf("all got %v %v", a, b)
	}
}

func TestPresenceEventsReachTheHandler(t *testing.T) {
	e := newEnv(t)
	y := e.yard("watch", nil)
	events := make(chan raetsdk.PresenceEvent, 10)
	ok(t, y.Presence(func(ev raetsdk.PresenceEvent) { events <- ev }, 5*time.Second, raetsdk.Tags("*")))
	s := e.router.subscribers("presence")
	if len(s) != 1 || s[0].addr[2] != "presence" || s[0].tags != "*" {
		t.Fatalf("subscribers %+v", s)
	}
	e.router.announce(lane.MapOf("event", "snapshot", "estates", lane.MapOf("beta", "alive"), "yards",
		[]any{"w1"}), "snapshot")
	e.router.announce(lane.MapOf("event", "joined", "estate", "beta"), "estate.joined")
	e.router.announce(lane.MapOf("event", "left", "estate", "here", "yard", "w1"), "yard.left")
	var got []raetsdk.PresenceEvent
	for len(got) < 3 {
		select {
		case ev := <-events:
			got = append(got, ev)
		case <-time.After(5 * time.Second):
			t.Fatalf("events %+v", got)
		}
	}
	if got[0].Event != "snapshot" || got[0].Estates["beta"] != "alive" || len(got[0].Yards) != 1 ||
		got[0].Yards[0] != "w1" {
		t.Fatalf("snapshot %+v", got[0])
	}
	if got[1].Event != "joined" || got[1].Estate != "beta" || !got[1].IsEstate() || got[1].IsYard() ||
		got[1].Stamp != "2026-12-04T17:03:12.123456Z" {
		t.Fatalf("joined %+v", got[1])
	}
	if got[2].Event != "left" || got[2].Yard != "w1" || !got[2].IsYard() {
		t.Fatalf("left %+v", got[2])
	}
}

func TestWorkersRegisterAndServeTheirShare(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	for _, name := range []string{"w1", "w2"} {
		y := e.yard(name, nil)
		share, err := y.Work("pool.jobs", 5*time.Second)
		ok(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2; i++ {
				req := share.Receive(5 * time.Second)
				if req == nil {
					return
				}
				_, _ = y.Respond(req, lane.MapOf("by", y.Name()))
			}
		}()
	}
	if w := e.router.workers("pool.jobs"); len(w) != 2 || w[0][1] != "w1" || w[0][2] != "pool.jobs" {
		t.Fatalf("workers %v", w)
	}
	client := e.yard("client", nil)
	var by []string
	for i := 0; i < 4; i++ {
		a, err := client.Request(raetsdk.Address{Share: "pool.jobs"}, i, 5*time.Second, raetsdk.Idempotent())
		ok(t, err)
		by = append(by, a.(*lane.Map).GetString("by"))
	}
	wg.Wait()
	sort.Strings(by)
	if jsonOf(t, by) != `["w1","w1","w2","w2"]` {
		t.Fatalf("spread %v", by)
	}
	for _, b := range e.router.seenBodies() {
		if b.GetString("kind") == "req" && b.Value("idempotent") != true {
			t.Fatalf("not marked idempotent: %s", jsonOf(t, b))
		}
	}
	ok(t, e.yard("w1b", nil).Leave("pool.jobs", 5*time.Second))
	_, err := e.yard("w3", nil).Work("nothing", 5*time.Second)
	var re *raetsdk.RouteError
	if !errors.As(err, &re) || re.Code != raetsdk.CodeUnknownShare {
		t.Fatalf("work on a share the router lacks: %v", err)
	}
}

package raetsdk_test

// End to end through router processes (scripts/raet, built by `bash scripts/build.sh`): router A (alpha) holds
// the load-balanced share jobs (four Go workers: the requests spread over them, a Java worker of `raet yard
// --worker` takes its turn too) and the topic events; a Go yard follows A's presence topic (yards arriving and
// leaving, router B joining) and subscribes to events by tag.

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	raetsdk "raet.io/raetsdk"
	"raet.io/raetsdk/lane"
)

func TestRoutedFlowsThroughARouterProcess(t *testing.T) {
	_, a, b := routerDirs(t)
	routerA := startRaet(t, "router-a", "router", "--name", "alpha", "--port", "0", "--lane-dir", a,
		"--share", "jobs=pool", "--share", "events=topic")
	port := jsonText(routerA.await(event("ready")).Value("port"))
	open := func(name string) *raetsdk.Yard {
		y, err := raetsdk.Open(name, &raetsdk.Options{Dir: a})
		ok(t, err)
		t.Cleanup(func() { y.Close() })
		return y
	}

	// presence: the snapshot first, then what happens
	watcher := open("watcher")
	events := make(chan raetsdk.PresenceEvent, 100)
	ok(t, watcher.Presence(func(e raetsdk.PresenceEvent) { events <- e }, 20*time.Second))
	await := func(event, name string) raetsdk.PresenceEvent {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case e := <-events:
				if e.Event == event && (e.Yard == name || e.Estate == name) {
					return e
				}
			case <-deadline:
				t.Fatalf("no %s event for %s; router %s", event, name, routerA.output())
			}
		}
	}
	await("snapshot", "")

	// four Go workers: one request at a time, they take turns
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var workers []*raetsdk.Yard
	for _, name := range []string{"w1", "w2", "w3", "w4"} {
		y := open(name)
		workers = append(workers, y)
		share, err := y.Work("jobs", 20*time.Second)
		ok(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if req := share.Receive(100 * time.Millisecond); req != nil {
					_, _ = y.Respond(req, lane.MapOf("by", y.Name(), "stamped", req.Stamp != nil))
				}
			}
		}()
	}
	client := open("client")
	spread := map[string]int{}
	for i := 0; i < 40; i++ {
		ans, err := client.Request(raetsdk.Address{Share: "jobs"}, i, 20*time.Second)
		ok(t, err)
		m := ans.(*lane.Map)
		if m.Value("stamped") != true {
			t.Fatalf("the request reached the worker without a stamp: %s", jsonOf(t, m))
		}
		spread[m.GetString("by")]++
	}
	if jsonOf(t, spread) != `{"w1":10,"w2":10,"w3":10,"w4":10}` {
		t.Fatalf("spread %v", spread)
	}
	close(stop)
	wg.Wait()
	for _, y := range workers {
		ok(t, y.Leave("jobs", 20*time.Second))
	}
	if _, err := client.Request(raetsdk.Address{Share: "jobs"}, 0, 20*time.Second); !isCode(err,
		raetsdk.CodeUnknownDestination) {
		t.Fatalf("a pool without workers: %v", err)
	}

	// a Java worker joins the pool (raet yard --worker): it arrives, and takes the work
	java := startRaet(t, "yard-java", "yard", "--name", "jworker", "--dir", a, "--worker", "jobs")
	java.await(event("ready"))
	await("arrived", "jworker")
	ans, err := client.Request(raetsdk.Address{Share: "jobs"}, "hi", 20*time.Second)
	ok(t, err)
	if got := jsonOf(t, ans); got != `{"echo":"hi","by":"jworker"}` {
		t.Fatalf("the Java worker answered %s", got)
	}
	java.stop()
	// the router drops it when its socket is gone (or, left behind by a process that died, when a send to it
	// finds nobody): the pool answers err, and presence tells it left
	_, stale := os.Stat(filepath.Join(a, "lane.jworker.uxd"))
	_, err = client.Request(raetsdk.Address{Share: "jobs"}, "again", 20*time.Second)
	if !isCode(err, raetsdk.CodeUnknownDestination) && !isCode(err, raetsdk.CodeFailed) {
		t.Fatalf("a request to the pool whose worker left (socket left behind: %v): %v", stale == nil, err)
	}
	await("left", "jworker")

	// tags choose what a subscriber gets
	sub := open("sub")
	jobs, err := sub.Share("jobs", raetsdk.Queue, 0)
	ok(t, err)
	_, err = sub.Subscribe(raetsdk.Address{Share: "events"}, 20*time.Second, raetsdk.FromShare("jobs"),
		raetsdk.Tags("job.*"))
	ok(t, err)
	_, err = client.Publish(raetsdk.Address{Share: "events"}, "a log line", raetsdk.Tag("log"))
	ok(t, err)
	_, err = client.Publish(raetsdk.Address{Share: "events"}, "done", raetsdk.Tag("job.done"))
	ok(t, err)
	if m := jobs.Receive(20 * time.Second); m == nil || m.Data != "done" || m.Tag != "job.done" {
		t.Fatalf("tagged pub: %v", m)
	}
	if m := jobs.Receive(300 * time.Millisecond); m != nil {
		t.Fatalf("untagged pub reached the subscriber: %v", m)
	}

	// another router joins A: its estate's events
	startRaet(t, "router-b", "router", "--name", "beta", "--port", "0", "--lane-dir", b, "--join",
		"127.0.0.1:"+port)
	await("joined", "beta")
	await("allowed", "beta")
}

func isCode(err error, code string) bool {
	var re *raetsdk.RouteError
	return errors.As(err, &re) && re.Code == code
}

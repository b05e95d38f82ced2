package raetsdk_test

// End to end through two router processes on loopback (scripts/raet, built by `bash scripts/build.sh`): router
// A (estate alpha, role minion1) joins router B (estate beta, role master, a policy file denying admin.*); a
// Java yard svc behind B serves jobs.high (`raet yard --serve`). A Go yard behind A asks it across the road and
// gets the answer; denied and unknown destinations come back as err messages; a Java yard behind B asks a Go
// service behind A; a Go yard behind A subscribes to a topic share of B and gets what another publishes.

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	raetsdk "raet.io/raetsdk"
	"raet.io/raetsdk/lane"
)

// proc is a child process whose standard output lines (JSON) are collected; its standard error goes to a file.
type proc struct {
	t     *testing.T
	name  string
	cmd   *exec.Cmd
	lines chan *lane.Map
	mu    sync.Mutex
	all   []string
	err   string
	ended chan struct{}
}

func startRaet(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: name, lines: make(chan *lane.Map, 1000), ended: make(chan struct{}),
		err: filepath.Join(t.TempDir(), name+".err")}
	p.cmd = exec.Command("bash", append([]string{filepath.Join(repoRoot, "scripts", "raet")}, args...)...)
	errFile, err := os.Create(p.err)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = errFile
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	errFile.Close()
	go func() {
		defer close(p.ended)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.all = append(p.all, sc.Text())
			p.mu.Unlock()
			if v, err := lane.ParseJSON(sc.Bytes()); err == nil {
				if m, ok := v.(*lane.Map); ok {
					p.lines <- m
				}
			}
		}
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	errText, _ := os.ReadFile(p.err)
	return fmt.Sprintf("output %q; stderr %s", p.all, errText)
}

// await returns the first line (after those already taken) for which match holds.
func (p *proc) await(match func(*lane.Map) bool) *lane.Map {
	p.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case m := <-p.lines:
			if match(m) {
				return m
			}
		case <-p.ended:
			select {
			case m := <-p.lines:
				if match(m) {
					return m
				}
				continue
			default:
			}
			p.t.Fatalf("%s ended without the expected line; %s", p.name, p.output())
		case <-deadline:
			p.t.Fatalf("%s: expected line not seen; %s", p.name, p.output())
		}
	}
}

func event(name string) func(*lane.Map) bool {
	return func(m *lane.Map) bool { return m.GetString("event") == name }
}

// stop ends the process: SIGTERM, then SIGKILL after 10 s.
func (p *proc) stop() {
	if p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// routerDirs skips the test unless router processes can run (not -short, the jar built, bash there); it returns
// a temporary directory and two lane directories in it, a and b.
func routerDirs(t *testing.T) (tmp, a, b string) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test with router processes skipped in -short mode")
	}
	jar := filepath.Join(repoRoot, "raet-cli", "target", "raet.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Skip("raet-cli/target/raet.jar missing: build it with 'bash scripts/build.sh' (end-to-end test skipped)")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash missing")
	}
	tmp = shortTempDir(t)
	a, b = filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
	for _, d := range []string{a, b} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return tmp, a, b
}

func TestGoYardBehindOneRouterAsksJavaYardBehindAnother(t *testing.T) {
	tmp, a, b := routerDirs(t)
	policy := filepath.Join(tmp, "policy.json")
	if err := os.WriteFile(policy, []byte(
		`{"default": "allow", "rules": [{"role": "*", "dst": "*/*/admin.*", "action": "deny"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}

	routerB := startRaet(t, "router-b", "router", "--name", "beta", "--role", "master", "--port", "0",
		"--lane-dir", b, "--policy", policy, "--share", "events=topic")
	port := jsonText(routerB.await(event("ready")).Value("port"))
	routerA := startRaet(t, "router-a", "router", "--name", "alpha", "--role", "minion1", "--port", "0",
		"--lane-dir", a, "--join", "127.0.0.1:"+port)
	svc := startRaet(t, "yard-svc", "yard", "--name", "svc", "--dir", b, "--serve", "jobs.high")
	if got := routerA.await(event("connected")).GetString("estate"); got != "beta" {
		t.Fatalf("router A connected to %q", got)
	}
	svc.await(event("ready"))

	// a Go yard behind A asks the Java yard behind B across the road
	client, err := raetsdk.Open("goclient", &raetsdk.Options{Dir: a})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	jobs := raetsdk.Address{Estate: "beta", Yard: "svc", Share: "jobs.high"}
	rsp, err := client.RequestMessage(jobs, lane.MapOf("n", []any{1, 2, 3}, "text", "h\u00e9"), 20*time.Second)
	if err != nil {
		t.Fatalf("request across the road: %v; router A %s", err, routerA.output())
	}
	if got := jsonOf(t, rsp.Data); got != `{"echo":{"n":[1,2,3],"text":"hé"},"by":"svc"}` {
		t.Fatalf("answer %s", got)
	}
	if levels(rsp.Src) != "beta|svc|jobs.high|" {
		t.Fatalf("answer from %v", rsp.Src)
	}

	// refusals come back as err messages with their codes
	for _, c := range []struct {
		dst  raetsdk.Address
		code string
		from string
	}{
		{raetsdk.Address{Estate: "beta", Yard: "svc", Share: "admin.reset"}, raetsdk.CodeDenied, "beta|router||"},
		{raetsdk.Address{Estate: "beta", Yard: "svc", Share: "jobs.none"}, raetsdk.CodeUnknownShare, ""},
		{raetsdk.Address{Estate: "beta", Yard: "nowhere", Share: "jobs.high"}, raetsdk.CodeUnknownDestination, "beta|router||"},
		{raetsdk.Address{Estate: "omega", Yard: "svc", Share: "jobs.high"}, raetsdk.CodeUnknownDestination, "alpha|router||"},
	} {
		_, err := client.Request(c.dst, 1, 20*time.Second)
		var re *raetsdk.RouteError
		if !errors.As(err, &re) || re.Code != c.code || re.Message == nil {
			t.Fatalf("%v: %v", c.dst, err)
		}
		if c.from != "" && levels(re.Message.Src) != c.from {
			t.Fatalf("%v: err from %v", c.dst, re.Message.Src)
		}
		if c.code == raetsdk.CodeDenied && (!strings.Contains(re.Text, "minion1") || !strings.Contains(re.Text, "beta/svc/admin.reset")) {
			t.Fatalf("denied: %q", re.Text)
		}
	}

	// a Java yard behind B asks a Go service behind A
	gosvc, err := raetsdk.Open("gosvc", &raetsdk.Options{Dir: a})
	if err != nil {
		t.Fatal(err)
	}
	defer gosvc.Close()
	calc, err := gosvc.Share("calc", raetsdk.Queue, 0)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() {
		m := calc.Receive(60 * time.Second)
		if m == nil {
			served <- errors.New("no request")
			return
		}
		var nums []int64
		if err := m.Decode(&nums); err != nil {
			served <- err
			return
		}
		var sum int64
		for _, n := range nums {
			sum += n
		}
		_, err := gosvc.Respond(m, lane.MapOf("sum", sum, "by", "gosvc"))
		served <- err
	}()
	jask := startRaet(t, "yard-ask", "yard", "--name", "jclient", "--dir", b, "--request", "alpha/gosvc/calc",
		"--data", "[1, 2, 3, 4]")
	jr := jask.await(func(m *lane.Map) bool { return m.Has("event") })
	if jr.GetString("event") != "response" || jsonOf(t, jr.Value("data")) != `{"sum":10,"by":"gosvc"}` ||
		jsonOf(t, jr.Value("src")) != `["alpha","gosvc","calc",""]` {
		t.Fatalf("Java yard got %s", jsonOf(t, jr))
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}

	// publish/subscribe across the road: a topic share of router B, Go yards behind A
	sub, err := raetsdk.Open("gosub", &raetsdk.Options{Dir: a})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	feed, err := sub.Share("feed", raetsdk.Queue, 0)
	if err != nil {
		t.Fatal(err)
	}
	topic := raetsdk.Address{Estate: "beta", Share: "events"}
	if _, err := sub.Subscribe(topic, 20*time.Second, raetsdk.FromShare("feed")); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	pub, err := raetsdk.Open("gopub", &raetsdk.Options{Dir: a})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if _, err := pub.Publish(topic, lane.MapOf("temp", 21)); err != nil {
		t.Fatal(err)
	}
	got := feed.Receive(20 * time.Second)
	if got == nil {
		t.Fatalf("no copy of the publication; router B %s", routerB.output())
	}
	if jsonOf(t, got.Data) != `{"temp":21}` || got.Body.GetString("topic") != "events" ||
		levels(got.Src) != "beta|router|events|" {
		t.Fatalf("copy %s", jsonOf(t, got.Body))
	}
}

package raetsdk_test

// Interop with the reference lane yard (raet 0.6.8 LaneStack, interop/python/lanepeer.py). Skipped when the
// reference venv is missing; create it with `. scripts/env.sh; raet_python_venv "$PWD"` (or point RAET_PYTHON
// at its python).

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	raetsdk "raet.io/raetsdk"
	"raet.io/raetsdk/lane"
)

var lanePeerScript = filepath.Join(repoRoot, "interop", "python", "lanepeer.py")

const padAlphabet = "abcdefghijklmnopqrstuvwxyz"

func pad(n int) string {
	return strings.Repeat(padAlphabet, n/len(padAlphabet)+1)[:n]
}

// canonicalDigest is the reference harness's digest: sha256 of the JSON with sorted keys, UTF-8 text.
func canonicalDigest(t *testing.T, v any) (string, int) {
	t.Helper()
	b, err := lane.JSONOptions{SortKeys: true, UTF8: true}.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), len(b)
}

func needReference(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(lanePeerScript); err != nil {
		t.Skip("interop/python/lanepeer.py not found")
	}
	py := referencePython()
	if py == "" {
		t.Skip("reference venv missing: run '. scripts/env.sh; raet_python_venv \"$PWD\"' or set RAET_PYTHON " +
			"(interop with the reference yard skipped)")
	}
	return py
}

// lanePeer drives one reference yard process through JSON lines.
type lanePeer struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	events chan *lane.Map
	mu     sync.Mutex
	stderr bytes.Buffer
	ready  *lane.Map
}

func (p *lanePeer) Write(b []byte) (int, error) { // stderr sink
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.Write(b)
}

func (p *lanePeer) errText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stderr.String()
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return s
}

func startLanePeer(t *testing.T, python, yard, dir, pk string) *lanePeer {
	t.Helper()
	p := &lanePeer{t: t, events: make(chan *lane.Map, 1000)}
	p.cmd = exec.Command(python, lanePeerScript, "--yard", yard, "--dir", dir, "--pk", pk,
		"--digest-over", "1000000")
	p.cmd.Stderr = p
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			if v, err := lane.ParseJSON(sc.Bytes()); err == nil {
				if m, ok := v.(*lane.Map); ok {
					p.events <- m
				}
			}
		}
		p.events <- lane.MapOf("event", "eof")
	}()
	t.Cleanup(p.close)
	p.ready = p.wait("ready", 30*time.Second, nil)
	if p.ready.GetString("ha") != filepath.Join(dir, "lane."+yard+".uxd") {
		t.Fatalf("reference yard at %v", p.ready.Value("ha"))
	}
	return p
}

func (p *lanePeer) send(kv ...any) {
	p.t.Helper()
	b, err := lane.MarshalJSON(lane.MapOf(kv...))
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		p.t.Fatalf("reference peer: %v; stderr: %s", err, p.errText())
	}
}

// wait returns the next event named event whose fields equal match.
func (p *lanePeer) wait(event string, timeout time.Duration, match map[string]any) *lane.Map {
	p.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev := <-p.events:
			switch ev.GetString("event") {
			case "error":
				p.t.Fatalf("reference peer error: %s", jsonText(ev))
			case "eof":
				p.t.Fatalf("reference peer exited; stderr: %s", p.errText())
			case event:
				matched := true
				for k, v := range match {
					if jsonText(ev.Value(k)) != jsonText(v) {
						matched = false
					}
				}
				if matched {
					return ev
				}
			}
		case <-deadline:
			p.t.Fatalf("no %s event %v; stderr: %s", event, match, p.errText())
		}
	}
}

func (p *lanePeer) close() {
	if p.cmd.ProcessState != nil {
		return
	}
	fmt.Fprintln(p.stdin, `{"cmd": "quit"}`)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	da, _ := canonicalDigest(t, a)
	db, _ := canonicalDigest(t, b)
	return da == db
}

func TestReferenceToSDKAndBack(t *testing.T) {
	py := needReference(t)
	e := &env{t: t, dir: shortTempDir(t)}
	ref := startLanePeer(t, py, "ref", e.dir, "json")
	sdk := e.yard("sdk", &raetsdk.Options{Router: "ref"})
	body := lane.MapOf("route", lane.MapOf("src", []any{"", "ref", nil}, "dst", []any{"", "sdk", nil}),
		"subject", "hi", "n", []any{1, 2.5, nil}, "text", "h\u00e9llo \u20ac")
	ref.send("cmd", "send", "yard", "sdk", "msg", body)
	m := sdk.Receive(5 * time.Second)
	if m == nil {
		t.Fatal("no message from the reference yard")
	}
	if jsonOf(t, m.Body) != jsonOf(t, body) { // same fields in the same order
		t.Fatalf("got %s", jsonOf(t, m.Body))
	}
	if m.Sender != "ref" || m.SenderPath != filepath.Join(e.dir, "lane.ref.uxd") {
		t.Fatalf("sender %q %q", m.Sender, m.SenderPath)
	}
	reply := lane.MapOf("subject", "back", "echo", m.Body)
	if err := sdk.Transmit(reply, "ref"); err != nil {
		t.Fatal(err)
	}
	ev := ref.wait("message", 10*time.Second, map[string]any{"from": "sdk"})
	if !sameJSON(t, ev.Value("msg"), reply) {
		t.Fatalf("reference got %s", jsonOf(t, ev.Value("msg")))
	}
	if sha, _ := canonicalDigest(t, reply); ev.GetString("sha256") != sha {
		t.Fatal("digest differs")
	}
}

func TestPagedBothWays(t *testing.T) {
	py := needReference(t)
	e := &env{t: t, dir: shortTempDir(t)}
	ref := startLanePeer(t, py, "ref", e.dir, "json")
	sdk := e.yard("sdk", nil)
	ref.send("cmd", "send", "yard", "sdk", "msg", lane.MapOf("kind", "msg"), "pad", 150000, "id", "big")
	sent := ref.wait("sent", 10*time.Second, map[string]any{"id": "big"})
	m := sdk.Receive(10 * time.Second)
	if m == nil {
		t.Fatal("nothing received")
	}
	if m.Body.GetString("pad") != pad(150000) {
		t.Fatal("pad differs")
	}
	sha, n := canonicalDigest(t, m.Body)
	if sha != sent.GetString("sha256") || int64(n) != sent.Value("len") {
		t.Fatal("digest differs from the reference's")
	}
	if sdk.Stat("pages_received") < 3 {
		t.Fatalf("pages %d", sdk.Stat("pages_received"))
	}
	back := lane.MapOf("data", pad(200000), "n", 2)
	if err := sdk.Transmit(back, "ref"); err != nil {
		t.Fatal(err)
	}
	ev := ref.wait("message", 20*time.Second, map[string]any{"from": "sdk"})
	if sha, n := canonicalDigest(t, back); ev.GetString("sha256") != sha || ev.Value("len") != int64(n) ||
		!sameJSON(t, ev.Value("msg"), back) {
		t.Fatal("the reference got another body")
	}
	// several in a row, paged and not, each way, in order
	for i := 0; i < 5; i++ {
		if err := sdk.Transmit(lane.MapOf("i", i, "p", pad(70000*(i%2))), "ref"); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		ev := ref.wait("message", 20*time.Second, map[string]any{"from": "sdk"})
		if ev.Value("msg").(*lane.Map).Value("i") != int64(i) {
			t.Fatalf("message %d out of order: %s", i, jsonText(ev.Value("msg").(*lane.Map).Value("i")))
		}
	}
	ref.send("cmd", "send", "yard", "sdk", "msg", lane.MapOf("x", 1), "pad", 80000, "count", 4)
	for i := 0; i < 4; i++ {
		if m := sdk.Receive(10 * time.Second); m == nil || m.Body.Value("x") != int64(1) {
			t.Fatalf("%d: %v", i, m)
		}
	}
	ref.send("cmd", "status")
	st := ref.wait("status", 10*time.Second, nil).Value("stats").(*lane.Map)
	for _, k := range []string{"missed_page", "stale_book", "invalid_page_header"} {
		if st.Has(k) {
			t.Fatalf("reference stats %s", jsonText(st))
		}
	}
}

// The SDK's routed bodies as a plain reference yard named router sees them, and answers written by hand
// through the reference reach Request.
func TestReferenceYardAsRouter(t *testing.T) {
	py := needReference(t)
	e := &env{t: t, dir: shortTempDir(t)}
	ref := startLanePeer(t, py, "router", e.dir, "json")
	sdk := e.yard("sdk", nil)
	type result struct {
		v   any
		err error
	}
	ask := func() chan result {
		out := make(chan result, 1)
		go func() {
			v, err := sdk.Request(raetsdk.Address{Share: "svc", Channel: "ch"}, lane.MapOf("q", 1), 10*time.Second,
				raetsdk.FromShare("back"))
			out <- result{v, err}
		}()
		return out
	}
	res := ask()
	req := ref.wait("message", 10*time.Second, map[string]any{"from": "sdk"}).Value("msg").(*lane.Map)
	if jsonOf(t, req.Value("route")) != `{"src":["","sdk","back","ch"],"dst":["","","svc","ch"]}` ||
		req.GetString("kind") != "req" || jsonOf(t, req.Value("data")) != `{"q":1}` {
		t.Fatalf("request %s", jsonOf(t, req))
	}
	rsp := lane.MapOf("route", lane.MapOf("src", []any{"here", "router", "svc", "ch"},
		"dst", []any{"here", "sdk", "back", "ch"}), "kind", "rsp", "id", "r1", "re", req.Value("id"),
		"data", lane.MapOf("a", pad(100000)))
	ref.send("cmd", "send", "yard", "sdk", "msg", rsp)
	r := <-res
	if r.err != nil || r.v.(*lane.Map).GetString("a") != pad(100000) {
		t.Fatalf("%v", r.err)
	}
	// an err answer fails with its code
	res = ask()
	req = ref.wait("message", 10*time.Second, map[string]any{"from": "sdk"}).Value("msg").(*lane.Map)
	ref.send("cmd", "send", "yard", "sdk", "msg", lane.MapOf(
		"route", lane.MapOf("src", []any{"here", "router", ""}, "dst", routeOf(req).Value("src")),
		"kind", "err", "re", req.Value("id"), "code", "denied", "error", "no"))
	r = <-res
	var re *raetsdk.RouteError
	if !errors.As(r.err, &re) || re.Code != "denied" || re.Text != "no" {
		t.Fatalf("%v", r.err)
	}
}

func TestMsgpackPagesWithReference(t *testing.T) {
	py := needReference(t)
	e := &env{t: t, dir: shortTempDir(t)}
	ref := startLanePeer(t, py, "ref", e.dir, "msgpack")
	sdk := e.yard("sdk", &raetsdk.Options{Pack: "msgpack"})
	ref.send("cmd", "send", "yard", "sdk", "msg", lane.MapOf("k", "v", "n", []any{-1, 300, 1.5, nil, true}),
		"pad", 90000)
	m := sdk.Receive(10 * time.Second)
	if m == nil || m.Body.GetString("k") != "v" || jsonOf(t, m.Body.Value("n")) != `[-1,300,1.5,null,true]` {
		t.Fatalf("%v", m)
	}
	if err := sdk.Transmit(lane.MapOf("k", "w", "p", pad(90000), "b", []byte{0, 255}), "ref"); err != nil {
		t.Fatal(err)
	}
	ev := ref.wait("message", 20*time.Second, map[string]any{"from": "sdk"}).Value("msg").(*lane.Map)
	if ev.GetString("k") != "w" || jsonText(ev.Value("b")) != `{"__bytes__":"00ff"}` {
		t.Fatalf("reference got %s", jsonText(ev.Value("k")))
	}
}

// The msgpack the SDK writes is the bytes the reference's Python msgpack writes (packb, use_bin_type=True),
// for every integer, text and container size class.
func TestMsgpackBytesEqualPython(t *testing.T) {
	py := needReference(t)
	body := lane.MapOf("ints", []any{0, 127, 128, 255, 256, 65535, 65536, 4294967295, int64(4294967296),
		uint64(18446744073709551615), -1, -32, -33, -128, -129, -32768, -32769, -2147483648, int64(-2147483649),
		int64(-9223372036854775808)},
		"floats", []any{0.0, -1.5, 1e300, 0.1}, "none", nil, "t", true, "f", false,
		"strs", []any{"", strings.Repeat("a", 31), strings.Repeat("b", 32), strings.Repeat("c", 255),
			strings.Repeat("d", 256), strings.Repeat("e", 65535), strings.Repeat("f", 65536), "h\u00e9\u20ac\U0001F600"},
		"bins", []any{[]byte{}, []byte{1, 2, 3}, bytes.Repeat([]byte{7}, 256), bytes.Repeat([]byte{8}, 65536)},
		"lists", []any{[]any{}, make([]any, 15), make([]any, 16), make([]any, 65536)},
		"maps", []any{lane.NewMap(), bigMap(15), bigMap(16), bigMap(65536)},
		"order", lane.MapOf("z", 1, "a", 2, "m", 3))
	ours, err := lane.MarshalMsgpack(body)
	if err != nil {
		t.Fatal(err)
	}
	// Python reads the same body from JSON (bytes as {"__bytes__": hex}) and packs it
	plain, err := lane.MarshalJSON(toPlain(body))
	if err != nil {
		t.Fatal(err)
	}
	script := `import json, sys, msgpack
def conv(o):
    if isinstance(o, dict):
        if len(o) == 1 and "__bytes__" in o:
            return bytes.fromhex(o["__bytes__"])
        return {k: conv(v) for k, v in o.items()}
    if isinstance(o, list):
        return [conv(v) for v in o]
    return o
body = conv(json.loads(sys.stdin.read()))
sys.stdout.write(msgpack.packb(body, use_bin_type=True).hex())
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(plain)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v: %s", err, stderr.String())
	}
	theirs, err := hex.DecodeString(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, theirs) {
		i := 0
		for i < len(ours) && i < len(theirs) && ours[i] == theirs[i] {
			i++
		}
		t.Fatalf("msgpack differs at byte %d of %d/%d", i, len(ours), len(theirs))
	}
	back, err := lane.UnmarshalMsgpack(theirs)
	if err != nil || jsonOf(t, toPlain(back)) != jsonOf(t, toPlain(body)) {
		t.Fatalf("read back: %v", err)
	}
}

func bigMap(n int) *lane.Map {
	m := lane.NewMap()
	for i := 0; i < n; i++ {
		m.Set(fmt.Sprintf("k%d", i), i)
	}
	return m
}

// toPlain writes bytes as the reference harness does ({"__bytes__": hex}) so that a body fits in JSON.
func toPlain(v any) any {
	switch x := v.(type) {
	case []byte:
		return lane.MapOf("__bytes__", hex.EncodeToString(x))
	case *lane.Map:
		out := lane.NewMap()
		x.Range(func(k string, e any) bool {
			out.Set(k, toPlain(e))
			return true
		})
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toPlain(e)
		}
		return out
	}
	return v
}

package lane_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"raet.io/raetsdk/lane"
)

// vectorsDir is the reference's wire vectors, kept in the repository as test data.
var vectorsDir = filepath.Join("..", "..", "..", "testdata", "raet-reference")

type vectorPage struct {
	line *lane.Map
	wire []byte
	head lane.Head
}

func loadVector(t *testing.T, name string) (*lane.Map, []vectorPage) {
	t.Helper()
	f, err := os.Open(filepath.Join(vectorsDir, name+".jsonl"))
	if err != nil {
		t.Fatalf("reference vectors: %v", err)
	}
	defer f.Close()
	var meta *lane.Map
	var pages []vectorPage
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		v, err := lane.ParseJSON(sc.Bytes())
		if err != nil {
			t.Fatalf("vector line: %v", err)
		}
		m := v.(*lane.Map)
		switch m.GetString("type") {
		case "meta":
			meta = m
		case "page":
			wire, err := hex.DecodeString(m.GetString("hex"))
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, vectorPage{line: m, wire: wire, head: headFromVector(t, m.Value("head").(*lane.Map))})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return meta, pages
}

func headFromVector(t *testing.T, h *lane.Map) lane.Head {
	t.Helper()
	num := func(k string) uint64 {
		u, err := strconv.ParseUint(h.GetString(k), 16, 64)
		if err != nil {
			t.Fatalf("vector head %s: %v", k, err)
		}
		return u
	}
	return lane.Head{RI: h.GetString("ri"), VN: int(num("vn")), PK: int(num("pk")), SN: h.GetString("sn"),
		DN: h.GetString("dn"), SI: h.GetString("si"), BI: num("bi"), PN: int(num("pn")), PC: int(num("pc"))}
}

func intOf(v any) int {
	switch x := v.(type) {
	case int64:
		return int(x)
	case uint64:
		return int(x)
	}
	return -1
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := lane.MarshalJSON(v)
	must(t, err)
	return string(b)
}

func mustParse(t *testing.T, s string) any {
	t.Helper()
	v, err := lane.ParseJSON([]byte(s))
	must(t, err)
	return v
}

// ---- vectors

func TestSinglePageBytesEqualReference(t *testing.T) {
	meta, pages := loadVector(t, "lane_page")
	if len(pages) != 1 {
		t.Fatalf("%d pages", len(pages))
	}
	v := pages[0]
	body := meta.Value("received_body").(*lane.Map)
	data, err := lane.PackBody(body, lane.PkJSON)
	must(t, err)
	if hex.EncodeToString(data) != v.line.GetString("body_hex") {
		t.Fatalf("body %s", data)
	}
	hb, err := lane.EncodeHead(v.head)
	must(t, err)
	if !bytes.Equal(hb, v.wire[:intOf(v.line.Value("head_len"))]) {
		t.Fatalf("head %q", hb)
	}
	got, err := lane.Paginate(v.head, data)
	must(t, err)
	if len(got) != 1 || !bytes.Equal(got[0], v.wire) {
		t.Fatalf("paginate %q", got)
	}
	page, err := lane.EncodePage(v.head, data)
	must(t, err)
	if !bytes.Equal(page, v.wire) {
		t.Fatalf("page %q", page)
	}
}

func TestSinglePageDecodes(t *testing.T) {
	meta, pages := loadVector(t, "lane_page")
	v := pages[0]
	page, err := lane.DecodePage(v.wire)
	must(t, err)
	if page.Head != v.head || page.Head.SN != "beta" || page.Head.SI != "6611275cf752739267" {
		t.Fatalf("head %+v", page.Head)
	}
	body, err := lane.UnpackBody(page.Body, page.Head.PK)
	must(t, err)
	if jsonText(t, body) != jsonText(t, meta.Value("received_body")) {
		t.Fatalf("body %s", jsonText(t, body))
	}
}

func TestPagedBytesEqualReference(t *testing.T) {
	meta, pages := loadVector(t, "lane_paged")
	if len(pages) != 2 {
		t.Fatalf("%d pages", len(pages))
	}
	r := lane.NewReassembler()
	p0, err := lane.DecodePage(pages[0].wire)
	must(t, err)
	if _, _, done := r.Add(p0); done {
		t.Fatal("complete after one page")
	}
	p1, err := lane.DecodePage(pages[1].wire)
	must(t, err)
	head, data, done := r.Add(p1)
	if !done {
		t.Fatal("not complete")
	}
	if len(data) != intOf(meta.Value("received_body_json_len")) {
		t.Fatalf("len %d", len(data))
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != meta.GetString("received_body_sha256") {
		t.Fatal("sha256 differs")
	}
	body, err := lane.UnpackBody(data, head.PK)
	must(t, err)
	// re-encode from the parsed body and the first page's head: the same two datagrams
	again, err := lane.PackBody(body, lane.PkJSON)
	must(t, err)
	if !bytes.Equal(again, data) {
		t.Fatal("re-encoded body differs")
	}
	out, err := lane.Paginate(pages[0].head, again)
	must(t, err)
	if len(out) != 2 || !bytes.Equal(out[0], pages[0].wire) || !bytes.Equal(out[1], pages[1].wire) {
		t.Fatal("pages differ from the reference's")
	}
	for _, v := range pages {
		if len(v.wire) != intOf(v.line.Value("len")) {
			t.Fatalf("len %d", len(v.wire))
		}
		p, err := lane.DecodePage(v.wire)
		must(t, err)
		if p.Head != v.head {
			t.Fatalf("head %+v", p.Head)
		}
	}
}

func TestSpecExampleWithoutNames(t *testing.T) {
	body := mustParse(t, `{"route": {"src": ["mayor", "main", null], "dst": ["citizen", "other", null]},
		"content": "Hello all yards."}`).(*lane.Map)
	data, err := lane.PackBody(body, lane.PkJSON)
	must(t, err)
	page, err := lane.EncodePage(lane.NewHead("", ""), data)
	must(t, err)
	want := "ri RAET\nvn 0\npk 0\nsn \ndn \nsi 000000000000000000\nbi 0\npn 0000\npc 0001\n\n" +
		`{"route":{"src":["mayor","main",null],"dst":["citizen","other",null]},"content":"Hello all yards."}`
	if string(page) != want || len(page) != 169 {
		t.Fatalf("page %q", page)
	}
	p, err := lane.DecodePage(page)
	must(t, err)
	if p.Head.SN != "" {
		t.Fatal("sn")
	}
}

// The reference's msgpack body (message_small_msgpack.jsonl, a road message with bk 3) reads and is written
// back byte for byte.
func TestMsgpackBodyEqualsReference(t *testing.T) {
	f, err := os.ReadFile(filepath.Join(vectorsDir, "message_small_msgpack.jsonl"))
	must(t, err)
	var plain []byte
	for _, line := range bytes.Split(f, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		m := mustParse(t, string(line)).(*lane.Map)
		if m.GetString("type") == "box" {
			plain, err = hex.DecodeString(m.GetString("plain_hex"))
			must(t, err)
			break
		}
	}
	if plain == nil {
		t.Fatal("no box in the vector")
	}
	body, err := lane.UnpackBody(plain, lane.PkMsgpack)
	must(t, err)
	if got := jsonText(t, body); got != `{"subject":"hello","from":"beta","n":2,"bin":"msgpack"}` {
		t.Fatalf("body %s", got)
	}
	again, err := lane.PackBody(body, lane.PkMsgpack)
	must(t, err)
	if !bytes.Equal(again, plain) {
		t.Fatalf("re-encoded %x, reference %x", again, plain)
	}
}

// ---- paging

func bigBody(size int) *lane.Map {
	var sb strings.Builder
	for i := 0; i < size; i++ {
		sb.WriteByte(byte('a' + i%26))
	}
	return lane.MapOf("route", lane.MapOf("src", []any{"", "a", "", ""}, "dst", []any{"", "b", "", ""}),
		"kind", "msg", "data", sb.String())
}

func packed(t *testing.T, size int) []byte {
	t.Helper()
	d, err := lane.PackBody(bigBody(size), lane.PkJSON)
	must(t, err)
	return d
}

func head(sn, dn, si string, bi uint64) lane.Head {
	h := lane.NewHead(sn, dn)
	h.SI, h.BI = si, bi
	return h
}

func decode(t *testing.T, b []byte) lane.Page {
	t.Helper()
	p, err := lane.DecodePage(b)
	must(t, err)
	return p
}

func pages(t *testing.T, h lane.Head, data []byte) [][]byte {
	t.Helper()
	ps, err := lane.Paginate(h, data)
	must(t, err)
	return ps
}

func TestPaged200kRoundTrip(t *testing.T) {
	body := bigBody(200 * 1024)
	data, err := lane.PackBody(body, lane.PkJSON)
	must(t, err)
	h := head("a", "b", lane.NewSID(), 7)
	ps := pages(t, h, data)
	hb, _ := lane.EncodeHead(h)
	secsize := 65535 - len(hb) - 2
	if len(ps) != (len(data)+secsize-1)/secsize {
		t.Fatalf("%d pages", len(ps))
	}
	for _, p := range ps {
		if len(p) > lane.MaxPageSize {
			t.Fatal("page too large")
		}
	}
	if len(ps[0]) != 65533 {
		t.Fatalf("first page %d bytes", len(ps[0]))
	}
	r := lane.NewReassembler()
	for i, p := range ps {
		hd, got, done := r.Add(decode(t, p))
		if done != (i == len(ps)-1) {
			t.Fatalf("page %d done=%v", i, done)
		}
		if done {
			if hd.SN != "a" || hd.DN != "b" || hd.BI != 7 || hd.PN != 0 || hd.PC != len(ps) {
				t.Fatalf("head %+v", hd)
			}
			back, err := lane.UnpackBody(got, lane.PkJSON)
			must(t, err)
			if jsonText(t, back) != jsonText(t, body) {
				t.Fatal("body differs")
			}
		}
	}
	if r.Books() != 0 || r.Bytes() != 0 {
		t.Fatal("books left")
	}
}

func TestPagesAfterFirstMayComeInAnyOrder(t *testing.T) {
	data := packed(t, 300000)
	ps := pages(t, head("a", "b", "s1", 1), data)
	order := [][]byte{ps[0]}
	for i := len(ps) - 1; i > 0; i-- {
		order = append(order, ps[i])
	}
	r := lane.NewReassembler()
	var got []byte
	for _, p := range order {
		if _, d, done := r.Add(decode(t, p)); done {
			got = d
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatal("body differs")
	}
}

func TestFirstPageMustBePageZero(t *testing.T) {
	ps := pages(t, head("a", "b", "s1", 1), packed(t, 100000))
	r := lane.NewReassembler()
	if _, _, done := r.Add(decode(t, ps[1])); done {
		t.Fatal("done")
	}
	if r.Stats()["missed_page"] != 1 {
		t.Fatal("missed_page not counted")
	}
	if _, _, done := r.Add(decode(t, ps[0])); done {
		t.Fatal("done")
	}
	if r.Books() != 1 { // incomplete: page 1 was dropped
		t.Fatal("books")
	}
}

func TestNewSessionDiscardsPartialBooks(t *testing.T) {
	data := packed(t, 100000)
	old := pages(t, head("a", "b", "old", 1), data)
	nw := pages(t, head("a", "b", "new", 1), data)
	r := lane.NewReassembler()
	r.Add(decode(t, old[0]))
	r.Add(decode(t, nw[0]))
	if r.Stats()["stale_book"] != 1 {
		t.Fatal("stale_book")
	}
	if _, d, done := r.Add(decode(t, nw[1])); !done || !bytes.Equal(d, data) {
		t.Fatal("new book")
	}
	if _, _, done := r.Add(decode(t, old[1])); done { // its book is gone: missed page
		t.Fatal("old book completed")
	}
	if r.Stats()["missed_page"] != 1 || r.Books() != 0 {
		t.Fatalf("stats %v books %d", r.Stats(), r.Books())
	}
}

func TestBooksArePerSenderAndBookID(t *testing.T) {
	d1, d2 := packed(t, 90000), packed(t, 80000)
	p1 := pages(t, head("a", "z", "s", 1), d1)
	p2 := pages(t, head("a", "z", "s", 2), d2)
	p3 := pages(t, head("c", "z", "s", 1), d2)
	r := lane.NewReassembler()
	for _, p := range [][]byte{p1[0], p2[0], p3[0]} {
		if _, _, done := r.Add(decode(t, p)); done {
			t.Fatal("done")
		}
	}
	for _, c := range []struct {
		page []byte
		want []byte
	}{{p2[1], d2}, {p3[1], d2}, {p1[1], d1}} {
		if _, d, done := r.Add(decode(t, c.page)); !done || !bytes.Equal(d, c.want) {
			t.Fatal("wrong book")
		}
	}
}

func TestEmptyBodyAndNonASCII(t *testing.T) {
	d, err := lane.PackBody(lane.NewMap(), lane.PkJSON)
	must(t, err)
	if len(d) != 0 {
		t.Fatal("empty body not empty")
	}
	m, err := lane.UnpackBody(nil, lane.PkJSON)
	must(t, err)
	if m.Len() != 0 {
		t.Fatal("not empty")
	}
	d, err = lane.PackBody(lane.MapOf("t", "h\u00e9\u20ac"), lane.PkJSON)
	must(t, err)
	if string(d) != `{"t":"h\u00e9\u20ac"}` {
		t.Fatalf("%s", d)
	}
	m, err = lane.UnpackBody([]byte("{\"t\":\"h\u00e9\"}"), lane.PkJSON)
	must(t, err)
	if m.GetString("t") != "h\u00e9" {
		t.Fatal("text")
	}
}

func TestMsgpackRoundTrip(t *testing.T) {
	body := lane.MapOf("a", 1, "b", []any{"x", nil, true}, "c", []byte{0, 1})
	data, err := lane.PackBody(body, lane.PkMsgpack)
	must(t, err)
	h := lane.NewHead("", "")
	h.PK = 1
	page, err := lane.EncodePage(h, data)
	must(t, err)
	p := decode(t, page)
	if p.Head.PK != 1 {
		t.Fatal("pk")
	}
	back, err := lane.UnpackBody(p.Body, 1)
	must(t, err)
	if !bytes.Equal(back.Value("c").([]byte), []byte{0, 1}) || back.Value("a") != int64(1) {
		t.Fatalf("%#v", back)
	}
	if b := back.Value("b").([]any); b[0] != "x" || b[1] != nil || b[2] != true {
		t.Fatalf("%#v", b)
	}
}

// ---- errors

func TestBadPagesRejected(t *testing.T) {
	good, err := lane.EncodePage(lane.NewHead("a", "b"), []byte("{}"))
	must(t, err)
	g := string(good)
	for _, bad := range []string{"", "xx", strings.Replace(g, "ri RAET", "ri RAEX", 1),
		strings.Replace(g, "\n\n", "\n", 1), strings.Replace(g, "bi 0", "bi zz", 1),
		strings.Replace(g, "pc 0001", "pc 0000", 1), strings.Replace(g, "sn a\n", "", 1),
		strings.Replace(g, "sn a", "qq a", 1), strings.Replace(g, "sn a", "sn a b", 1),
		strings.Replace(g, "dn b", "sn b", 1), strings.Replace(g, "pc 0001", "pc 10000", 1),
		strings.Replace(g, "pn 0000", "pn 0001", 1), strings.Replace(g, "bi 0", "bi -1", 1),
		strings.Replace(g, "si 000000000000000000", "si 0000000000000000000", 1),
		strings.Replace(g, "sn a", "sn \xff", 1), g + strings.Repeat("x", 65535)} {
		_, err := lane.DecodePage([]byte(bad))
		var pe *lane.PageError
		if !errors.As(err, &pe) {
			t.Errorf("accepted %q", bad[:min(len(bad), 120)])
		}
	}
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func TestBodiesMustBeMappings(t *testing.T) {
	for _, bad := range []string{"[1,2]", "{bad", "1", `{"a":1} x`, "\xff"} {
		if _, err := lane.UnpackBody([]byte(bad), lane.PkJSON); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if _, err := lane.UnpackBody([]byte{0x92, 1, 2}, lane.PkMsgpack); err == nil {
		t.Error("msgpack array accepted as a body")
	}
	if _, err := lane.UnpackBody([]byte("{}"), 7); err == nil {
		t.Error("unknown pack kind accepted")
	}
}

func TestNamesInHeads(t *testing.T) {
	if _, err := lane.EncodeHead(lane.NewHead("a b", "")); err == nil {
		t.Error("space in sn")
	}
	if _, err := lane.EncodePage(lane.NewHead("", ""), make([]byte, 65535)); err == nil {
		t.Error("oversized page")
	}
}

func TestSIIs18Chars(t *testing.T) {
	sid := lane.NewSID()
	if len(sid) != 18 {
		t.Fatalf("sid %q", sid)
	}
	if _, err := strconv.ParseUint(sid[:16], 16, 64); err != nil {
		t.Fatalf("sid %q is not hex", sid)
	}
	h := lane.NewHead("", "")
	h.SI = "0123456789abcdef0123"
	hb, err := lane.EncodeHead(h)
	must(t, err)
	if !bytes.Contains(hb, []byte("si 0123456789abcdef01\n")) {
		t.Fatalf("%q", hb)
	}
}

// ---- naming and sockets

func TestPaths(t *testing.T) {
	p, err := lane.YardPath("/tmp/x", "lane", "w1")
	if err != nil || p != "/tmp/x/lane.w1.uxd" {
		t.Fatalf("%q %v", p, err)
	}
	l, y, err := lane.NamesFromPath("/tmp/x/my.lane.w1.uxd")
	if err != nil || l != "my.lane" || y != "w1" {
		t.Fatalf("%q %q %v", l, y, err)
	}
	for _, bad := range []string{"a.b", "a b", "", "a/b"} {
		if _, err := lane.YardPath("/tmp", "lane", bad); err == nil {
			t.Errorf("yard name %q accepted", bad)
		}
	}
	for _, bad := range []string{"/tmp/x/lane.w1", "/tmp/x/w1.uxd", ""} {
		if _, _, err := lane.NamesFromPath(bad); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
}

// shortTempDir is a fresh directory with a short path (socket paths are limited to 107 bytes).
func shortTempDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("/tmp", "rgo")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func TestSocketModeAndUnlink(t *testing.T) {
	d := shortTempDir(t)
	path, err := lane.YardPath(d, "lane", "m")
	must(t, err)
	s, err := lane.Listen(path)
	must(t, err)
	st, err := os.Stat(path)
	must(t, err)
	if st.Mode()&os.ModeSocket == 0 || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	if _, err := lane.Listen(path); err == nil { // in use
		t.Fatal("bound twice")
	}
	must(t, s.Close())
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("socket file left behind")
	}
	// a socket file left by a dead process is replaced
	s, err = lane.Listen(path)
	must(t, err)
	must(t, s.Abandon())
	s, err = lane.Listen(path)
	must(t, err)
	must(t, s.Close())
	// a file that is not a socket is not touched
	must(t, os.WriteFile(path, []byte("x"), 0o600))
	if _, err := lane.Listen(path); err == nil {
		t.Fatal("bound over a plain file")
	}
}

func TestSendToNobodyFailsWithErrno(t *testing.T) {
	d := shortTempDir(t)
	path, _ := lane.YardPath(d, "lane", "a")
	s, err := lane.Listen(path)
	must(t, err)
	defer s.Close()
	err = s.Send([]byte("x"), filepath.Join(d, "lane.nobody.uxd"), zeroTime)
	var le *lane.Error
	if !errors.As(err, &le) || le.Errno == 0 {
		t.Fatalf("error %v", err)
	}
}

var zeroTime time.Time

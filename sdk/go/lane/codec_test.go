package lane_test

import (
	"bytes"
	"encoding/hex"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"raet.io/raetsdk/lane"
)

func TestFloatReprAsPython(t *testing.T) {
	cases := map[float64]string{
		0: "0.0", 1: "1.0", -1.5: "-1.5", 2.5: "2.5", 0.1: "0.1", 1e16: "1e+16", 1e15: "1000000000000000.0",
		123456789012345678: "1.2345678901234568e+17", 0.0001: "0.0001", 0.00001: "1e-05", 1.5e-7: "1.5e-07",
		1e100: "1e+100", 5e-324: "5e-324", 1.7976931348623157e308: "1.7976931348623157e+308",
		math.Inf(1): "Infinity", math.Inf(-1): "-Infinity", 1.0 / 3: "0.3333333333333333", 100: "100.0",
	}
	for f, want := range cases {
		if got := lane.FloatRepr(f); got != want {
			t.Errorf("FloatRepr(%v) = %s, want %s", f, got, want)
		}
	}
	if lane.FloatRepr(math.NaN()) != "NaN" || lane.FloatRepr(math.Copysign(0, -1)) != "-0.0" {
		t.Error("NaN or -0.0")
	}
}

func TestJSONAsPythonWritesIt(t *testing.T) {
	big1, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	m := lane.MapOf("z", 1, "a", []any{int8(-3), uint64(math.MaxUint64), 2.0, "q\"\\\n\r\t\b\f\x01\x7f", nil, false},
		"é", "\U0001F600", "big", big1, "plain", map[string]any{"b": 1, "a": 2},
		"typed", []int{1, 2}, "s", struct {
			X int    `json:"x"`
			Y string `json:"y"`
		}{1, "é"})
	want := `{"z":1,"a":[-3,18446744073709551615,2.0,"q\"\\\n\r\t\b\f\u0001\u007f",null,false],` +
		`"\u00e9":"\ud83d\ude00","big":123456789012345678901234567890,"plain":{"a":2,"b":1},"typed":[1,2],` +
		`"s":{"x":1,"y":"\u00e9"}}`
	if got := jsonText(t, m); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	utf, err := lane.JSONOptions{UTF8: true, SortKeys: true}.Marshal(lane.MapOf("b", "é\x7f\x01", "a", 1))
	must(t, err)
	if string(utf) != "{\"a\":1,\"b\":\"é\x7f\\u0001\"}" {
		t.Fatalf("%s", utf)
	}
	if _, err := lane.MarshalJSON(lane.MapOf("b", []byte{1})); err == nil {
		t.Error("bytes written as JSON")
	}
	if _, err := lane.MarshalJSON(lane.MapOf("c", make(chan int))); err == nil {
		t.Error("a channel written as JSON")
	}
}

func TestJSONReadsWhatPythonReads(t *testing.T) {
	v := mustParse(t, ` {"b": [1, -0, 1.5, 1e3, 1E-2, NaN, Infinity, -Infinity, 18446744073709551615,
		-9223372036854775808, 99999999999999999999999], "a": "\ud83d\ude00\u00e9\/", "a2": "\ud800x", "b": 2} `).(*lane.Map)
	if strings.Join(v.Keys(), ",") != "b,a,a2" || v.Value("b") != int64(2) {
		t.Fatalf("keys %v", v.Keys())
	}
	if v.GetString("a") != "\U0001F600é/" || v.GetString("a2") != "\uFFFDx" {
		t.Fatalf("strings %q %q", v.GetString("a"), v.GetString("a2"))
	}
	l := mustParse(t, `[1, -0, 1.5, 1e3, 1E-2, NaN, Infinity, -Infinity, 18446744073709551615,
		-9223372036854775808, 99999999999999999999999]`).([]any)
	if l[0] != int64(1) || l[1] != int64(0) || l[2] != 1.5 || l[3] != 1000.0 || l[4] != 0.01 ||
		!math.IsNaN(l[5].(float64)) || !math.IsInf(l[6].(float64), 1) || !math.IsInf(l[7].(float64), -1) ||
		l[8] != uint64(math.MaxUint64) || l[9] != int64(math.MinInt64) {
		t.Fatalf("%#v", l)
	}
	if l[10].(*big.Int).String() != "99999999999999999999999" {
		t.Fatal("big int")
	}
	for _, bad := range []string{"", "{", `{"a"}`, `{"a":}`, "[1,]", "01", "1.", "-", `"\x"`, "\"a\x01\"", "tru",
		`{1:2}`, `"\u12"`, "[1 2]", strings.Repeat("[", 1002) + strings.Repeat("]", 1002),
		strings.Repeat("9", 4301)} {
		if _, err := lane.ParseJSON([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad[:min(len(bad), 40)])
		}
	}
	if _, err := lane.ParseJSON([]byte(strings.Repeat("[", 900) + strings.Repeat("]", 900))); err != nil {
		t.Errorf("900 levels refused: %v", err)
	}
}

func mp(t *testing.T, v any) string {
	t.Helper()
	b, err := lane.MarshalMsgpack(v)
	must(t, err)
	return hex.EncodeToString(b)
}

// The smallest encoding of each integer, as msgpack-python writes it (non-negative values in the uint family).
func TestMsgpackIntegersAndText(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{0, "00"}, {127, "7f"}, {128, "cc80"}, {255, "ccff"}, {256, "cd0100"}, {65535, "cdffff"},
		{65536, "ce00010000"}, {int64(4294967295), "ceffffffff"}, {int64(4294967296), "cf0000000100000000"},
		{uint64(math.MaxUint64), "cfffffffffffffffff"}, {-1, "ff"}, {-32, "e0"}, {-33, "d0df"}, {-128, "d080"},
		{-129, "d1ff7f"}, {-32768, "d18000"}, {-32769, "d2ffff7fff"}, {int64(math.MinInt32), "d280000000"},
		{int64(math.MinInt32) - 1, "d3ffffffff7fffffff"}, {1.5, "cb3ff8000000000000"},
		{float32(0.5), "cb3fe0000000000000"}, {nil, "c0"}, {true, "c3"}, {false, "c2"}, {"", "a0"},
		{strings.Repeat("x", 31), "bf" + strings.Repeat("78", 31)},
		{strings.Repeat("x", 32), "d920" + strings.Repeat("78", 32)},
		{strings.Repeat("x", 256), "da0100" + strings.Repeat("78", 256)},
		{[]byte{1, 2}, "c4020102"}, {[]any{}, "90"}, {lane.NewMap(), "80"},
		{lane.MapOf("b", 1, "a", []any{nil}), "82a16201a16191c0"},
	}
	for _, c := range cases {
		if got := mp(t, c.v); got != c.want {
			t.Errorf("%v: got %s want %s", c.v, got[:min(len(got), 40)], c.want[:min(len(c.want), 40)])
		}
	}
	long := make([]any, 16)
	if got := mp(t, long); got != "dc0010"+strings.Repeat("c0", 16) {
		t.Errorf("array16 %s", got)
	}
	if got := mp(t, make([]byte, 70000))[:10]; got != "c600011170" {
		t.Errorf("bin32 %s", got)
	}
	if got := mp(t, strings.Repeat("y", 70000))[:10]; got != "db00011170" {
		t.Errorf("str32 %s", got)
	}
}

func TestMsgpackReadsEveryFamily(t *testing.T) {
	in := "8f" + // fixmap 15
		"a161" + "cc80" + "a162" + "cd0100" + "a163" + "ce00010000" + "a164" + "cfffffffffffffffff" +
		"a165" + "d0df" + "a166" + "d1ff7f" + "a167" + "d2ffff7fff" + "a168" + "d3ffffffff7fffffff" +
		"a169" + "ca3f000000" + "a16a" + "d90178" + "a16b" + "da000179" + "a16c" + "db000000017a" +
		"a16d" + "c50001ff" + "a16e" + "dc0001c3" + "a16f" + "de0001a178c2"
	b, _ := hex.DecodeString(in)
	v, err := lane.UnmarshalMsgpack(b)
	must(t, err)
	m := v.(*lane.Map)
	want := map[string]any{"a": int64(128), "b": int64(256), "c": int64(65536), "d": uint64(math.MaxUint64),
		"e": int64(-33), "f": int64(-129), "g": int64(-32769), "h": int64(math.MinInt32) - 1, "i": 0.5,
		"j": "x", "k": "y", "l": "z"}
	for k, w := range want {
		if m.Value(k) != w {
			t.Errorf("%s: %#v want %#v", k, m.Value(k), w)
		}
	}
	if !bytes.Equal(m.Value("m").([]byte), []byte{0xff}) || m.Value("n").([]any)[0] != true ||
		m.Value("o").(*lane.Map).Value("x") != false {
		t.Errorf("%#v", m)
	}
}

// Lengths and counts from the wire are checked against what is left before anything is allocated.
func TestMsgpackRefusesLyingLengthsAndOtherTypes(t *testing.T) {
	for _, bad := range []string{
		"dd7fffffff",   // array of 2^31 elements in 5 bytes
		"df7fffffff",   // map of 2^31 entries
		"dbffffffff61", // str of 4 GiB
		"c6ffffffff00", // bin of 4 GiB
		"dc0002c0",     // array of 2 with 1 element
		"81c0c0",       // nil key
		"8101c0",       // integer key
		"81c40161c0",   // bin key
		"d40100",       // fixext
		"c1",           // never used
		"a2ff00",       // str that is not UTF-8
		"c0c0",         // extra data
		"cd01",         // short integer
		"",             // nothing
	} {
		b, _ := hex.DecodeString(bad)
		if _, err := lane.UnmarshalMsgpack(b); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	deep := bytes.Repeat([]byte{0x91}, 1002)
	deep = append(deep, 0xc0)
	if _, err := lane.UnmarshalMsgpack(deep); err == nil {
		t.Error("1002 levels accepted")
	}
}

// A hostile sender cannot make the reassembler hold more than its bounds.
func TestReassemblerBounds(t *testing.T) {
	data := packed(t, 100000)
	r := &lane.Reassembler{MaxBooks: 3, MaxBytes: 200000}
	for bi := uint64(1); bi <= 5; bi++ {
		ps := pages(t, head("a", "z", "s", bi), data)
		r.Add(decode(t, ps[0]))
	}
	if r.Books() != 3 || r.Stats()["dropped_book"] != 2 || r.Bytes() > 200000 {
		t.Fatalf("books %d bytes %d stats %v", r.Books(), r.Bytes(), r.Stats())
	}
	r = &lane.Reassembler{MaxBooks: 10, MaxBytes: 100000} // two first pages do not fit: the older goes
	for bi := uint64(1); bi <= 2; bi++ {
		r.Add(decode(t, pages(t, head("a", "z", "s", bi), data)[0]))
	}
	if r.Books() != 1 || r.Stats()["dropped_book"] != 1 {
		t.Fatalf("books %d stats %v", r.Books(), r.Stats())
	}
	// a page count that disagrees with the book's first page
	r2 := lane.NewReassembler()
	ps := pages(t, head("a", "z", "s", 9), data)
	r2.Add(decode(t, ps[0]))
	h := head("a", "z", "s", 9)
	h.PN, h.PC = 1, 3
	lie, err := lane.EncodePage(h, []byte("x"))
	must(t, err)
	if _, _, done := r2.Add(decode(t, lie)); done || r2.Stats()["bad_page"] != 1 {
		t.Fatalf("stats %v", r2.Stats())
	}
	// memory grows with the pages received, not with the count announced
	h = head("b", "z", "s", 1)
	h.PN, h.PC = 0, 0xFFFF
	p, err := lane.EncodePage(h, []byte("x"))
	must(t, err)
	r3 := lane.NewReassembler()
	r3.Add(decode(t, p))
	if r3.Bytes() != 1 {
		t.Fatalf("bytes %d", r3.Bytes())
	}
	// the senders remembered are bounded: the oldest is forgotten with its partial books
	r4 := &lane.Reassembler{MaxSenders: 10}
	first := pages(t, head("s0", "z", "s", 1), data)
	r4.Add(decode(t, first[0]))
	for i := 1; i <= 20; i++ {
		p, err := lane.EncodePage(head("s"+strconv.Itoa(i), "z", "s", 1), nil)
		must(t, err)
		r4.Add(decode(t, p))
	}
	if _, _, done := r4.Add(decode(t, first[1])); done || r4.Books() != 0 || r4.Stats()["missed_page"] != 1 {
		t.Fatalf("books %d stats %v", r4.Books(), r4.Stats())
	}
}

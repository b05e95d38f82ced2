// Package lane is RAET's lane: pages over Unix-domain datagram sockets, as the reference (raet 0.6.8) writes
// them.
//
// A page is nine "key value" header lines in the order ri vn pk sn dn si bi pn pc, joined by "\n" and ended by
// "\n\n", followed by the body: compact JSON (pack kind 0) or msgpack (pack kind 1) of a mapping. A body whose
// page would exceed 65535 bytes is cut into sections of 65535 - (headsize + 2) bytes, one page each (pn the
// section number, pc the count), where headsize is the size of the single-page head. Receivers reassemble
// books keyed by (dn, sn, si, bi); a book's first page must be page 0.
//
// A yard's socket is <dir>/<lane>.<yard>.uxd.
package lane

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	MaxPageSize    = 65535    // largest page (the reference's UXD_MAX_PACKET_SIZE)
	MaxMessageSize = 67107840 // largest body: 1024 × 65535
	MaxPageCount   = 0xFFFF   // pn and pc are written as four hex digits
	PkJSON         = 0        // pack kind JSON
	PkMsgpack      = 1        // pack kind msgpack
	DefaultSI      = "000000000000000000"
	SILength       = 18 // session ids are at most 18 characters
)

// Fields are the page head's keys in the order they are written.
var Fields = [...]string{"ri", "vn", "pk", "sn", "dn", "si", "bi", "pn", "pc"}

var (
	headEnd = []byte("\n\n")
	prefix  = []byte("ri RAET\n")
)

// PageError says why a page or body could not be built or read.
type PageError struct{ Reason string }

func (e *PageError) Error() string { return "lane page: " + e.Reason }

func pageErr(format string, args ...any) error {
	return &PageError{Reason: fmt.Sprintf(format, args...)}
}

// Head holds the nine header fields of a page. NewHead gives the reference's defaults.
type Head struct {
	RI string // "RAET"
	VN int    // version, 0
	PK int    // pack kind: PkJSON or PkMsgpack
	SN string // source yard
	DN string // destination yard
	SI string // session id (at most 18 characters)
	BI uint64 // book id, per destination, from 1
	PN int    // page number
	PC int    // page count, at least 1
}

// NewHead returns a head with the reference's defaults: ri RAET, si 000000000000000000, pc 1.
func NewHead(sn, dn string) Head {
	return Head{RI: "RAET", SN: sn, DN: dn, SI: DefaultSI, PC: 1}
}

func checkHeadText(key, value string) error {
	if strings.ContainsAny(value, " \n") {
		return pageErr("%s must not contain a space or a newline: %q", key, value)
	}
	return nil
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// EncodeHead returns the header bytes of h, terminator included (the reference's formats: vn pk bi hex, pn pc
// 4-digit hex, ri cut to 4 and si to 18 characters).
func EncodeHead(h Head) ([]byte, error) {
	for _, kv := range [][2]string{{"sn", h.SN}, {"dn", h.DN}, {"si", h.SI}, {"ri", h.RI}} {
		if err := checkHeadText(kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	if h.VN < 0 || h.PK < 0 {
		return nil, pageErr("vn and pk must not be negative")
	}
	if h.PC < 1 || h.PN < 0 || h.PN >= h.PC || h.PC > MaxPageCount {
		return nil, pageErr("page number %d out of range for count %d", h.PN, h.PC)
	}
	b := make([]byte, 0, 64+len(h.SN)+len(h.DN))
	b = append(b, "ri "...)
	b = append(b, cut(h.RI, 4)...)
	b = append(b, "\nvn "...)
	b = strconv.AppendInt(b, int64(h.VN), 16)
	b = append(b, "\npk "...)
	b = strconv.AppendInt(b, int64(h.PK), 16)
	b = append(b, "\nsn "...)
	b = append(b, h.SN...)
	b = append(b, "\ndn "...)
	b = append(b, h.DN...)
	b = append(b, "\nsi "...)
	b = append(b, cut(h.SI, SILength)...)
	b = append(b, "\nbi "...)
	b = strconv.AppendUint(b, h.BI, 16)
	b = append(b, fmt.Sprintf("\npn %04x\npc %04x", h.PN, h.PC)...)
	return append(b, headEnd...), nil
}

// EncodePage returns one page: EncodeHead(h) followed by body. It fails above MaxPageSize bytes.
func EncodePage(h Head, body []byte) ([]byte, error) {
	hb, err := EncodeHead(h)
	if err != nil {
		return nil, err
	}
	if len(hb)+len(body) > MaxPageSize {
		return nil, pageErr("page of %d bytes exceeds %d", len(hb)+len(body), MaxPageSize)
	}
	return append(hb, body...), nil
}

// Page is a parsed page: its head and its body bytes (a section of the body when the book has several pages).
// Body refers to the datagram's buffer.
type Page struct {
	Head Head
	Body []byte
}

// Paged reports whether the page is one of several.
func (p Page) Paged() bool { return p.Head.PC > 1 }

func parseHex(key, v string) (uint64, error) {
	if v == "" || len(v) > 16 {
		return 0, pageErr("field %s is not hex: %q", key, v)
	}
	u, err := strconv.ParseUint(v, 16, 64)
	if err != nil {
		return 0, pageErr("field %s is not hex: %q", key, v)
	}
	return u, nil
}

// DecodePage parses a page. Every field must appear exactly once, each line "key value" with one space; hex
// fields are hex digits; names are UTF-8; si is at most 18 characters; 1 <= pc <= 0xffff and pn < pc. The page
// itself may be at most MaxPageSize bytes.
func DecodePage(data []byte) (Page, error) {
	if len(data) > MaxPageSize {
		return Page{}, pageErr("page of %d bytes exceeds %d", len(data), MaxPageSize)
	}
	if !bytes.HasPrefix(data, prefix) {
		return Page{}, pageErr("unrecognized page head")
	}
	end := bytes.Index(data, headEnd)
	if end < 0 {
		return Page{}, pageErr("page head has no terminator")
	}
	front := data[:end]
	if !utf8.Valid(front) {
		return Page{}, pageErr("page head is not UTF-8")
	}
	var values [len(Fields)]string
	var seen [len(Fields)]bool
	for _, line := range strings.Split(string(front), "\n") {
		sp := strings.IndexByte(line, ' ')
		if sp < 0 || strings.IndexByte(line[sp+1:], ' ') >= 0 {
			return Page{}, pageErr("bad page head line %q", line)
		}
		key, val := line[:sp], line[sp+1:]
		k := -1
		for i, f := range Fields {
			if f == key {
				k = i
				break
			}
		}
		if k < 0 {
			return Page{}, pageErr("unknown page head field %q", key)
		}
		if seen[k] {
			return Page{}, pageErr("duplicate page head field %q", key)
		}
		seen[k] = true
		values[k] = val
	}
	var missing []string
	for i, f := range Fields {
		if !seen[i] {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return Page{}, pageErr("page head lacks %s", strings.Join(missing, " "))
	}
	var nums [9]uint64
	for _, i := range []int{1, 2, 6, 7, 8} {
		u, err := parseHex(Fields[i], values[i])
		if err != nil {
			return Page{}, err
		}
		nums[i] = u
	}
	if nums[1] > 0xffff || nums[2] > 0xffff {
		return Page{}, pageErr("vn %d or pk %d out of range", nums[1], nums[2])
	}
	if nums[8] < 1 || nums[8] > MaxPageCount || nums[7] >= nums[8] {
		return Page{}, pageErr("page number %d out of range for count %d", nums[7], nums[8])
	}
	if utf8.RuneCountInString(values[5]) > SILength {
		return Page{}, pageErr("si longer than %d characters", SILength)
	}
	h := Head{RI: values[0], VN: int(nums[1]), PK: int(nums[2]), SN: values[3], DN: values[4], SI: values[5],
		BI: nums[6], PN: int(nums[7]), PC: int(nums[8])}
	return Page{Head: h, Body: data[end+len(headEnd):]}, nil
}

// PackBody serializes a body mapping as the reference does; an empty mapping gives an empty body.
func PackBody(body *Map, pk int) ([]byte, error) {
	if body == nil || body.Len() == 0 {
		if pk != PkJSON && pk != PkMsgpack {
			return nil, pageErr("unknown pack kind %d", pk)
		}
		return []byte{}, nil
	}
	var data []byte
	var err error
	switch pk {
	case PkJSON:
		data, err = MarshalJSON(body)
	case PkMsgpack:
		data, err = MarshalMsgpack(body)
	default:
		return nil, pageErr("unknown pack kind %d", pk)
	}
	if err != nil {
		return nil, &PageError{Reason: err.Error()}
	}
	if len(data) > MaxMessageSize {
		return nil, pageErr("body of %d bytes exceeds %d", len(data), MaxMessageSize)
	}
	return data, nil
}

// UnpackBody parses a body; an empty body is the empty mapping. It fails unless the body is a mapping.
func UnpackBody(data []byte, pk int) (*Map, error) {
	if len(data) == 0 {
		return NewMap(), nil
	}
	if len(data) > MaxMessageSize {
		return nil, pageErr("body of %d bytes exceeds %d", len(data), MaxMessageSize)
	}
	var v any
	var err error
	switch pk {
	case PkJSON:
		v, err = ParseJSON(data)
	case PkMsgpack:
		v, err = UnmarshalMsgpack(data)
	default:
		return nil, pageErr("unknown pack kind %d", pk)
	}
	if err != nil {
		return nil, pageErr("cannot parse body: %v", err)
	}
	m, ok := v.(*Map)
	if !ok {
		return nil, pageErr("body is not a mapping")
	}
	return m, nil
}

// Paginate returns the pages carrying the serialized body data with header h (its PN and PC are set here):
// one page when it fits in MaxPageSize, else sections of MaxPageSize - (headsize + 2) bytes.
func Paginate(h Head, data []byte) ([][]byte, error) {
	if len(data) > MaxMessageSize {
		return nil, pageErr("body of %d bytes exceeds %d", len(data), MaxMessageSize)
	}
	first := h
	first.PN, first.PC = 0, 1
	hb, err := EncodeHead(first)
	if err != nil {
		return nil, err
	}
	if len(hb)+len(data) <= MaxPageSize {
		return [][]byte{append(hb, data...)}, nil
	}
	secsize := MaxPageSize - (len(hb) + 2)
	if secsize <= 0 {
		return nil, pageErr("head of %d bytes leaves no room for a body", len(hb))
	}
	count := len(data) / secsize
	if len(data)%secsize != 0 {
		count++
	}
	if count > MaxPageCount {
		return nil, pageErr("body of %d bytes needs more than 65535 pages", len(data))
	}
	pages := make([][]byte, 0, count)
	for i := 0; i < count; i++ {
		end := (i + 1) * secsize
		if end > len(data) {
			end = len(data)
		}
		ph := h
		ph.PN, ph.PC = i, count
		phb, err := EncodeHead(ph)
		if err != nil {
			return nil, err
		}
		pages = append(pages, append(phb, data[i*secsize:end]...))
	}
	return pages, nil
}

// NewSID returns a session id as the reference makes it: the microseconds since the epoch in hex, then random
// hex, 18 characters in all.
func NewSID() string {
	front := strconv.FormatInt(time.Now().UnixNano()/1000, 16)
	extra := SILength - len(front)
	if extra < 0 {
		extra = 0
	}
	rnd := make([]byte, extra/2+extra%2)
	if _, err := rand.Read(rnd); err != nil {
		panic("lane: no random bytes: " + err.Error())
	}
	s := front + hex.EncodeToString(rnd)
	return s[:SILength]
}

var errEmptyName = errors.New("must be a non-empty string")

// CheckName returns an error unless name is usable as a lane or yard name: not empty, no dot, space, slash,
// newline or NUL. what names the thing in the message ("yard name").
func CheckName(name, what string) error {
	if name == "" {
		return fmt.Errorf("%s %w", what, errEmptyName)
	}
	for _, bad := range []string{".", " ", "/", "\n", "\x00"} {
		if strings.Contains(name, bad) {
			return fmt.Errorf("%s %q must not contain %q", what, name, bad)
		}
	}
	return nil
}

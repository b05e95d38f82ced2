package lane

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"unicode/utf8"
)

// The msgpack subset a lane body needs, written as Python msgpack's packb(body, use_bin_type=True) writes it:
// text in the str family (str8 allowed), bytes in the bin family, floats as float64, integers in their smallest
// encoding (non-negative ones in the uint family), maps in order. Reading accepts every family but extension
// types; map keys must be text.

// MarshalMsgpack writes v as Python msgpack's packb(v, use_bin_type=True) does. It takes the values
// MarshalJSON takes, and []byte (as bin).
func MarshalMsgpack(v any) ([]byte, error) {
	return appendMsgpack(nil, v, 0)
}

func appendMsgpack(b []byte, v any, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return nil, errors.New("lane: value nested deeper than 1000 levels")
	}
	switch x := v.(type) {
	case nil:
		return append(b, 0xc0), nil
	case bool:
		if x {
			return append(b, 0xc3), nil
		}
		return append(b, 0xc2), nil
	case string:
		return appendMsgpackStr(b, x), nil
	case []byte:
		n := len(x)
		switch {
		case n < 1<<8:
			b = append(b, 0xc4, byte(n))
		case n < 1<<16:
			b = append(b, 0xc5, byte(n>>8), byte(n))
		case uint64(n) < 1<<32:
			b = append(b, 0xc6)
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		default:
			return nil, errors.New("lane: bytes too long for msgpack")
		}
		return append(b, x...), nil
	case int:
		return appendMsgpackInt(b, int64(x)), nil
	case int8:
		return appendMsgpackInt(b, int64(x)), nil
	case int16:
		return appendMsgpackInt(b, int64(x)), nil
	case int32:
		return appendMsgpackInt(b, int64(x)), nil
	case int64:
		return appendMsgpackInt(b, x), nil
	case uint:
		return appendMsgpackUint(b, uint64(x)), nil
	case uint8:
		return appendMsgpackUint(b, uint64(x)), nil
	case uint16:
		return appendMsgpackUint(b, uint64(x)), nil
	case uint32:
		return appendMsgpackUint(b, uint64(x)), nil
	case uint64:
		return appendMsgpackUint(b, x), nil
	case float32:
		return appendMsgpackFloat(b, float64(x)), nil
	case float64:
		return appendMsgpackFloat(b, x), nil
	case *big.Int:
		if x == nil {
			return append(b, 0xc0), nil
		}
		if x.IsInt64() {
			return appendMsgpackInt(b, x.Int64()), nil
		}
		if x.IsUint64() {
			return appendMsgpackUint(b, x.Uint64()), nil
		}
		return nil, errors.New("lane: integer too large for msgpack")
	case json.Number:
		n, err := ParseJSON([]byte(x))
		if err != nil {
			return nil, fmt.Errorf("lane: bad json.Number %q", string(x))
		}
		return appendMsgpack(b, n, depth)
	case *Map:
		if x == nil {
			return append(b, 0xc0), nil
		}
		return appendMsgpackMap(b, x.keys, x.vals, depth)
	case Map:
		return appendMsgpackMap(b, x.keys, x.vals, depth)
	case map[string]any:
		return appendMsgpackMap(b, sortedKeys(x), x, depth)
	case []any:
		b = appendMsgpackLen(b, len(x), 0x90, 0xdc, 0xdd)
		for _, e := range x {
			var err error
			if b, err = appendMsgpack(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case []string:
		b = appendMsgpackLen(b, len(x), 0x90, 0xdc, 0xdd)
		for _, e := range x {
			b = appendMsgpackStr(b, e)
		}
		return b, nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Ptr && rv.IsNil() {
		return append(b, 0xc0), nil
	}
	conv, err := viaEncodingJSON(v)
	if err != nil {
		return nil, fmt.Errorf("lane: cannot write %T: %w", v, err)
	}
	return appendMsgpack(b, conv, depth)
}

func appendMsgpackMap(b []byte, keys []string, vals map[string]any, depth int) ([]byte, error) {
	b = appendMsgpackLen(b, len(keys), 0x80, 0xde, 0xdf)
	for _, k := range keys {
		b = appendMsgpackStr(b, k)
		var err error
		if b, err = appendMsgpack(b, vals[k], depth+1); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// appendMsgpackLen writes a map or array header: fix form up to 15, then 16 and 32 bits.
func appendMsgpackLen(b []byte, n int, fix, b16, b32 byte) []byte {
	switch {
	case n < 16:
		return append(b, fix|byte(n))
	case n < 1<<16:
		return append(b, b16, byte(n>>8), byte(n))
	default:
		b = append(b, b32)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	}
}

func appendMsgpackStr(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n < 1<<8:
		b = append(b, 0xd9, byte(n))
	case n < 1<<16:
		b = append(b, 0xda, byte(n>>8), byte(n))
	default:
		b = append(b, 0xdb)
		b = binary.BigEndian.AppendUint32(b, uint32(n))
	}
	return append(b, s...)
}

func appendMsgpackInt(b []byte, i int64) []byte {
	if i >= 0 {
		return appendMsgpackUint(b, uint64(i))
	}
	switch {
	case i >= -32:
		return append(b, byte(i))
	case i >= math.MinInt8:
		return append(b, 0xd0, byte(i))
	case i >= math.MinInt16:
		return append(b, 0xd1, byte(i>>8), byte(i))
	case i >= math.MinInt32:
		b = append(b, 0xd2)
		return binary.BigEndian.AppendUint32(b, uint32(i))
	default:
		b = append(b, 0xd3)
		return binary.BigEndian.AppendUint64(b, uint64(i))
	}
}

func appendMsgpackUint(b []byte, u uint64) []byte {
	switch {
	case u < 0x80:
		return append(b, byte(u))
	case u <= math.MaxUint8:
		return append(b, 0xcc, byte(u))
	case u <= math.MaxUint16:
		return append(b, 0xcd, byte(u>>8), byte(u))
	case u <= math.MaxUint32:
		b = append(b, 0xce)
		return binary.BigEndian.AppendUint32(b, uint32(u))
	default:
		b = append(b, 0xcf)
		return binary.BigEndian.AppendUint64(b, u)
	}
}

func appendMsgpackFloat(b []byte, f float64) []byte {
	b = append(b, 0xcb)
	return binary.BigEndian.AppendUint64(b, math.Float64bits(f))
}

// UnmarshalMsgpack reads one msgpack value that fills data exactly: maps become *Map (keys must be text),
// arrays []any, str string (valid UTF-8), bin []byte (a copy), integers int64 (uint64 above), floats float64.
// Extension types are refused. Every length is checked against the bytes left before anything is allocated.
func UnmarshalMsgpack(data []byte) (any, error) {
	d := mpDecoder{data: data}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if d.pos != len(d.data) {
		return nil, fmt.Errorf("lane: msgpack: %d bytes of extra data", len(d.data)-d.pos)
	}
	return v, nil
}

type mpDecoder struct {
	data []byte
	pos  int
}

var errShort = errors.New("lane: msgpack: data ends inside a value")

func (d *mpDecoder) take(n uint64) ([]byte, error) {
	if n > uint64(len(d.data)-d.pos) {
		return nil, errShort
	}
	b := d.data[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return b, nil
}

func (d *mpDecoder) uint(size int) (uint64, error) {
	b, err := d.take(uint64(size))
	if err != nil {
		return 0, err
	}
	switch size {
	case 1:
		return uint64(b[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(b)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(b)), nil
	default:
		return binary.BigEndian.Uint64(b), nil
	}
}

func (d *mpDecoder) value(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, errors.New("lane: msgpack: nested deeper than 1000 levels")
	}
	hb, err := d.take(1)
	if err != nil {
		return nil, err
	}
	c := hb[0]
	switch {
	case c <= 0x7f:
		return int64(c), nil
	case c >= 0xe0:
		return int64(int8(c)), nil
	case c&0xf0 == 0x80:
		return d.mapOf(uint64(c&0x0f), depth)
	case c&0xf0 == 0x90:
		return d.arrayOf(uint64(c&0x0f), depth)
	case c&0xe0 == 0xa0:
		return d.str(uint64(c & 0x1f))
	}
	switch c {
	case 0xc0:
		return nil, nil
	case 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	case 0xc4, 0xc5, 0xc6:
		n, err := d.uint(1 << (c - 0xc4))
		if err != nil {
			return nil, err
		}
		b, err := d.take(n)
		if err != nil {
			return nil, err
		}
		return append([]byte{}, b...), nil
	case 0xca:
		u, err := d.uint(4)
		if err != nil {
			return nil, err
		}
		return float64(math.Float32frombits(uint32(u))), nil
	case 0xcb:
		u, err := d.uint(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(u), nil
	case 0xcc, 0xcd, 0xce, 0xcf:
		u, err := d.uint(1 << (c - 0xcc))
		if err != nil {
			return nil, err
		}
		if u <= math.MaxInt64 {
			return int64(u), nil
		}
		return u, nil
	case 0xd0, 0xd1, 0xd2, 0xd3:
		size := 1 << (c - 0xd0)
		u, err := d.uint(size)
		if err != nil {
			return nil, err
		}
		shift := uint(64 - 8*size)
		return int64(u<<shift) >> shift, nil
	case 0xd9, 0xda, 0xdb:
		n, err := d.uint(1 << (c - 0xd9))
		if err != nil {
			return nil, err
		}
		return d.str(n)
	case 0xdc, 0xdd:
		n, err := d.uint(2 << (c - 0xdc))
		if err != nil {
			return nil, err
		}
		return d.arrayOf(n, depth)
	case 0xde, 0xdf:
		n, err := d.uint(2 << (c - 0xde))
		if err != nil {
			return nil, err
		}
		return d.mapOf(n, depth)
	}
	return nil, fmt.Errorf("lane: msgpack: type 0x%02x not accepted (extension or unused)", c)
}

func (d *mpDecoder) str(n uint64) (any, error) {
	b, err := d.take(n)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(b) {
		return nil, errors.New("lane: msgpack: str is not valid UTF-8")
	}
	return string(b), nil
}

func (d *mpDecoder) arrayOf(n uint64, depth int) (any, error) {
	if n > uint64(len(d.data)-d.pos) { // every element takes at least one byte
		return nil, errShort
	}
	out := make([]any, 0, n)
	for i := uint64(0); i < n; i++ {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (d *mpDecoder) mapOf(n uint64, depth int) (any, error) {
	if n > uint64(len(d.data)-d.pos)/2 { // every entry takes at least two bytes
		return nil, errShort
	}
	m := &Map{keys: make([]string, 0, n), vals: make(map[string]any, n)}
	for i := uint64(0); i < n; i++ {
		k, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		ks, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("lane: msgpack: map key of type %T (keys must be text)", k)
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m.Set(ks, v)
	}
	return m, nil
}

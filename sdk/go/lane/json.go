package lane

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of maps and lists the body codecs read or write.
const MaxDepth = 1000

// maxIntDigits bounds the digits of an integer read from JSON (Python refuses more than 4300 too).
const maxIntDigits = 4300

// JSONOptions choose how MarshalJSON writes. The zero value writes as the reference does, Python's
// json.dumps(body, separators=(',', ':')): keys in order, every character outside printable ASCII as \uXXXX.
type JSONOptions struct {
	SortKeys bool // keys sorted (json.dumps(sort_keys=True))
	UTF8     bool // non-ASCII text written as UTF-8 (json.dumps(ensure_ascii=False))
}

// MarshalJSON writes v as the reference's json.dumps(v, separators=(',', ':')) does.
//
// Values: nil, bool, string, every Go integer type, float32/float64 (written as Python's repr: 1.0, 1e+16,
// NaN, Infinity), *big.Int, json.Number, *Map and Map (in order), map[string]any (keys sorted: a Go map has no
// order), []any; anything else (structs, typed slices and maps) goes through encoding/json first. []byte has
// no JSON form (as in Python) and is an error: send bytes in msgpack bodies.
func MarshalJSON(v any) ([]byte, error) { return JSONOptions{}.Marshal(v) }

// Marshal writes v with these options.
func (o JSONOptions) Marshal(v any) ([]byte, error) {
	return o.appendValue(nil, v, 0)
}

const hexDigits = "0123456789abcdef"

func (o JSONOptions) appendValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return nil, errors.New("lane: value nested deeper than 1000 levels")
	}
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		if x {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case string:
		return o.appendString(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case uint:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(b, x, 10), nil
	case float32:
		return append(b, FloatRepr(float64(x))...), nil
	case float64:
		return append(b, FloatRepr(x)...), nil
	case *big.Int:
		if x == nil {
			return append(b, "null"...), nil
		}
		return x.Append(b, 10), nil
	case json.Number:
		n, err := ParseJSON([]byte(x))
		if err != nil {
			return nil, fmt.Errorf("lane: bad json.Number %q", string(x))
		}
		return o.appendValue(b, n, depth)
	case []byte:
		return nil, errors.New("lane: bytes have no JSON form (use msgpack bodies for bytes)")
	case *Map:
		if x == nil {
			return append(b, "null"...), nil
		}
		keys := x.keys
		if o.SortKeys {
			keys = sortedKeys(x.vals)
		}
		return o.appendObject(b, keys, x.vals, depth)
	case Map:
		return o.appendValue(b, &x, depth)
	case map[string]any:
		return o.appendObject(b, sortedKeys(x), x, depth)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = o.appendValue(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case []string:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = o.appendString(b, e)
		}
		return append(b, ']'), nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Ptr && rv.IsNil() {
		return append(b, "null"...), nil
	}
	conv, err := viaEncodingJSON(v)
	if err != nil {
		return nil, fmt.Errorf("lane: cannot write %T: %w", v, err)
	}
	return o.appendValue(b, conv, depth)
}

func (o JSONOptions) appendObject(b []byte, keys []string, vals map[string]any, depth int) ([]byte, error) {
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = o.appendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = o.appendValue(b, vals[k], depth+1); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendString writes s as Python's json module does: short escapes for quote, backslash, \n \r \t \b \f;
// \u00XX for other control characters; with ensure_ascii (the default) every character outside 0x20..0x7e as
// \uXXXX in lowercase hex, astral characters as surrogate pairs. Invalid UTF-8 is written as U+FFFD.
func (o JSONOptions) appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s {
		switch r {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			switch {
			case r >= 0x20 && r < 0x7f:
				b = append(b, byte(r))
			case r < 0x20 || !o.UTF8:
				if r >= 0x10000 {
					hi, lo := utf16.EncodeRune(r)
					b = appendU(appendU(b, hi), lo)
				} else {
					b = appendU(b, r)
				}
			default:
				b = utf8.AppendRune(b, r)
			}
		}
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// FloatRepr spells f as Python's repr (and so its json module) does: the shortest decimal that reads back as f,
// in fixed notation with at least one fractional digit when its decimal exponent is from -4 to 15, else as
// d.ddde+XX; NaN, Infinity and -Infinity for the non-finite values.
func FloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	// 'e' with precision -1 gives the shortest digits that round-trip: d.ddddde±XX
	e := strconv.FormatFloat(f, 'e', -1, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	mant, expText := e, "0"
	for i := 0; i < len(e); i++ {
		if e[i] == 'e' {
			mant, expText = e[:i], e[i+1:]
			break
		}
	}
	exp, _ := strconv.Atoi(expText)
	digits := make([]byte, 0, len(mant))
	for i := 0; i < len(mant); i++ {
		if mant[i] != '.' {
			digits = append(digits, mant[i])
		}
	}
	var out []byte
	if neg {
		out = append(out, '-')
	}
	decpt := exp + 1 // position of the decimal point after the first digit
	if f == 0 {
		decpt = 1
	}
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			out = append(out, "0."...)
			for i := 0; i < -decpt; i++ {
				out = append(out, '0')
			}
			out = append(out, digits...)
		case decpt >= len(digits):
			out = append(out, digits...)
			for i := len(digits); i < decpt; i++ {
				out = append(out, '0')
			}
			out = append(out, ".0"...)
		default:
			out = append(out, digits[:decpt]...)
			out = append(out, '.')
			out = append(out, digits[decpt:]...)
		}
		return string(out)
	}
	out = append(out, digits[0])
	if len(digits) > 1 {
		out = append(out, '.')
		out = append(out, digits[1:]...)
	}
	x := decpt - 1
	out = append(out, 'e')
	if x < 0 {
		out = append(out, '-')
		x = -x
	} else {
		out = append(out, '+')
	}
	if x < 10 {
		out = append(out, '0')
	}
	out = strconv.AppendInt(out, int64(x), 10)
	return string(out)
}

// ParseJSON reads one JSON value as Python's json.loads does (NaN, Infinity and -Infinity included), keeping
// the order of object keys: objects become *Map, arrays []any, integers int64 (uint64 or *big.Int beyond),
// numbers with a fraction or exponent float64. The text must be UTF-8; a lone UTF-16 surrogate in a \u escape
// becomes U+FFFD. Nesting is limited to MaxDepth.
func ParseJSON(data []byte) (any, error) {
	p := jsonParser{data: data}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.fail("extra data")
	}
	return v, nil
}

type jsonParser struct {
	data []byte
	pos  int
}

func (p *jsonParser) fail(what string) error {
	return fmt.Errorf("lane: JSON: %s at offset %d", what, p.pos)
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) literal(word string) bool {
	if len(p.data)-p.pos >= len(word) && string(p.data[p.pos:p.pos+len(word)]) == word {
		p.pos += len(word)
		return true
	}
	return false
}

func (p *jsonParser) value(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, p.fail("nested deeper than 1000 levels")
	}
	if p.pos >= len(p.data) {
		return nil, p.fail("expecting value")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.str()
	case c == 'n' && p.literal("null"):
		return nil, nil
	case c == 't' && p.literal("true"):
		return true, nil
	case c == 'f' && p.literal("false"):
		return false, nil
	case c == 'N' && p.literal("NaN"):
		return math.NaN(), nil
	case c == 'I' && p.literal("Infinity"):
		return math.Inf(1), nil
	case c == '-' && p.literal("-Infinity"):
		return math.Inf(-1), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, p.fail("expecting value")
}

func (p *jsonParser) object(depth int) (any, error) {
	m := &Map{}
	if p.open('}') {
		return m, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("expecting property name in double quotes")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("expecting ':' delimiter")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m.Set(k.(string), v)
		if done, err := p.separator('}'); done || err != nil {
			return m, err
		}
	}
}

func (p *jsonParser) array(depth int) (any, error) {
	out := []any{}
	if p.open(']') {
		return out, nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if done, err := p.separator(']'); done || err != nil {
			return out, err
		}
	}
}

// open steps over the opening bracket and reports whether the container is empty (closing follows).
func (p *jsonParser) open(closing byte) bool {
	p.pos++
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == closing {
		p.pos++
		return true
	}
	return false
}

// separator reads what follows an element: a comma (more follow) or the closing bracket (done).
func (p *jsonParser) separator(closing byte) (bool, error) {
	p.skipSpace()
	if p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ',':
			p.pos++
			return false, nil
		case closing:
			p.pos++
			return true, nil
		}
	}
	return false, p.fail("expecting ',' delimiter")
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (p *jsonParser) str() (any, error) {
	p.pos++ // "
	start := p.pos
	// fast path: no escapes
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := p.data[start:p.pos]
			if !utf8.Valid(s) {
				return nil, p.fail("invalid UTF-8 in string")
			}
			p.pos++
			return string(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	buf := append([]byte(nil), p.data[start:p.pos]...)
	for {
		if p.pos >= len(p.data) {
			return nil, p.fail("unterminated string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			if !utf8.Valid(buf) {
				return nil, p.fail("invalid UTF-8 in string")
			}
			return string(buf), nil
		case c < 0x20:
			return nil, p.fail("invalid control character in string")
		case c != '\\':
			buf = append(buf, c)
			p.pos++
			continue
		}
		p.pos++ // backslash
		if p.pos >= len(p.data) {
			return nil, p.fail("unterminated string")
		}
		e := p.data[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			if len(p.data)-p.pos < 4 {
				return nil, p.fail("invalid \\uXXXX escape")
			}
			r, ok := hex4(p.data[p.pos : p.pos+4])
			if !ok {
				return nil, p.fail("invalid \\uXXXX escape")
			}
			p.pos += 4
			if utf16.IsSurrogate(r) {
				if r < 0xdc00 && len(p.data)-p.pos >= 6 && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
					if lo, ok := hex4(p.data[p.pos+2 : p.pos+6]); ok && lo >= 0xdc00 && lo <= 0xdfff {
						r = utf16.DecodeRune(r, lo)
						p.pos += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			p.pos--
			return nil, p.fail("invalid escape")
		}
	}
}

func (p *jsonParser) number() (any, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos >= len(p.data) {
		return nil, p.fail("expecting value")
	}
	if p.data[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return nil, p.fail("expecting value")
	}
	isFloat := false
	if p.pos+1 < len(p.data) && p.data[p.pos] == '.' && p.data[p.pos+1] >= '0' && p.data[p.pos+1] <= '9' {
		p.pos++
		digits()
		isFloat = true
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		save := p.pos
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.pos = save // as Python: the number ends before the 'e'
		} else {
			isFloat = true
		}
	}
	text := string(p.data[start:p.pos])
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, p.fail("bad number")
		}
		return f, nil // out of range: ±Inf or 0, as Python's float()
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return i, nil
	}
	if u, err := strconv.ParseUint(text, 10, 64); err == nil {
		return u, nil
	}
	if len(text) > maxIntDigits {
		return nil, p.fail("integer with more than 4300 digits")
	}
	n, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return nil, p.fail("bad number")
	}
	return n, nil
}

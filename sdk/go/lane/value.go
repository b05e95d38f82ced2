package lane

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Map is a mapping whose keys keep their insertion order, as a Python dict does. Bodies are Maps, and so is
// every mapping decoded from a body, so that a body read and written again gives the same bytes.
//
// The zero value is an empty map ready to use. A Map is not safe for concurrent writes.
type Map struct {
	keys []string
	vals map[string]any
}

// NewMap returns an empty Map.
func NewMap() *Map { return &Map{} }

// MapOf builds a Map from alternating keys and values: MapOf("a", 1, "b", 2). It panics when a key is not a
// string or a value is missing (a programming error, as with a bad composite literal).
func MapOf(kv ...any) *Map {
	if len(kv)%2 != 0 {
		panic("lane.MapOf: odd number of arguments")
	}
	m := &Map{}
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			panic(fmt.Sprintf("lane.MapOf: key %v is not a string", kv[i]))
		}
		m.Set(k, kv[i+1])
	}
	return m
}

// Len is the number of keys.
func (m *Map) Len() int {
	if m == nil {
		return 0
	}
	return len(m.keys)
}

// Keys returns the keys in insertion order (a copy).
func (m *Map) Keys() []string {
	if m == nil {
		return nil
	}
	return append([]string(nil), m.keys...)
}

// Get returns the value of key and whether it is present.
func (m *Map) Get(key string) (any, bool) {
	if m == nil || m.vals == nil {
		return nil, false
	}
	v, ok := m.vals[key]
	return v, ok
}

// Value returns the value of key, nil when absent.
func (m *Map) Value(key string) any {
	v, _ := m.Get(key)
	return v
}

// GetString returns the value of key when it is a string, else "".
func (m *Map) GetString(key string) string {
	s, _ := m.Value(key).(string)
	return s
}

// Has reports whether key is present.
func (m *Map) Has(key string) bool {
	_, ok := m.Get(key)
	return ok
}

// Set sets key to value; a new key goes last, an existing one keeps its place. It returns m.
func (m *Map) Set(key string, value any) *Map {
	if m.vals == nil {
		m.vals = make(map[string]any)
	}
	if _, ok := m.vals[key]; !ok {
		m.keys = append(m.keys, key)
	}
	m.vals[key] = value
	return m
}

// Delete removes key (nothing when absent).
func (m *Map) Delete(key string) {
	if m == nil || m.vals == nil {
		return
	}
	if _, ok := m.vals[key]; !ok {
		return
	}
	delete(m.vals, key)
	for i, k := range m.keys {
		if k == key {
			m.keys = append(m.keys[:i], m.keys[i+1:]...)
			break
		}
	}
}

// Range calls f for each key in order until f returns false.
func (m *Map) Range(f func(key string, value any) bool) {
	if m == nil {
		return
	}
	for _, k := range m.keys {
		if !f(k, m.vals[k]) {
			return
		}
	}
}

// Clone returns a shallow copy.
func (m *Map) Clone() *Map {
	c := &Map{}
	m.Range(func(k string, v any) bool {
		c.Set(k, v)
		return true
	})
	return c
}

// MarshalJSON writes the map in order (as the JSON body encoder does), so encoding/json keeps the order too.
func (m *Map) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	return MarshalJSON(m)
}

// UnmarshalJSON reads a JSON object keeping the order of its keys.
func (m *Map) UnmarshalJSON(data []byte) error {
	v, err := ParseJSON(data)
	if err != nil {
		return err
	}
	got, ok := v.(*Map)
	if !ok {
		return fmt.Errorf("lane: JSON value is not an object")
	}
	*m = *got
	return nil
}

// GoString shows the map in order, for %#v and test failures.
func (m *Map) GoString() string {
	b, err := JSONOptions{UTF8: true}.Marshal(m)
	if err != nil {
		return fmt.Sprintf("lane.Map(<%v>)", err)
	}
	return "lane.Map(" + string(b) + ")"
}

// Plain returns v with every *Map turned into a map[string]any (recursively, lists included), for code that
// wants Go's own types. The order of keys is lost.
func Plain(v any) any {
	switch x := v.(type) {
	case *Map:
		if x == nil {
			return nil
		}
		out := make(map[string]any, x.Len())
		x.Range(func(k string, e any) bool {
			out[k] = Plain(e)
			return true
		})
		return out
	case Map:
		return Plain(&x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e)
		}
		return out
	default:
		return v
	}
}

// sortedKeys returns the keys of a Go map with string keys, sorted (Go maps have no order; sorting makes the
// bytes repeatable).
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// viaEncodingJSON turns a value the encoders do not know (a struct, a typed slice or map, a json.Marshaler)
// into the body value model by writing it with encoding/json and reading it back in order.
func viaEncodingJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return ParseJSON(b)
}

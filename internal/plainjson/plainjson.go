// Package plainjson decodes a JSON document into the Go values
// encoding/json gives an `any` with UseNumber — map[string]any, []any,
// string, json.Number, bool, nil — without reflection, for documents whose
// texts need no unescaping. A request body is decoded once or twice per
// request; by reflection that was 7–10 % of a request's CPU and a large part
// of its allocations (docs/benchmarks.md). Anything else (an escape, invalid
// UTF-8, an invalid document, very deep nesting) is left to encoding/json:
// Decode says so and the caller decodes as before, so the answer is always
// encoding/json's (FuzzDecodeMatchesEncodingJSON holds the two equal).
package plainjson

import (
	"encoding/json"
	"unicode/utf8"
)

// maxDepth is how deep Decode follows nesting before leaving the document
// to encoding/json (whose own limit is 10,000).
const maxDepth = 256

// Decode returns the value of b, a whole document (one value, spaces
// around it), as encoding/json with UseNumber would decode it into an any.
// ok is false when it cannot tell (then encoding/json must decide, also
// whether b is valid at all).
func Decode(b []byte) (v any, ok bool) {
	d := decoder{b: b}
	i := d.ws(0)
	v, i, ok = d.value(i, 0)
	if !ok || d.ws(i) != len(b) {
		return nil, false
	}
	return v, true
}

type decoder struct{ b []byte }

func (d *decoder) ws(i int) int {
	for i < len(d.b) {
		switch d.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func (d *decoder) value(i, depth int) (any, int, bool) {
	if i >= len(d.b) {
		return nil, i, false
	}
	switch c := d.b[i]; {
	case c == '{':
		return d.object(i, depth+1)
	case c == '[':
		return d.array(i, depth+1)
	case c == '"':
		s, end, ok := d.str(i)
		return s, end, ok
	case c == '-' || ('0' <= c && c <= '9'):
		end, ok := d.number(i)
		if !ok {
			return nil, end, false
		}
		return json.Number(d.b[i:end]), end, true
	case c == 't':
		return true, i + 4, d.literal(i, "true")
	case c == 'f':
		return false, i + 5, d.literal(i, "false")
	case c == 'n':
		return nil, i + 4, d.literal(i, "null")
	}
	return nil, i, false
}

func (d *decoder) object(i, depth int) (any, int, bool) {
	if depth > maxDepth {
		return nil, i, false
	}
	m := map[string]any{}
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == '}' {
		return m, i + 1, true
	}
	for {
		if i >= len(d.b) || d.b[i] != '"' {
			return nil, i, false
		}
		k, end, ok := d.str(i)
		if !ok {
			return nil, end, false
		}
		i = d.ws(end)
		if i >= len(d.b) || d.b[i] != ':' {
			return nil, i, false
		}
		var v any
		if v, i, ok = d.value(d.ws(i+1), depth); !ok {
			return nil, i, false
		}
		m[k] = v // a repeated name: the last one wins, as in encoding/json
		i = d.ws(i)
		if i >= len(d.b) {
			return nil, i, false
		}
		switch d.b[i] {
		case '}':
			return m, i + 1, true
		case ',':
			i = d.ws(i + 1)
		default:
			return nil, i, false
		}
	}
}

func (d *decoder) array(i, depth int) (any, int, bool) {
	if depth > maxDepth {
		return nil, i, false
	}
	list := []any{} // encoding/json gives an empty list, never nil
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == ']' {
		return list, i + 1, true
	}
	for {
		v, end, ok := d.value(i, depth)
		if !ok {
			return nil, end, false
		}
		list = append(list, v)
		i = d.ws(end)
		if i >= len(d.b) {
			return nil, i, false
		}
		switch d.b[i] {
		case ']':
			return list, i + 1, true
		case ',':
			i = d.ws(i + 1)
		default:
			return nil, i, false
		}
	}
}

func (d *decoder) literal(i int, word string) bool {
	return len(d.b)-i >= len(word) && string(d.b[i:i+len(word)]) == word
}

// str reads the string at i ('"') when its text is its value: no escape,
// no control character, valid UTF-8 (encoding/json would replace a bad
// byte with U+FFFD).
func (d *decoder) str(i int) (string, int, bool) {
	ascii := true
	for j := i + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			text := d.b[i+1 : j]
			if !ascii && !utf8.Valid(text) {
				return "", j, false
			}
			return string(text), j + 1, true
		case c == '\\' || c < 0x20:
			return "", j, false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", len(d.b), false
}

// number reads a JSON number at i: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number(i int) (int, bool) {
	b := d.b
	digits := func(i int) int {
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(i)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

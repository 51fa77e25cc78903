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

	"github.com/mockpay/mockpay/internal/jsonscan"
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
	i := jsonscan.Space(d.b, 0)
	v, i, ok = d.value(i, 0)
	if !ok || jsonscan.Space(d.b, i) != len(b) {
		return nil, false
	}
	return v, true
}

type decoder struct{ b []byte }

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
		end, ok := jsonscan.Number(d.b, i)
		if !ok {
			return nil, end, false
		}
		return json.Number(d.b[i:end]), end, true
	case c == 't':
		end, ok := jsonscan.Literal(d.b, i, "true")
		return true, end, ok
	case c == 'f':
		end, ok := jsonscan.Literal(d.b, i, "false")
		return false, end, ok
	case c == 'n':
		end, ok := jsonscan.Literal(d.b, i, "null")
		return nil, end, ok
	}
	return nil, i, false
}

func (d *decoder) object(i, depth int) (any, int, bool) {
	if depth > maxDepth {
		return nil, i, false
	}
	m := map[string]any{}
	i = jsonscan.Space(d.b, i+1)
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
		i = jsonscan.Space(d.b, end)
		if i >= len(d.b) || d.b[i] != ':' {
			return nil, i, false
		}
		var v any
		if v, i, ok = d.value(jsonscan.Space(d.b, i+1), depth); !ok {
			return nil, i, false
		}
		m[k] = v // a repeated name: the last one wins, as in encoding/json
		i = jsonscan.Space(d.b, i)
		if i >= len(d.b) {
			return nil, i, false
		}
		switch d.b[i] {
		case '}':
			return m, i + 1, true
		case ',':
			i = jsonscan.Space(d.b, i+1)
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
	i = jsonscan.Space(d.b, i+1)
	if i < len(d.b) && d.b[i] == ']' {
		return list, i + 1, true
	}
	for {
		v, end, ok := d.value(i, depth)
		if !ok {
			return nil, end, false
		}
		list = append(list, v)
		i = jsonscan.Space(d.b, end)
		if i >= len(d.b) {
			return nil, i, false
		}
		switch d.b[i] {
		case ']':
			return list, i + 1, true
		case ',':
			i = jsonscan.Space(d.b, i+1)
		default:
			return nil, i, false
		}
	}
}

// str reads the string at i ('"') when its text is its value: no escape,
// valid UTF-8 (encoding/json would replace a bad byte with U+FFFD).
func (d *decoder) str(i int) (string, int, bool) {
	end, escaped, nonASCII, ok := jsonscan.String(d.b, i)
	if !ok || escaped {
		return "", end, false
	}
	text := d.b[i+1 : end-1]
	if nonASCII && !utf8.Valid(text) {
		return "", end, false
	}
	return string(text), end, true
}

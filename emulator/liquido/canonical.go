package liquido

import (
	"encoding/json"
	"slices"
)

// A request's decoded body (maps, lists, texts, json.Numbers) is encoded
// again twice per request: whole, for its fingerprint, and in parts kept as
// raw JSON (fields.raw). encoding/json walks a map[string]any by
// reflection, with an allocation for every key and value: a fifth of a card
// charge's allocations (docs/benchmarks.md). appendCanonical writes the
// same bytes as marshal for the values a decoded body holds, and says when
// it meets anything else (a text needing an escape, a number encoding/json
// would refuse), which marshal then encodes; FuzzCanonicalMatchesMarshal
// keeps the two equal.

// canonicalJSON is marshal(v), without reflection where it can.
func canonicalJSON(v any) ([]byte, error) { return canonicalInto(nil, v) }

// canonicalInto is canonicalJSON appended to buf, for a caller that does
// not keep the result (a fingerprint hashes it).
func canonicalInto(buf []byte, v any) ([]byte, error) {
	if b, ok := appendCanonical(buf, v); ok {
		return b, nil
	}
	return marshal(v)
}

// appendCanonical appends v as marshal encodes it; ok is false when only
// marshal can.
func appendCanonical(dst []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), true
	case bool:
		if x {
			return append(dst, "true"...), true
		}
		return append(dst, "false"...), true
	case string:
		return appendPlainString(dst, x)
	case json.Number:
		s := string(x)
		if s == "" {
			s = "0" // as encoding/json writes an empty Number
		}
		if !validNumber(s) {
			return dst, false
		}
		return append(dst, s...), true
	case []any:
		if x == nil {
			return append(dst, "null"...), true
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = appendCanonical(dst, e); !ok {
				return dst, false
			}
		}
		return append(dst, ']'), true
	case map[string]any:
		if x == nil {
			return append(dst, "null"...), true
		}
		var stack [16]string
		keys := stack[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // encoding/json sorts a map's keys by their bytes
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = appendPlainString(dst, k); !ok {
				return dst, false
			}
			dst = append(dst, ':')
			if dst, ok = appendCanonical(dst, x[k]); !ok {
				return dst, false
			}
		}
		return append(dst, '}'), true
	}
	return dst, false
}

// appendPlainString quotes s when no byte of it needs an escape or a check
// (printable ASCII but '"' and '\'); ok is false otherwise.
func appendPlainString(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return dst, false
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"'), true
}

// validNumber reports whether s is a JSON number literal.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}

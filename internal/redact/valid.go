package redact

import "bytes"

// validJSON reports what encoding/json's Valid reports, without its
// byte-at-a-time state machine: every body the journal stores is checked,
// and json.Valid was a third of redaction's CPU (docs/benchmarks.md).
// FuzzValidJSON holds the two equal. Like json.Valid it accepts invalid
// UTF-8 inside strings and refuses nesting deeper than 10,000.
func validJSON(b []byte) bool {
	v := validator{b: b}
	i, ok := v.value(v.ws(0), 0)
	return ok && v.ws(i) == len(b)
}

// maxNesting is encoding/json's limit on nesting.
const maxNesting = 10000

type validator struct{ b []byte }

func (v *validator) ws(i int) int {
	for i < len(v.b) {
		switch v.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func (v *validator) value(i, depth int) (int, bool) {
	if i >= len(v.b) {
		return i, false
	}
	switch c := v.b[i]; {
	case c == '{':
		return v.object(i, depth+1)
	case c == '[':
		return v.array(i, depth+1)
	case c == '"':
		return v.str(i)
	case c == '-' || isDigit(c):
		return v.number(i)
	case c == 't':
		return v.literal(i, "true")
	case c == 'f':
		return v.literal(i, "false")
	case c == 'n':
		return v.literal(i, "null")
	}
	return i, false
}

func (v *validator) object(i, depth int) (int, bool) {
	if depth > maxNesting {
		return i, false
	}
	i = v.ws(i + 1)
	if i < len(v.b) && v.b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(v.b) || v.b[i] != '"' {
			return i, false
		}
		end, ok := v.str(i)
		if !ok {
			return end, false
		}
		i = v.ws(end)
		if i >= len(v.b) || v.b[i] != ':' {
			return i, false
		}
		if i, ok = v.value(v.ws(i+1), depth); !ok {
			return i, false
		}
		i = v.ws(i)
		if i >= len(v.b) {
			return i, false
		}
		switch v.b[i] {
		case '}':
			return i + 1, true
		case ',':
			i = v.ws(i + 1)
		default:
			return i, false
		}
	}
}

func (v *validator) array(i, depth int) (int, bool) {
	if depth > maxNesting {
		return i, false
	}
	i = v.ws(i + 1)
	if i < len(v.b) && v.b[i] == ']' {
		return i + 1, true
	}
	for {
		end, ok := v.value(i, depth)
		if !ok {
			return end, false
		}
		i = v.ws(end)
		if i >= len(v.b) {
			return i, false
		}
		switch v.b[i] {
		case ']':
			return i + 1, true
		case ',':
			i = v.ws(i + 1)
		default:
			return i, false
		}
	}
}

func (v *validator) literal(i int, word string) (int, bool) {
	if len(v.b)-i < len(word) || string(v.b[i:i+len(word)]) != word {
		return i, false
	}
	return i + len(word), true
}

// str checks the string at i ('"') and returns its end.
func (v *validator) str(i int) (int, bool) {
	// Most strings hold no escape or control byte: find the closing quote
	// at memchr speed and check the bytes before it in one tight loop.
	if k := bytes.IndexByte(v.b[i+1:], '"'); k >= 0 && noEscapeOrControl(v.b[i+1:i+1+k]) {
		return i + 2 + k, true
	}
	for i++; i < len(v.b); i++ {
		switch c := v.b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i+1 >= len(v.b) {
				return i, false
			}
			switch v.b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+5 >= len(v.b) {
					return i, false
				}
				for _, h := range v.b[i+2 : i+6] {
					if !isDigit(h) && (h|0x20 < 'a' || h|0x20 > 'f') {
						return i, false
					}
				}
				i += 5
			default:
				return i, false
			}
		}
	}
	return i, false
}

// number checks a number at i: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (v *validator) number(i int) (int, bool) {
	b := v.b
	digits := func(i int) int {
		for i < len(b) && isDigit(b[i]) {
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

// noEscapeOrControl reports whether b holds neither a backslash nor a
// control byte.
func noEscapeOrControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == '\\' {
			return false
		}
	}
	return true
}

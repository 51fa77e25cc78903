package jsonscan

// Valid reports what encoding/json's Valid reports, without its
// byte-at-a-time state machine: every body the journal stores is checked,
// and json.Valid was a third of redaction's CPU (docs/benchmarks.md).
// FuzzValid holds the two equal. Like json.Valid it accepts invalid
// UTF-8 inside strings and refuses nesting deeper than 10,000.
func Valid(b []byte) bool {
	v := validator{b: b}
	i, ok := v.value(Space(v.b, 0), 0)
	return ok && Space(v.b, i) == len(b)
}

// maxNesting is encoding/json's limit on nesting.
const maxNesting = 10000

type validator struct{ b []byte }

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
		end, _, _, ok := String(v.b, i)
		return end, ok
	case c == '-' || isDigit(c):
		return Number(v.b, i)
	case c == 't':
		return Literal(v.b, i, "true")
	case c == 'f':
		return Literal(v.b, i, "false")
	case c == 'n':
		return Literal(v.b, i, "null")
	}
	return i, false
}

func (v *validator) object(i, depth int) (int, bool) {
	if depth > maxNesting {
		return i, false
	}
	i = Space(v.b, i+1)
	if i < len(v.b) && v.b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(v.b) || v.b[i] != '"' {
			return i, false
		}
		end, _, _, ok := String(v.b, i)
		if !ok {
			return end, false
		}
		i = Space(v.b, end)
		if i >= len(v.b) || v.b[i] != ':' {
			return i, false
		}
		if i, ok = v.value(Space(v.b, i+1), depth); !ok {
			return i, false
		}
		i = Space(v.b, i)
		if i >= len(v.b) {
			return i, false
		}
		switch v.b[i] {
		case '}':
			return i + 1, true
		case ',':
			i = Space(v.b, i+1)
		default:
			return i, false
		}
	}
}

func (v *validator) array(i, depth int) (int, bool) {
	if depth > maxNesting {
		return i, false
	}
	i = Space(v.b, i+1)
	if i < len(v.b) && v.b[i] == ']' {
		return i + 1, true
	}
	for {
		end, ok := v.value(i, depth)
		if !ok {
			return end, false
		}
		i = Space(v.b, end)
		if i >= len(v.b) {
			return i, false
		}
		switch v.b[i] {
		case ']':
			return i + 1, true
		case ',':
			i = Space(v.b, i+1)
		default:
			return i, false
		}
	}
}

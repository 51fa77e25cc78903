package redact

import "strings"

// withoutCVVFields removes CVV fields, at any depth, from a valid JSON
// document without decoding it into Go values: the members are copied as
// text, minus those named as a CVV. A document with a card and a CVV (every
// card charge) took the decode-and-re-encode path before, about 10–16% of
// the CPU of a charge (docs/benchmarks.md). It gives up (ok false) on what
// only the slow path handles: an escape in a field name, CVV-like text in a
// string value (Text rewrites it), credential fields. The caller has checked
// that s is valid JSON with no \u escape.
func withoutCVVFields(s string) (out string, ok bool) {
	var w strings.Builder
	w.Grow(len(s))
	p := cvvParser{s: s, w: &w}
	end, ok := p.value(p.ws(0))
	if !ok || p.ws(end) != len(s) {
		return "", false
	}
	return w.String(), true
}

// cvvParser walks a document known to be valid JSON.
type cvvParser struct {
	s string
	w *strings.Builder
}

func (p *cvvParser) ws(i int) int {
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t' || p.s[i] == '\n' || p.s[i] == '\r') {
		i++
	}
	return i
}

// str returns the end of the string starting at i (after its quote).
func (p *cvvParser) str(i int) int {
	for i++; i < len(p.s); i++ {
		switch p.s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(p.s)
}

// value writes the value at i, redacted, and returns its end.
func (p *cvvParser) value(i int) (int, bool) {
	if i >= len(p.s) {
		return i, false
	}
	switch p.s[i] {
	case '{':
		return p.object(i)
	case '[':
		return p.array(i)
	case '"':
		end := p.str(i)
		if mayHoldCVV(p.s[i:end]) {
			return end, false // Text would rewrite it: the slow path's job
		}
		p.w.WriteString(p.s[i:end])
		return end, true
	}
	end := i
	for end < len(p.s) && !strings.ContainsRune(",}] \t\n\r", rune(p.s[end])) {
		end++
	}
	p.w.WriteString(p.s[i:end])
	return end, true
}

func (p *cvvParser) object(i int) (int, bool) {
	p.w.WriteByte('{')
	i = p.ws(i + 1)
	first := true
	for i < len(p.s) && p.s[i] != '}' {
		kEnd := p.str(i)
		key := p.s[i+1 : kEnd-1]
		if strings.IndexByte(key, '\\') >= 0 {
			return i, false
		}
		drop := IsCVV(key)
		if !drop && mayHoldSecret(key) {
			return i, false
		}
		v := p.ws(p.ws(kEnd) + 1) // past the colon
		if drop {
			i = p.skip(v) // a CVV goes, whatever its value
		} else {
			if !first {
				p.w.WriteByte(',')
			}
			first = false
			p.w.WriteString(p.s[i:kEnd])
			p.w.WriteByte(':')
			end, ok := p.value(v)
			if !ok {
				return end, false
			}
			i = end
		}
		i = p.ws(i)
		if i < len(p.s) && p.s[i] == ',' {
			i = p.ws(i + 1)
		}
	}
	p.w.WriteByte('}')
	return i + 1, i < len(p.s)
}

func (p *cvvParser) array(i int) (int, bool) {
	p.w.WriteByte('[')
	i = p.ws(i + 1)
	first := true
	for i < len(p.s) && p.s[i] != ']' {
		if !first {
			p.w.WriteByte(',')
		}
		first = false
		end, ok := p.value(i)
		if !ok {
			return end, false
		}
		i = p.ws(end)
		if i < len(p.s) && p.s[i] == ',' {
			i = p.ws(i + 1)
		}
	}
	p.w.WriteByte(']')
	return i + 1, i < len(p.s)
}

// skip returns the end of the value at i, writing nothing.
func (p *cvvParser) skip(i int) int {
	if i >= len(p.s) {
		return i
	}
	switch p.s[i] {
	case '"':
		return p.str(i)
	case '{', '[':
		depth := 0
		for ; i < len(p.s); i++ {
			switch p.s[i] {
			case '"':
				i = p.str(i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(p.s) && !strings.ContainsRune(",}] \t\n\r", rune(p.s[i])) {
		i++
	}
	return i
}

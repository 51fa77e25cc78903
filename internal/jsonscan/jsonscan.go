// Package jsonscan holds the lexical pieces of JSON — spaces, strings,
// numbers, literals — that mockpay's hand-written scanners share (the
// reflection-free decoder in internal/plainjson, the journal's reference
// scan, the redactor's validator). Each reads b from i and answers where
// the piece ends, exactly as encoding/json would accept it; the callers
// walk objects and arrays their own way.
package jsonscan

import "bytes"

// Space returns the first index from i that is not JSON white space.
func Space(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// String reads the string whose quote is at b[i] and returns its end
// (after the closing quote); escaped says it holds an escape, nonASCII a
// byte of 0x80 or more (which the caller checks as UTF-8 if it must); ok
// is false when it is not a valid JSON string.
func String(b []byte, i int) (end int, escaped, nonASCII, ok bool) {
	// Most strings hold no escape, control or non-ASCII byte: find the
	// closing quote at memchr speed and check the bytes before it in one
	// tight loop; anything else is read byte by byte below.
	if k := bytes.IndexByte(b[i+1:], '"'); k >= 0 && plainASCII(b[i+1:i+1+k]) {
		return i + 2 + k, false, false, true
	}
	for i++; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, escaped, nonASCII, true
		case c < 0x20:
			return i, escaped, nonASCII, false
		case c >= 0x80:
			nonASCII = true
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return i, escaped, nonASCII, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+5 >= len(b) {
					return i, escaped, nonASCII, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return i, escaped, nonASCII, false
					}
				}
				i += 5
			default:
				return i, escaped, nonASCII, false
			}
		}
	}
	return i, escaped, nonASCII, false
}

// Number reads a JSON number at i and returns its end:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func Number(b []byte, i int) (int, bool) {
	digits := func(i int) int {
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		return i
	}
	if i < len(b) && b[i] == '-' {
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

// Literal reads word (true, false, null) at i and returns its end.
func Literal(b []byte, i int, word string) (int, bool) {
	if len(b)-i < len(word) || string(b[i:i+len(word)]) != word {
		return i, false
	}
	return i + len(word), true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') }

// plainASCII reports whether b holds only printable ASCII but the
// backslash (the quote is not in b).
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x80 || c == '\\' {
			return false
		}
	}
	return true
}

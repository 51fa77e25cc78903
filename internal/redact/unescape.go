package redact

import "strings"

// unescapeASCII replaces each \u00XX escape of a printable ASCII character
// other than '"' and '\' by that character: in text that is not JSON the
// escapes would hide a card's digits ("\u0034242…") or a CVV field's name
// ("\u0063vc") from the scanners. The text stays as readable as it was.
func unescapeASCII(s string) string {
	var b strings.Builder
	last := 0
	for i := strings.Index(s, `\u00`); i >= 0 && i+6 <= len(s); {
		c, ok := hexByte(s[i+4], s[i+5])
		if ok && c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && !escapedBackslash(s, i) {
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[last:i])
			b.WriteByte(c)
			last = i + 6
		}
		next := strings.Index(s[i+1:], `\u00`)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// escapedBackslash reports whether the backslash at i is itself escaped
// (an odd number of backslashes stands before it): "\\u0034" is a
// backslash and the text u0034, not a digit.
func escapedBackslash(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// hexByte is the byte two hex digits spell.
func hexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexDigit(hi)
	l, ok2 := hexDigit(lo)
	return h<<4 | l, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

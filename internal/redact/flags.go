package redact

import "strings"

// jsonFlags answers jsonText's three questions about a body in one pass
// instead of three (each a walk over every byte of every body the journal
// stores): plain is !mayHoldSecret(s) && no `\u` escape, and cvv is
// mayHoldCVV(s) — reported only when plain, the one case it is needed.
// FuzzJSONFlags holds it to the three functions.
func jsonFlags(s string) (plain, cvv bool) {
	has := func(i int, w string) bool { return i+len(w) <= len(s) && strings.EqualFold(s[i:i+len(w)], w) }
	for i := 0; i+1 < len(s); i++ {
		c, next := s[i]|0x20, s[i+1]|0x20
		switch {
		case s[i] == '\\' && s[i+1] == 'u':
			return false, false
		case c == 's' && next == 'e':
			if has(i, "secret") {
				return false, false
			}
			cvv = cvv || has(i, "security")
		case c == 'p' && next == 'r':
			if has(i, "private") {
				return false, false
			}
		case c == 'p' && next == 'a':
			if has(i, "password") {
				return false, false
			}
		case c == 'a' && next == 'p':
			if has(i, "api_key") || has(i, "apikey") {
				return false, false
			}
		case c == 'c' && next == 'v' && i+2 < len(s):
			if t := s[i+2] | 0x20; t == 'v' || t == 'c' {
				cvv = true
			}
		}
	}
	return true, cvv
}

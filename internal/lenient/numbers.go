package lenient

import "strings"

// LeadingZeros rewrites number literals with leading zeros (06, -007.5)
// into valid JSON, outside strings, and leaves everything else as it is:
// Liquido's own examples send "expirationMonth": 06 (reference §18.2).
func LeadingZeros(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString, escaped := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
			out = append(out, c)
			continue
		}
		if c != '-' && (c < '0' || c > '9') {
			out = append(out, c)
			continue
		}
		// A number token: sign, digits, fraction, exponent.
		j := i
		for j < len(b) && strings.IndexByte("+-0123456789.eE", b[j]) >= 0 {
			j++
		}
		tok := b[i:j]
		sign := []byte{}
		if tok[0] == '-' {
			sign, tok = tok[:1], tok[1:]
		}
		k := 0
		for k+1 < len(tok) && tok[k] == '0' && tok[k+1] >= '0' && tok[k+1] <= '9' {
			k++
		}
		out = append(out, sign...)
		out = append(out, tok[k:]...)
		i = j - 1
	}
	return out
}

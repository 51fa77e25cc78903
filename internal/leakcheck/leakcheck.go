// Package leakcheck finds card data left in stored text, for tests: a card
// number's digits with any separators or percent-encoding between them, a
// CVV as the whole value of any field, in the text itself, once
// percent-decoded, and inside any base64 run it holds (LiqPay's data).
package leakcheck

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// base64Run is a stretch of text that may be base64 in any alphabet.
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/_\-]{16,}={0,2}`)

// Find returns where card or cvv shows in text ("" when neither does).
func Find(text, card, cvv string) string {
	cardRE := CardPattern(card)
	cvvRE := regexp.MustCompile(`(?:"\s*:\s*"?|=|\\"\s*:\s*\\"?)` + regexp.QuoteMeta(cvv) + `(?:"|\\"|[,}&\s]|$)`)
	texts := []string{text}
	if u, err := url.QueryUnescape(text); err == nil {
		texts = append(texts, u)
	}
	for _, t := range append([]string(nil), texts...) {
		for _, run := range base64Run.FindAllString(t, -1) {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
				for _, r := range []string{run, strings.TrimRight(run, "=")} {
					// A run may start mid-quantum: try each offset.
					for off := 0; off < 4 && off < len(r); off++ {
						if b, err := enc.DecodeString(trimQuantum(r[off:], enc)); err == nil {
							texts = append(texts, string(b))
						}
					}
				}
			}
		}
	}
	for _, t := range texts {
		if m := cardRE.FindString(t); m != "" {
			return fmt.Sprintf("card %q in %.200q", m, t)
		}
		if cvv != "" {
			if m := cvvRE.FindString(t); m != "" {
				return fmt.Sprintf("cvv %q in %.200q", m, t)
			}
		}
	}
	return ""
}

// trimQuantum cuts s to whole 4-character groups for a padded alphabet.
func trimQuantum(s string, enc *base64.Encoding) string {
	if enc == base64.StdEncoding || enc == base64.URLEncoding {
		return s[:len(s)/4*4]
	}
	if len(s)%4 == 1 {
		return s[:len(s)-1]
	}
	return s
}

// CardPattern matches card's digits with any separators, escapes or
// percent-encoding between and of them.
func CardPattern(card string) *regexp.Regexp {
	var parts []string
	for _, d := range card {
		if d < '0' || d > '9' {
			continue
		}
		parts = append(parts, fmt.Sprintf(`(?:%c|%%3%c|\\u003%c)`, d, d, d))
	}
	return regexp.MustCompile(`(?i)` + strings.Join(parts, `(?:[\s+\-]|%20|%2B|%2D|%09|\\t|\\u0020|\\u002d)*`))
}

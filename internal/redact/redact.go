// Package redact keeps card data (and credentials) out of what mockpay stores and shows: card
// numbers are masked wherever they appear (a run of 13–19 digits, any runs
// of spaces, dashes, tabs or '+' allowed between them, that passes the Luhn
// check), and card
// verification codes are removed outright. It knows the field names the
// providers use for the CVV — LiqPay's card_cvv, Liquido's cvc — and common
// spellings besides, in JSON, in form bodies and in LiqPay's base64 data.
package redact

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mockpay/mockpay/internal/jsonscan"
	"github.com/mockpay/mockpay/internal/lenient"
)

// cvvFields are the names of card verification codes, lower-cased.
var cvvFields = map[string]bool{
	"card_cvv": true, "cvv": true, "cvv2": true, "cvc": true, "cvc2": true, "card_cvc": true,
	"securitycode": true, "security_code": true, "cardcvv": true, "cardcvc": true,
}

// secretFields hold credentials: kept only as "****" and their last four
// characters, enough to tell two apart.
var secretFields = map[string]bool{
	"client_secret": true, "clientsecret": true, "private_key": true, "password": true, "api_key": true, "apikey": true,
}

// IsSecret reports whether a field name holds a credential.
func IsSecret(name string) bool { return secretFields[strings.ToLower(name)] }

// IsCVV reports whether a field name holds a card verification code.
func IsCVV(name string) bool { return cvvFields[strings.ToLower(name)] }

// cvvRE is the fallback for text that does not parse (a truncated body): a
// CVV field with its value, in JSON or form spelling; a quoted value cut
// short (a body cut at the read limit) is removed to the end.
var cvvRE = regexp.MustCompile(`(?i)("?(?:card_cvv|card_cvc|cvv2?|cvc2?|security_?code|cardcv[vc])"?\s*[:=]\s*)("[^"]*"?|[^&,}\s"]*)`)

// Removed stands where a CVV was in text that could not be parsed.
const Removed = "[removed]"

// Text masks card numbers and removes CVV values in arbitrary text.
// The regular expressions run only on text that could match them: they
// were most of mockpay's CPU time per request (docs/benchmarks.md), and
// most bodies have neither a CVV field name nor a run of 13 digits.
func Text(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.Contains(s, `\u00`) {
		// Text that is not JSON (Liquido's "expirationMonth":06, a body cut
		// short) may still hide a digit or a CVV name behind an escape.
		s = unescapeASCII(s)
	}
	if mayHoldCVV(s) {
		s = cvvRE.ReplaceAllString(s, `${1}"`+Removed+`"`)
	}
	return maskPANs(s)
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// allDigits reports whether s is nothing but ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// A card number is found in a digit run: digit groups joined by any run of
// spaces, dashes, tabs and '+' ("4242 4242-4242  4242", "4242+4242+…" in a
// form), as long as the run goes: the emulators read a card number after
// dropping every space and dash, and a form's '+' is a space. A card
// is a stretch of whole groups with 13–19 digits that passes Luhn, so a
// digit string without separators is one group and is never cut: an id of
// 25 digits holds no "card". Where stretches overlap, the longer wins, then
// the leftmost. (This used to follow a regular expression that stopped
// after 19 digits, which could cut a card in two when separated digits
// stood before it: "0001000 00000000000000" left the 14-digit card whole.
// FuzzJSON found it.)

// isCardSeparator reports whether c may stand between the digit groups of
// one card number.
func isCardSeparator(c byte) bool { return c == ' ' || c == '-' || c == '+' || c == '\t' }

// digitGroup is one group of a digit run: s[from:to] is all digits.
type digitGroup struct{ from, to int }

// eachCard calls fn for every card number in s, left to right, with where
// it starts and ends and its masked text; it stops when fn answers false.
// When the digit run goes on past the card, the masked text hides the
// digits it would otherwise show on that side too (the first six, the last
// four), so they can't join the run's other digits into a new card.
func eachCard(s string, fn func(from, to int, masked string) bool) {
	var buf [8]digitGroup
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		groups, digits := buf[:0], 0
		for {
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			groups = append(groups, digitGroup{i, j})
			digits += j - i
			k := j
			for k < len(s) && isCardSeparator(s[k]) {
				k++
			}
			if k > j && k < len(s) && isDigit(s[k]) {
				i = k
				continue
			}
			i = j
			break
		}
		if digits >= 13 && !cardsInRun(s, groups, 0, len(groups), fn) {
			return
		}
	}
}

// cardsInRun finds the cards among groups[lo:hi] of one digit run (see
// eachCard); false means fn asked to stop.
func cardsInRun(s string, groups []digitGroup, lo, hi int, fn func(from, to int, masked string) bool) bool {
	for a := lo; a < hi; {
		b, n := longestCardAt(s, groups, a, hi)
		if n == 0 {
			a++
			continue
		}
		// A longer card starting inside this one wins; the groups it
		// skips may still hold a shorter card of their own.
		for c := a + 1; c <= b; c++ {
			if cb, cn := longestCardAt(s, groups, c, hi); cn > n {
				if !cardsInRun(s, groups, a, c, fn) {
					return false
				}
				a, b, n = c, cb, cn
			}
		}
		from, to := groups[a].from, groups[b].to
		m := maskPAN(s[from:to])
		if a > 0 {
			m = strings.Repeat("*", 6) + m[6:]
		}
		if b < len(groups)-1 {
			m = m[:len(m)-4] + "****"
		}
		if !fn(from, to, m) {
			return false
		}
		a = b + 1
	}
	return true
}

// longestCardAt is the longest card starting with groups[a] and ending
// before groups[hi]: the index of its last group and its digit count, or
// n 0 when there is none.
func longestCardAt(s string, groups []digitGroup, a, hi int) (b, n int) {
	digits := 0
	for z := a; z < hi; z++ {
		digits += groups[z].to - groups[z].from
		if digits > 19 {
			break
		}
		if digits >= 13 && luhnText(s[groups[a].from:groups[z].to]) {
			b, n = z, digits
		}
	}
	return b, n
}

// luhnText is the Luhn check of the digits of t, skipping separators.
func luhnText(t string) bool {
	sum, double := 0, false
	for i := len(t) - 1; i >= 0; i-- {
		if !isDigit(t[i]) {
			continue
		}
		n := int(t[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// maskPANs masks every card number in s (eachCard).
func maskPANs(s string) string {
	var b strings.Builder
	last := 0
	eachCard(s, func(from, to int, masked string) bool {
		b.WriteString(s[last:from])
		b.WriteString(masked)
		last = to
		return true
	})
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskPANsInStrings masks the card numbers of a JSON text that stand
// inside string literals; ok is false when one stands outside a string (a
// number), where masking the text would break the JSON.
func maskPANsInStrings(s string) (masked string, ok bool) {
	var b strings.Builder
	last, scanned, inString := 0, 0, false
	ok = true
	eachCard(s, func(start, end int, m string) bool {
		// Whether start is inside a string: count unescaped quotes up to
		// it. A digit run holds no quote, so the card is wholly in or out.
		for ; scanned < start; scanned++ {
			switch s[scanned] {
			case '\\':
				if inString {
					scanned++
				}
			case '"':
				inString = !inString
			}
		}
		if !inString {
			// A number: a card number only under a card field (the slow
			// path masks it there); a date or an id elsewhere stays. A
			// number whose key can't be told here (in a list, after a
			// sign) is the slow path's to judge: it passes the key on.
			key := keyBefore(s, start)
			ok = key != "" && !cardField(key)
			return ok
		}
		if b.Len() == 0 {
			b.Grow(len(s)) // one allocation, not a doubling series
		}
		b.WriteString(s[last:start])
		b.WriteString(m)
		last = end
		return true
	})
	if !ok {
		return "", false
	}
	if last == 0 {
		return s, true
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// keyBefore is the object key a JSON value starting at i belongs to, or ""
// (a value in a list, or text that is not "key": value).
func keyBefore(s string, i int) string {
	j := i - 1
	for j >= 0 && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
		j--
	}
	if j < 0 || s[j] != ':' {
		return ""
	}
	j--
	for j >= 0 && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
		j--
	}
	if j < 0 || s[j] != '"' {
		return ""
	}
	end := j
	for j--; j >= 0 && s[j] != '"'; j-- {
	}
	if j < 0 {
		return ""
	}
	return s[j+1 : end]
}

// hasPAN reports whether s holds a card number maskPANs would mask.
func hasPAN(s string) bool {
	found := false
	eachCard(s, func(int, int, string) bool {
		found = true
		return false
	})
	return found
}

// mayHoldCVV reports whether s contains, in any case, "cvv", "cvc" or
// "security": every field name cvvRE matches contains one of them.
func mayHoldCVV(s string) bool {
	for i := 0; i+3 <= len(s); i++ {
		switch s[i] | 0x20 {
		case 'c':
			if s[i+1]|0x20 == 'v' && (s[i+2]|0x20 == 'v' || s[i+2]|0x20 == 'c') {
				return true
			}
		case 's':
			if i+8 <= len(s) && strings.EqualFold(s[i:i+8], "security") {
				return true
			}
		}
	}
	return false
}

// mayHoldSecret reports whether s may name a credential field: every
// name in secretFields contains one of these, in any case.
// One pass over s (five containsFold passes were 3-4% of a LiqPay pay's
// CPU): each word is tried only where its first letter stands.
func mayHoldSecret(s string) bool {
	// Each word is tried only where its first two letters stand: an
	// equal-length EqualFold with an ASCII word holds only for ASCII
	// letters, so the second letter must match too (and 's', 'p', 'a'
	// alone start too many words of every body).
	has := func(i int, w string) bool { return i+len(w) <= len(s) && strings.EqualFold(s[i:i+len(w)], w) }
	for i := 0; i+1 < len(s); i++ {
		switch uint16(s[i]|0x20)<<8 | uint16(s[i+1]|0x20) {
		case 's'<<8 | 'e':
			if has(i, "secret") {
				return true
			}
		case 'p'<<8 | 'r':
			if has(i, "private") {
				return true
			}
		case 'p'<<8 | 'a':
			if has(i, "password") {
				return true
			}
		case 'a'<<8 | 'p':
			if has(i, "api_key") || has(i, "apikey") {
				return true
			}
		}
	}
	return false
}

// maskPAN keeps the first six and last four digits of a Luhn-valid number.
func maskPAN(m string) string {
	digits := make([]byte, 0, len(m))
	for i := 0; i < len(m); i++ {
		if m[i] >= '0' && m[i] <= '9' {
			digits = append(digits, m[i])
		}
	}
	if !luhnText(string(digits)) {
		return m
	}
	return string(digits[:6]) + strings.Repeat("*", len(digits)-10) + string(digits[len(digits)-4:])
}

// JSON removes CVV fields at any depth and masks card numbers in a JSON
// document (numbers with leading zeros read as Liquido reads them); text
// that is not JSON goes through Text. Card numbers are
// looked for in string values, and in numbers only under a card field: a
// date in epoch milliseconds passes Luhn one time in ten, and the answer must
// stay valid JSON with its dates intact. A document with no credential field
// name, no \u escape and no card number written as a number comes back as
// it is, minus its CVV fields and with card numbers masked in place; any other is decoded, redacted and
// re-encoded, keys sorted. (Decoding and re-encoding every document was most
// of the journal's cost per request: docs/benchmarks.md.)
func JSON(b []byte) []byte { return []byte(jsonText(b)) }

// jsonText is JSON as a string, which is what the journal stores: the body
// is copied once (each conversion between []byte and string copies it).
func jsonText(b []byte) string {
	if doc, ok := jsonDoc(b); ok {
		return doc
	}
	return Text(string(b))
}

// jsonDoc is JSON for a text that is a JSON document, or one once numbers
// with leading zeros are read as Liquido reads them; ok is false for any
// other text.
func jsonDoc(b []byte) (doc string, ok bool) {
	s := string(b)
	valid := jsonscan.Valid(b)
	if !valid {
		b = lenient.LeadingZeros(b)
		if !jsonscan.Valid(b) {
			return "", false
		}
	}
	// The fast paths keep the text as it is: invalid UTF-8 (which
	// jsonscan.Valid lets through, as json.Valid does) takes the slow path,
	// which writes U+FFFD instead.
	if plain, cvv := jsonFlags(s); valid && plain && utf8.ValidString(s) {
		doc, ok := s, true
		if cvv {
			// CVV fields are cut out of the text (withoutCVVFields), when
			// nothing else needs the slow path.
			doc, ok = withoutCVVFields(s)
		}
		// Card numbers inside strings are masked where they stand (the
		// string stays a string); a number is masked only under a card
		// field, which the slow path does.
		if ok {
			if masked, ok := maskPANsInStrings(doc); ok {
				return masked, true
			}
		}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		return "", false
	}
	out, err := json.Marshal(strip("", v))
	if err != nil {
		return "", false
	}
	return string(out), true
}

// strip redacts v, the value of field key ("" at the top and in lists).
func strip(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		// Keys are text too: a card number used as a key is masked, as
		// the fast paths mask it (review 4, finding 8). Renamed keys are
		// put back after the loop, which must not meet them again.
		var renamed map[string]any
		for k, e := range x {
			if IsCVV(k) {
				delete(x, k)
				continue
			}
			if str, ok := e.(string); ok && IsSecret(k) {
				e = Header(str)
			} else {
				e = strip(k, e)
			}
			if masked := Text(k); masked != k {
				if renamed == nil {
					renamed = map[string]any{}
				}
				renamed[masked] = e
				delete(x, k)
				continue
			}
			x[k] = e
		}
		for k, e := range renamed {
			x[k] = e
		}
	case []any:
		for i, e := range x {
			x[i] = strip(key, e)
		}
	case string:
		return Text(x)
	case json.Number:
		// A card number sent as a JSON number (LiqPay accepts "card":4242…)
		// becomes its masked string: still valid JSON, never the number.
		if cardField(key) {
			if m := x.String(); len(m) >= 13 && len(m) <= 19 && allDigits(m) {
				if masked := maskPAN(m); masked != m {
					return masked
				}
			}
		}
	}
	return v
}

// cardField tells the fields that may hold a card number as a JSON number.
func cardField(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "card") || k == "pan" || strings.Contains(k, "cardnumber")
}

// Header masks secrets in a header value: credentials keep their scheme
// and their last four characters, enough to tell two apart.
func Header(v string) string {
	scheme, rest, ok := strings.Cut(v, " ")
	if !ok {
		scheme, rest = "", v
	} else {
		scheme += " "
	}
	if len(rest) <= 8 {
		return scheme + "****"
	}
	return scheme + "****" + rest[len(rest)-4:]
}

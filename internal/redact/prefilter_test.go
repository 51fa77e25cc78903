package redact

import (
	"bytes"
	"encoding/json"
	"regexp"

	"github.com/google/go-cmp/cmp"
	"strings"
	"testing"
)

// The prefilters may say "maybe" wrongly but never "no" wrongly: for every
// text the regular expressions match, they must say true.
func TestPrefiltersNeverMissAMatch(t *testing.T) {
	texts := []string{
		`{"card_cvv":"123"}`, `CVV2=999`, `"Cvc": "12"`, `securityCode=1`, `SECURITY_CODE: 4`, `cardcvc=7`, `cardCVV=7`,
		`4242424242424242`, `4242 4242 4242 4242`, `4242-4242-4242-4242`, `x4111111111111x`, `1234567890123`,
		`card=4242+4242`, `42424242424242424242424242`, `4242424242424242 1234567890123 4111-1111-1111-1111`, `1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1`, `no digits here`, `123456789012`, `12 34`, `--1-2-3`, `cv`, `secu`,
	}
	for _, s := range texts {
		if cvvRE.MatchString(s) && !mayHoldCVV(s) {
			t.Errorf("mayHoldCVV(%q) = false, but cvvRE matches", s)
		}
		if got, want := maskPANs(s), regexMask(s); got != want {
			t.Errorf("maskPANs(%q) = %q, panRE gives %q", s, got, want)
		}
	}
	for _, s := range []string{`{"status":"success","order_id":"abc"}`, strings.Repeat("ab12", 100)} {
		if mayHoldCVV(s) || hasPAN(s) {
			t.Errorf("prefilters let %q through; it holds neither", s)
		}
	}
}

// regexMask is maskPANs by the regular expression: panRE's leftmost match
// from where the last card ended; the whole match if it passes Luhn, else
// the longest, then leftmost, stretch of its separated digit groups with 13
// or more digits that does; the last four masked too when the digit run
// goes on.
func regexMask(s string) string {
	var b strings.Builder
	last, at := 0, 0
	for at < len(s) {
		loc := panRE.FindStringIndex(s[at:])
		if loc == nil {
			break
		}
		start, end := at+loc[0], at+loc[1]
		cstart, cend, m := start, end, maskPAN(s[start:end])
		if m == s[start:end] {
			// The separated groups, by a second expression on the match.
			m = ""
			groups := regexp.MustCompile(`\d+`).FindAllStringIndex(s[start:end], -1)
			best := 0
			for a := range groups {
				for z := a; z < len(groups); z++ {
					from, to := start+groups[a][0], start+groups[z][1]
					n := len(regexp.MustCompile(`\d`).FindAllString(s[from:to], -1))
					if n < 13 || (a == 0 && z == len(groups)-1) || n <= best {
						continue
					}
					if p := maskPAN(s[from:to]); p != s[from:to] {
						cstart, cend, m, best = from, to, p, n
					}
				}
			}
		}
		if m == "" {
			at = end
			continue
		}
		b.WriteString(s[last:cstart])
		b.WriteString(hideTailIfRunGoesOn(s, cend, m))
		last, at = cend, cend
	}
	b.WriteString(s[last:])
	return b.String()
}

// mayHoldSecretByWord is mayHoldSecret as it was, one pass a word.
func mayHoldSecretByWord(s string) bool {
	for _, w := range []string{"secret", "private", "password", "api_key", "apikey"} {
		if containsFold(s, w) {
			return true
		}
	}
	return false
}

// containsFold is strings.Contains ignoring ASCII case; word is lower case.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 == word[0] && strings.EqualFold(s[i:i+len(word)], word) {
			return true
		}
	}
	return false
}

// FuzzPrefilters checks the same on any text.
func FuzzPrefilters(f *testing.F) {
	for _, s := range []string{`card_cvv=1`, `4242 4242 4242 4242`, `1-2-3-4-5-6-7-8-9-0-1-2-3`, `{"API_Key":1,"pAssword":2}`, `ſecret privatE`} {
		f.Add(s)
		f.Add(s + " 4111111111111111")
	}
	f.Fuzz(func(t *testing.T, s string) {
		if cvvRE.MatchString(s) && !mayHoldCVV(s) {
			t.Errorf("mayHoldCVV(%q) = false, but cvvRE matches", s)
		}
		if got, want := maskPANs(s), regexMask(s); got != want {
			t.Errorf("maskPANs(%q) = %q, panRE gives %q", s, got, want)
		}
		if got, want := mayHoldSecret(s), mayHoldSecretByWord(s); got != want {
			t.Errorf("mayHoldSecret(%q) = %v, one pass a word gives %v", s, got, want)
		}
	})
}

// A document JSON passes through unchanged holds nothing the slow path
// would have changed.
func TestJSONPassesThroughOnlyCleanDocuments(t *testing.T) {
	for _, doc := range []string{
		`{"status":"success","order_id":"o1","amount":1}`,
		`{"b":1,"a":{"card_cvv":"123"}}`,
		`{"card":"4242424242424242"}`,
		`{"client_secret":"abcdefghijkl"}`,
		`{"\u0063vv":"123"}`,
		`{"card":"\u00342424242424242"}`,
		`{"apiKey":"abcdefghijkl"}`,
	} {
		got := string(JSON([]byte(doc)))
		if strings.Contains(got, "123\"") && strings.Contains(doc, "vv") || strings.Contains(got, "4242424242424242") || strings.Contains(got, "abcdefghijkl") {
			t.Errorf("JSON(%s) = %s: something was left unredacted", doc, got)
		}
	}
	if got := string(JSON([]byte(`{"z":1,"a":2}`))); got != `{"z":1,"a":2}` {
		t.Errorf("a clean document came back changed: %s", got)
	}
}

// slowJSON is JSON without its fast path: decode, strip, re-encode.
func slowJSON(b []byte) []byte {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		return []byte(Text(string(b)))
	}
	out, err := json.Marshal(strip("", v))
	if err != nil {
		return []byte(Text(string(b)))
	}
	return out
}

// same reports whether two redactions hold the same JSON values. A card
// number written as a JSON number is no longer JSON once masked, on either
// path; such documents are not compared (both are checked for card
// numbers left).
func same(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(b, &vb) != nil {
		return true
	}
	if json.Unmarshal(a, &va) != nil {
		return false
	}
	return cmp.Equal(va, vb)
}

// FuzzJSONFastPathsMatchTheSlowPath: whatever the fast paths return holds
// the same values as decoding and re-encoding would.
func FuzzJSONFastPathsMatchTheSlowPath(f *testing.F) {
	for _, s := range []string{`{"a":"4242424242424242","b":1796021221595}`, `{"create_date":1796021221595846}`,
		`{"x":"4242 4242 4242 4242"}`, `[4242424242424242, "4111-1111-1111-1111"]`, `{"card_cvv":"1"}`, `not json 4242424242424242`,
		// CVV fields cut out of the text (withoutCVVFields).
		`{"cvv":{"a":[1,"}"]},"b":"4242424242424242"}`, ` { "a" : [ {"CVC":"1"} , 2 ] , "cvv" : 3 , "c":[] } `,
		`{"card":{"number":"4111111111111111","cvv":"123"},"note":"cvv 1"}`, `[{"securityCode":null},{"x":"cvc"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, want := JSON(b), slowJSON(b)
		// Text that is not one JSON document (trailing bytes the slow
		// path drops, say) is held to the card-number check only.
		if json.Valid(b) && !same(got, want) {
			t.Errorf("JSON(%s) = %s, the slow path gives %s", b, got, want)
		}
		if hasPAN(string(got)) && !hasPAN(string(want)) {
			t.Errorf("JSON(%s) = %s leaves a card number the slow path masks (%s)", b, got, want)
		}
	})
}

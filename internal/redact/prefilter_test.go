package redact

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/lenient"
)

// The prefilters may say "maybe" wrongly but never "no" wrongly: for every
// text the regular expression matches, they must say true; and card masking
// keeps its promises (checkMasking).
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
		checkMasking(t, s)
	}
	for _, s := range []string{`{"status":"success","order_id":"abc"}`, strings.Repeat("ab12", 100)} {
		if mayHoldCVV(s) || hasPAN(s) {
			t.Errorf("prefilters let %q through; it holds neither", s)
		}
	}
}

// runRE and groupRE find what eachCard calls a digit run and its groups.
var (
	runRE   = regexp.MustCompile(`[0-9]+(?:[ \t+-]+[0-9]+)*`)
	groupRE = regexp.MustCompile(`[0-9]+`)
)

// holdsCard reports, by brute force, whether any stretch of whole groups of
// a digit run in s has 13–19 digits and passes Luhn.
func holdsCard(s string) bool {
	for _, run := range runRE.FindAllString(s, -1) {
		groups := groupRE.FindAllString(run, -1)
		for a := range groups {
			digits := ""
			for z := a; z < len(groups); z++ {
				digits += groups[z]
				if len(digits) >= 13 && len(digits) <= 19 && luhnText(digits) {
					return true
				}
			}
		}
	}
	return false
}

// checkMasking states what maskPANs promises for any text.
func checkMasking(t *testing.T, s string) {
	t.Helper()
	out := maskPANs(s)
	if hasPAN(out) || holdsCard(out) {
		t.Errorf("maskPANs(%q) = %q still holds a card number", s, out)
	}
	if again := maskPANs(out); again != out {
		t.Errorf("maskPANs is not idempotent: %q, then %q", out, again)
	}
	if changed := out != s; changed != holdsCard(s) {
		t.Errorf("maskPANs(%q) = %q; changed %v, but a card is there: %v", s, out, changed, holdsCard(s))
	}
	if hasPAN(s) != holdsCard(s) {
		t.Errorf("hasPAN(%q) = %v, brute force says %v", s, hasPAN(s), holdsCard(s))
	}
	other := func(r rune) rune {
		if r >= '0' && r <= '9' || r == '*' || r == ' ' || r == '-' || r == '+' || r == '\t' {
			return -1
		}
		return r
	}
	if strings.Map(other, out) != strings.Map(other, s) {
		t.Errorf("maskPANs(%q) = %q changed more than card digits", s, out)
	}
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
	for _, s := range []string{`card_cvv=1`, `4242 4242 4242 4242`, `4242  4242--4242 -+4242`, "4242\t4242+4242 4242", `1-2-3-4-5-6-7-8-9-0-1-2-3`, `0001000 00000000000000`, `123456 4242424242424242 1`, `{"API_Key":1,"pAssword":2}`, `ſecret privatE`} {
		f.Add(s)
		f.Add(s + " 4111111111111111")
	}
	f.Fuzz(func(t *testing.T, s string) {
		if cvvRE.MatchString(s) && !mayHoldCVV(s) {
			t.Errorf("mayHoldCVV(%q) = false, but cvvRE matches", s)
		}
		checkMasking(t, s)
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

// slowJSON is JSON without its fast path: decode (numbers with leading
// zeros read as Liquido reads them), strip, re-encode.
func slowJSON(b []byte) []byte {
	if !json.Valid(b) {
		if fixed := lenient.LeadingZeros(b); json.Valid(fixed) {
			b = fixed
		}
	}
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
		`{"card":{"number":"4111111111111111","cvv":"123"},"note":"cvv 1"}`, `[{"securityCode":null},{"x":"cvc"}]`,
		// A number in a list under a card field (review 3, finding 7).
		`{"card":[4242424242424242]}`, `{"pan":  [1, 4242424242424242]}`,
		// Card numbers as keys (review 4, finding 8).
		`{"orderInfo":{"orderId":"o","4111 1111 1111 1111":"\u0041"}}`, `{"4111111111111111":{"a":1}}`,
		`{"4111111111111111":{"password":"x"}}`, `{"4242424242424242":"4242424242424242","card_cvv":"1"}`} {
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

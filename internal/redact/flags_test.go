package redact

import (
	"strings"
	"testing"
)

// mayHoldSecretByWords is how mayHoldSecret was written before it looked
// at two letters at once: the reference it must keep matching.
func mayHoldSecretByWords(s string) bool {
	has := func(i int, w string) bool { return i+len(w) <= len(s) && strings.EqualFold(s[i:i+len(w)], w) }
	for i := 0; i < len(s); i++ {
		switch s[i] | 0x20 {
		case 's':
			if has(i, "secret") {
				return true
			}
		case 'p':
			if has(i, "private") || has(i, "password") {
				return true
			}
		case 'a':
			if has(i, "api_key") || has(i, "apikey") {
				return true
			}
		}
	}
	return false
}

func FuzzMayHoldSecret(f *testing.F) {
	for _, s := range []string{"client_SECRET", "Private_key", "pAssword", "api_key", "APIKEY", "apikez", "ſecret", "api_\u212aey", "s", "p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := mayHoldSecret(s), mayHoldSecretByWords(s); got != want {
			t.Errorf("mayHoldSecret(%q) = %v, was %v", s, got, want)
		}
	})
}

func FuzzJSONFlags(f *testing.F) {
	for _, s := range []string{`{"card_cvv":"1"}`, `{"cvc":1}`, `{"Security_Code":1}`, `{"client_secret":"x"}`, `"\u0041"`, `{"a":"\\u"}`, "cv", "cvV", "securit", "ſecret", "api_\u212aey", `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		plain, cvv := jsonFlags(s)
		wantPlain := !mayHoldSecret(s) && !strings.Contains(s, `\u`)
		if plain != wantPlain || (plain && cvv != mayHoldCVV(s)) {
			t.Errorf("jsonFlags(%q) = %v, %v; want %v, %v", s, plain, cvv, wantPlain, mayHoldCVV(s))
		}
	})
}

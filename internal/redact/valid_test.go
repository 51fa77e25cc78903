package redact

import (
	"encoding/json"
	"strings"
	"testing"
)

var validSeeds = []string{
	`{"a":[1,-2.5e+3,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9"],"b":{}}`,
	`  [] `, `"s"`, `0`, `-0.0e-0`, `01`, `1.`, `.5`, `-`, `1e`, `+1`,
	`{"a":1,}`, `[1,]`, `{"a"}`, `{"a":}`, `{,}`, `tru`, `nul`, `falsey`,
	"\"\x01\"", "\"\xff\"", `"\x"`, `"\u12g4"`, `"\u12"`, `{"a":1}x`, `{"a":1} `, ``, ` `,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001),
}

func TestValidJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range validSeeds {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%.60q) = %v, json.Valid says %v", s, got, want)
		}
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range validSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}

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

package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzForm: whatever the form, what Form stores is valid UTF-8 and a form
// whose pairs all decode, with no CVV field, no card number in a value the
// way the emulators read it, and LiqPay's data as valid JSON.
func FuzzForm(f *testing.F) {
	pay := base64.StdEncoding.EncodeToString([]byte(`{"action":"pay","card":"4242424242424242","card_cvv":"123","amount":1}`))
	for _, s := range []string{
		url.Values{"data": {pay}, "signature": {"abc+/="}}.Encode(),
		"data=" + pay + "&signature=x", `data={"card":"4242 4242 4242 4242"}&signature=s`,
		"data=&signature=s", "data=%zz&signature=s", "data=a&signature=s;x", "x=;&data=" + pay,
		"card=4242+4242+4242+4242&exp=12%2F30&cvv=123", "cardNumber=4242%204242%2B4242-4242&cvc=1",
		"j=%7B%22card%22%3A4242424242424242%7D", "a=\xff&b=%ff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		form, data := Form(s)
		if !utf8.ValidString(form) {
			t.Fatalf("Form(%q) = %q: not UTF-8", s, form)
		}
		if data != nil && (!json.Valid(data) || !utf8.Valid(data)) {
			t.Fatalf("Form(%q) data %q: not UTF-8 JSON", s, data)
		}
		vals, err := url.ParseQuery(form)
		if err != nil {
			t.Fatalf("Form(%q) = %q does not parse: %v", s, form, err)
		}
		for k, vs := range vals {
			if IsCVV(k) {
				t.Errorf("Form(%q) = %q keeps the CVV field %q", s, form, k)
			}
			for _, v := range vs {
				// As the emulators read a card number: every space and dash gone.
				if strings.HasPrefix(strings.TrimSpace(v), "{") || strings.HasPrefix(strings.TrimSpace(v), "[") {
					continue // JSON: numbers outside card fields are kept
				}
				if hasPAN(v) {
					t.Errorf("Form(%q) = %q: value %q holds a card number", s, form, v)
				}
			}
		}
	})
}

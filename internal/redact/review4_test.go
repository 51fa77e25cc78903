package redact

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Review 4, finding 8: card numbers used as JSON object keys are masked
// on the slow path (a \u escape, a credential name) as on the fast path.
func TestJSONMasksKeys(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"fast path", `{"4111111111111111":{"a":1}}`, `{"411111******1111":{"a":1}}`},
		{"slow path: an escape", `{"orderInfo":{"orderId":"o","4111 1111 1111 1111":"\u0041"}}`,
			`{"orderInfo":{"411111******1111":"A","orderId":"o"}}`},
		{"slow path: a credential", `{"4111111111111111":{"password":"secret-1234"}}`,
			`{"411111******1111":{"password":"****1234"}}`},
		{"slow path: a number under the key", `{"\u0061":1,"4242424242424242":[4242424242424242]}`,
			`{"424242******4242":[4242424242424242],"a":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, string(JSON([]byte(tc.in)))); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// Review 4, finding 3: a CVV value cut short (no closing quote) is
// removed, in JSON or its escaped spelling.
func TestTextRemovesAnUnclosedCVV(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":"b","cvc":"731`, `{"a":"b","cvc":"[removed]"`},
		{`{"a":"b","\u0063vc":"\u0037\u0033`, `{"a":"b","cvc":"[removed]"`},
		{`{"cvc":"731","x":"y"}`, `{"cvc":"[removed]","x":"y"}`},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Review 4, finding 4: a JSON-looking body that a form reader reads as a
// form with a CVV under a percent-escaped name is stored as its form
// reading, without the CVV.
func TestBodyFormWithEscapedCVVName(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"c%76v", `{"a":"&c%76v=7319&card=4242424242424242&exp=12/30&"}`},
		{"%63vv", `{"a":"&%63vv=7319&x=1&"}`},
		{"card_c%76c", `{"a":"&card_c%76c=7319&"}`},
		{"a secret name", `{"a":"&pass%77ord=7319hunter2x&"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := Body("application/x-www-form-urlencoded", []byte(tc.body))
			if strings.Contains(got, "7319") {
				t.Errorf("Body(%q) = %q keeps the CVV or secret", tc.body, got)
			}
		})
	}
}

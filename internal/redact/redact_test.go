package redact

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"card 4242424242424242 ok", "card 424242******4242 ok"},
		{"4242 4242 4242 4242", "424242******4242"},
		{"4111-1111-1111-1111", "411111******1111"},
		// Any run of spaces, dashes, tabs and '+' joins groups: the
		// emulators drop every space and dash of a card number.
		{"4242  4242  4242  4242", "424242******4242"},
		{"4242--4242--4242--4242", "424242******4242"},
		{"4242 -4242- 4242 4242", "424242******4242"},
		{"card=4242+4242+4242+4242", "card=424242******4242"},
		{"order 1234567890123456", "order 1234567890123456"}, // not Luhn-valid: an id, not a card
		{"payment_id 2000000001", "payment_id 2000000001"},
		{"4242424242424242 7", "424242********** 7"},    // a card, then a digit: the tail hidden too
		{"1 4242 4242 4242 4242", "1 ************4242"}, // a digit, then a grouped card: its head hidden too
		// Separated digits before a card no longer push it past a 19-digit
		// window (FuzzJSON found the first).
		{"0001000 00000000000000", "0001000 **********0000"},
		{"order 123456 4242424242424242", "order 123456 ************4242"},
		{"123456 4242424242424242 1234567", "123456 **************** 1234567"},
		{"4242424242424242 4111111111111111", "424242********** ************1111"}, // two cards in one run
		{"12345678901234567890123 4242424242424242", "12345678901234567890123 ************4242"},
		{"1234567890123456789012345", "1234567890123456789012345"}, // one group past 19 digits: an id
		{`{"cvc":"123","x":1}`, `{"cvc":"[removed]","x":1}`},
		{`card_cvv=123&a=b`, `card_cvv="[removed]"&a=b`},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJSON(t *testing.T) {
	in := `{"paymentMethod":"CARD","card":{"cardNumber":"4111111111111111","cvc":"321","securityCode":"999"},"list":[{"CVV":"1"}],"amount":1000}`
	// CVV fields are cut out of the text: the other fields keep their order.
	want := `{"paymentMethod":"CARD","card":{"cardNumber":"411111******1111"},"list":[{}],"amount":1000}`
	if diff := cmp.Diff(want, string(JSON([]byte(in)))); diff != "" {
		t.Error(diff)
	}
	// Truncated JSON falls back to text redaction.
	got := string(JSON([]byte(`{"cardNumber":"4111111111111111","cvc":"321"`)))
	if strings.Contains(got, "321") || strings.Contains(got, "4111111111111111") {
		t.Errorf("truncated JSON kept card data: %s", got)
	}
}

func TestFormLiqPayData(t *testing.T) {
	data := base64.StdEncoding.EncodeToString([]byte(`{"action":"pay","card":"4242424242424242","card_cvv":"123","public_key":"k"}`))
	form, decoded := Form("data=" + data + "&signature=abc&card_cvv=555")
	if diff := cmp.Diff(`{"action":"pay","card":"424242******4242","public_key":"k"}`, string(decoded)); diff != "" {
		t.Error(diff)
	}
	if strings.Contains(form, "555") || strings.Contains(form, "card_cvv") || strings.Contains(form, data) {
		t.Errorf("form kept card data: %s", form)
	}
	raw, _ := Form(`data={"card":"4242424242424242","card_cvv":"123"}`)
	if strings.Contains(raw, "123") || strings.Contains(raw, "4242424242424242") {
		t.Errorf("raw JSON data kept card data: %s", raw)
	}
}

func TestHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Bearer eyJhbGciOiJIUzI1NiJ9.abc.defgh": "Bearer ****efgh",
		"sandbox-api-key":                       "****-key",
		"short":                                 "****",
	} {
		if got := Header(in); got != want {
			t.Errorf("Header(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecrets(t *testing.T) {
	form, _ := Form("grant_type=client_credentials&client_id=me&client_secret=sandbox-client-secret")
	if diff := cmp.Diff("client_id=me&client_secret=%2A%2A%2A%2Acret&grant_type=client_credentials", form); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(`{"private_key":"****_key"}`, string(JSON([]byte(`{"private_key":"sandbox_private_key"}`)))); diff != "" {
		t.Error(diff)
	}
}

// A date in epoch milliseconds that happens to pass Luhn stays a number; a
// card number sent as a JSON number becomes its masked string; the answer is
// valid JSON either way.
func TestJSONKeepsNumbersButCardFields(t *testing.T) {
	in := `{"create_date":1796020005547,"card":4242424242424242,"receiver_card":4111111111111111,"amount":12,"order_id":"4242424242424242"}`
	want := `{"amount":12,"card":"424242******4242","create_date":1796020005547,"order_id":"424242******4242","receiver_card":"411111******1111"}`
	got := JSON([]byte(in))
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Error(diff)
	}
	if !json.Valid(got) {
		t.Errorf("not JSON: %s", got)
	}
}

// standalonePAN is a run of 13–19 digits with no digit or mask on either side.
var standalonePAN = regexp.MustCompile(`(^|[^0-9*])([0-9]{13,19})([^0-9*]|$)`)

// Valid JSON in, valid JSON out, and no card number survives in a string.
func FuzzJSON(f *testing.F) {
	for _, seed := range []string{
		`{"card":"4242424242424242","card_cvv":"123"}`,
		`{"card":4242424242424242,"create_date":1796020005547}`,
		`[{"cardNumber":"4111 1111 1111 1111"},{"x":[1,2,"4000000000000002"]}]`,
		`"4242424242424242"`, `12345678901234567890`, `{"a":{"b":{"c":"cvv=123"}}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := JSON([]byte(in))
		if json.Valid([]byte(in)) && !json.Valid(out) {
			t.Fatalf("valid JSON in, invalid out:\n in: %s\nout: %s", in, out)
		}
		var v any
		if json.Unmarshal(out, &v) != nil {
			return
		}
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			case string:
				// A card number standing alone; digits that run on from a
				// masked one (a 32-digit string) are no card number.
				for _, m := range standalonePAN.FindAllStringSubmatch(x, -1) {
					if maskPAN(m[2]) != m[2] {
						t.Fatalf("a card number survived in %q (from %s)", x, in)
					}
				}
			}
		}
		walk(v)
	})
}

package redact

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/leakcheck"
)

// The findings of review 3: bodies the emulators accept, which the
// redactor read otherwise and stored with their card data.

const (
	leakCard = "4242424242424242"
	leakCVV  = "987"
)

// payJSON is LiqPay pay data with a card and a CVV; its description makes
// the standard and URL base64 alphabets differ.
const payJSON = `{"action":"pay","version":3,"public_key":"k","amount":1,"currency":"UAH","description":"???>>>~~~","order_id":"o1","card":"4242424242424242","card_exp_month":"12","card_exp_year":"30","card_cvv":"987"}`

func TestBodyRedactsAsTheEmulatorsRead(t *testing.T) {
	std := base64.StdEncoding.EncodeToString([]byte(payJSON))
	urlAlpha := base64.URLEncoding.EncodeToString([]byte(payJSON))
	if std == urlAlpha || !strings.ContainsAny(std, "+/") {
		t.Fatal("the test data does not tell the alphabets apart")
	}
	spaced := ""
	for i := 0; i < len(std); i += 10 {
		spaced += std[i:min(i+10, len(std))] + " \n"
	}
	form := func(data string) string { return "data=" + urlQueryEscape(data) + "&signature=sig" }
	liquido := `{"amount":100,"currency":"USD","paymentMethod":"CARD","card":{"cardHolderName":"A B","cardNumber":"4242424242424242","expirationMonth":"06","expirationYear":"2030","cvc":"987"}}`
	escaped := `{"amount":100,"currency":"USD","paymentMethod":"CARD","card":{"cardNumber":"\u0034242424242424242","expirationMonth":06,"expirationYear":2030,"\u0063vc":"987"}}`
	for _, tc := range []struct {
		name, ct, body string
		wantData       bool // LiqPay data decoded
	}{
		{"liqpay form, no content type", "", form(std), true},
		{"liqpay form as application/json", "application/json", form(std), true},
		{"liqpay form as text/plain", "text/plain", form(std), true},
		{"unpadded base64", "application/x-www-form-urlencoded", form(strings.TrimRight(std, "=")), true},
		{"URL alphabet", "application/x-www-form-urlencoded", form(urlAlpha), true},
		{"unpadded URL alphabet", "", form(strings.TrimRight(urlAlpha, "=")), true},
		{"base64 with spaces and line breaks", "", form(spaced), true},
		{"raw JSON data", "", form(payJSON), true},
		{"a bad pair after: x=;", "application/x-www-form-urlencoded", form(std) + "&x=;", true},
		{"a bad pair after: x=%zz", "application/x-www-form-urlencoded", form(std) + "&x=%zz", true},
		{"a bad pair before", "", "x=%zz&" + form(std), true},
		{"a text before the pairs", "", "hello world&" + form(std), true},
		{"double-spaced card in data", "", form(base64.StdEncoding.EncodeToString([]byte(strings.Replace(payJSON, leakCard, "4242  4242  4242  4242", 1)))), true},
		{"liquido JSON as a form", "application/x-www-form-urlencoded", liquido, false},
		{"liquido double spaces", "application/json", strings.Replace(liquido, leakCard, "4242  4242  4242  4242", 1), false},
		{"liquido double dashes", "application/json", strings.Replace(liquido, leakCard, "4242--4242--4242--4242", 1), false},
		{"liquido mixed separators", "application/json", strings.Replace(liquido, leakCard, "4242 -4242- 4242 4242", 1), false},
		{"liquido escapes and a leading zero", "application/json", escaped, false},
		{"liquido escapes, cut short", "application/json", escaped[:len(escaped)-3], false},
		{"checkout form, '+' separators", "application/x-www-form-urlencoded", "card=4242+4242+4242+4242&exp=12%2F30&cvv=987", false},
		{"checkout form, no content type", "", "card=4242+4242+4242+4242&exp=12%2F30&cvv=987", false},
		{"checkout form, encoded digits", "", "card=%342%342%2B4242+4242+4242&cvv=987&x=%zz", false},
		{"payment link page form", "application/x-www-form-urlencoded", "method=CREDIT_CARD&cardNumber=4242+4242+4242+4242&cardHolderName=A+B&expirationMonth=06&expirationYear=2030&cvc=987", false},
		{"CVV under a ';' name", "", "card=1&cvv;x=987", false},
		// Valid JSON that LiqPay, or a hosted page, reads as a form.
		{"LiqPay data inside a JSON string", "", `{"x":"&` + form(std) + `&"}`, true},
		{"encoded card inside a JSON string", "application/x-www-form-urlencoded", `{"x":"&card=%342%342%2B4242+4242+4242&"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, data := Body(tc.ct, []byte(tc.body))
			if leak := leakcheck.Find(body, leakCard, leakCVV); leak != "" {
				t.Errorf("body %q: %s", body, leak)
			}
			if leak := leakcheck.Find(string(data), leakCard, leakCVV); leak != "" {
				t.Errorf("data %s: %s", data, leak)
			}
			if tc.wantData && !json.Valid(data) {
				t.Errorf("no LiqPay data decoded from %q: %q", tc.body, data)
			}
			if !utf8.ValidString(body) {
				t.Errorf("body is not UTF-8: %q", body)
			}
		})
	}
}

func urlQueryEscape(s string) string {
	r := strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D", "&", "%26", " ", "+", "\n", "%0A", `"`, "%22", "{", "%7B", "}", "%7D")
	return r.Replace(s)
}

func TestFormPairByPair(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"card=4242+4242+4242+4242&exp=12%2F30&cvv=123", "card=424242%2A%2A%2A%2A%2A%2A4242&exp=12%2F30"},
		{"b=2&a=1&x=%zz", "a=1&b=2&x=%25zz"}, // keys sorted; a bad escape kept as text
		{"a=1&x=;&b=a+b", "a=1&b=a+b&x=%3B"},
		{"note=hello+world", "note=hello+world"},
		{`j={"cardNumber":"4242424242424242","cvc":"1"}`, "j=%7B%22cardNumber%22%3A%22424242%2A%2A%2A%2A%2A%2A4242%22%7D"},
		{"data=%25%25%25&signature=s", "data=" + urlQueryEscapeMarker() + "&signature=s"},
	} {
		got, _ := Form(tc.in)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Form(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func urlQueryEscapeMarker() string {
	return strings.NewReplacer("[", "%5B", "]", "%5D", ":", "%3A", " ", "+").Replace(NotDecodable)
}

func TestTextSeparatorsAndEscapes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"4242  4242  4242  4242", "424242******4242"},
		{"4242--4242--4242--4242", "424242******4242"},
		{"4242 -4242- 4242 4242", "424242******4242"},
		{"4242+4242+4242+4242", "424242******4242"},
		{"4242\t4242 \t 4242 4242", "424242******4242"},
		{`"cardNumber":"\u0034242424242424242","\u0063vc":"987"`, `"cardNumber":"424242******4242","cvc":"[removed]"`},
		{`"\u0022" \\u0034 \u005c`, `"\u0022" \\u0034 \u005c`}, // a quote, an escaped backslash, a backslash: kept
		{"bad \xff byte", "bad \uFFFD byte"},
		{"2026-11-30 09:09:42", "2026-11-30 09:09:42"},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJSONLeniencyAndUTF8(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Liquido reads 06 as 6: the document is redacted as JSON.
		{`{"cardNumber":"\u0034242424242424242","expirationMonth":06,"\u0063vc":"987"}`, `{"cardNumber":"424242******4242","expirationMonth":6}`},
		{"{\"description\":\"\xff\"}", `{"description":"` + "\uFFFD" + `"}`},
		{`{"card":[4242424242424242]}`, `{"card":["424242******4242"]}`},
		{`{"pan":  [1, 4242424242424242]}`, `{"pan":[1,"424242******4242"]}`},
		{`{"dates":[1796020005547]}`, `{"dates":[1796020005547]}`}, // not a card field: a date stays
	} {
		got := string(JSON([]byte(tc.in)))
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("JSON(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestLiqPayDataUndecodable(t *testing.T) {
	for _, data := range []string{"%%%", "eyJ%zz", "a"} {
		form, doc := Form("data=" + data + "&signature=s")
		if !strings.Contains(form, "removed") || doc != nil {
			t.Errorf("Form(data=%s) = %q, %s: want the data replaced", data, form, doc)
		}
	}
	// A data with invalid UTF-8 in it comes out as valid UTF-8 JSON.
	raw := base64.StdEncoding.EncodeToString([]byte("{\"action\":\"status\",\"description\":\"\xff\"}"))
	form, doc := Form("data=" + urlQueryEscape(raw) + "&signature=s")
	if !utf8.Valid(doc) || !json.Valid(doc) || !utf8.ValidString(form) {
		t.Errorf("Form gave %q, %q", form, doc)
	}
}

// LiqPay data cut short (a body past what the journal reads) is no JSON
// any more: whatever is left of it is redacted as text, or dropped.
func TestLiqPayDataCutShort(t *testing.T) {
	data := base64.StdEncoding.EncodeToString([]byte(payJSON + strings.Repeat(" ", 64)))
	for cut := len(data) - 80; cut < len(data)-60; cut++ {
		form, doc := Form("data=" + data[:cut])
		if leak := leakcheck.Find(form, leakCard, leakCVV); leak != "" {
			t.Errorf("data cut at %d: %q: %s", cut, form, leak)
		}
		if doc != nil {
			t.Errorf("data cut at %d gave JSON %s", cut, doc)
		}
	}
}

package journal

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/internal/leakcheck"
)

// Review 4: card numbers and CVVs that reached the journal by ways other
// than the request body: refs and the path (finding 6), headers (5), and a
// body cut at the read limit (3).
func TestRecorderReview4(t *testing.T) {
	const pan, cvv = "4242424242424242", "7319"
	data := base64.StdEncoding.EncodeToString([]byte(`{"action":"pay","card":"` + pan + `","card_cvv":"` + cvv + `"}`))
	// A JSON body sized so that the read limit falls inside the card
	// number or the CVV, its description of \u escapes shrinking six to
	// one once unescaped (so the text is never cut at the store cap).
	atLimit := func(tail, field string) string {
		head := `{"description":"`
		pad := strings.Repeat(`\u0061`, (peekCap-len(head)-100)/6)
		body := head + pad + `",` + field + tail
		// Move the limit to 13 bytes into the value (past 12 digits).
		cut := strings.Index(body, field) + len(field) + 13
		pad = strings.Repeat("a", peekCap-cut) + pad
		return head + pad + `",` + field + tail
	}
	for _, tc := range []struct {
		name, path, body string
		header           http.Header
		ref              string // Filter.Ref, in clear, that must find the entry
	}{
		{name: "a card in the idempotency key (refs)", path: "/v1/payments/charges/card",
			body: `{"idempotencyKey":"lq2-` + pan + `","amount":1}`, ref: "lq2-" + pan},
		{name: "a card in the order id (refs)", path: "/api/request",
			body: `{"order_id":"o-` + pan + `"}`, ref: "o-" + pan},
		{name: "a card in the path", path: "/v1/payments/" + pan + "?x=" + pan},
		{name: "a card and a CVV in the Referer", path: "/api/checkout",
			header: http.Header{"Referer": {"http://h/pay?card=" + pan + "&cvv=" + cvv}}},
		{name: "LiqPay data in the Referer", path: "/api/checkout",
			header: http.Header{"Referer": {"http://h/api/3/checkout?data=" + data + "&signature=s"}}},
		{name: "a card in a header", path: "/api/checkout", header: http.Header{"X-Card": {"4242 4242 4242 4242"}}},
		{name: "a header named like a CVV", path: "/api/checkout", header: http.Header{"Cvv": {cvv}, "X-Card-Cvv": {cvv}}},
		// Review 5: a cookie was taken for an auth scheme and its first
		// one kept whole; a URL in another header kept LiqPay's data.
		{name: "a card and a CVV in cookies", path: "/api/checkout",
			header: http.Header{"Cookie": {"cvv=" + cvv + "; card=" + pan + "; session=abcdefghijkl"}}},
		{name: "LiqPay data in a URL of another header", path: "/api/checkout",
			header: http.Header{"X-Original-Url": {"http://h/api/3/checkout?data=" + data + "&signature=s"}}},
		{name: "the read limit inside the card number", path: "/v1/payments/charges/card",
			body: atLimit(`"`+pan+`","cvc":"`+cvv+`"}`, `"cardNumber":`)},
		{name: "the read limit inside the CVV", path: "/v1/payments/charges/card",
			body: atLimit(`"`+cvv+`1234567890"}`, `"cvc":`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := New(0)
			srv := server(t, j)
			method := http.MethodPost
			if tc.body == "" {
				method = http.MethodGet
			}
			req, _ := http.NewRequest(method, srv.URL+tc.path, strings.NewReader(tc.body))
			for k, vs := range tc.header {
				req.Header[k] = vs
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			all, _ := j.List(Filter{}, 0, 1)
			if len(all) != 1 {
				t.Fatalf("%d entries, want 1", len(all))
			}
			stored, err := json.Marshal(all[0])
			if err != nil {
				t.Fatal(err)
			}
			if leak := leakcheck.Find(string(stored), pan, cvv); leak != "" {
				t.Errorf("the entry: %s", leak)
			}
			// A card or CVV cut short still shows most of its digits.
			if strings.Contains(string(stored), cvv[:3]) || strings.Contains(string(stored), pan[:12]) {
				t.Errorf("the entry holds %q or %q: %s", cvv[:3], pan[:12], stored[:min(len(stored), 400)])
			}
			if tc.ref != "" {
				if got, _ := j.List(Filter{Ref: tc.ref}, 0, 10); len(got) != 1 {
					t.Errorf("Filter{Ref: %q} finds %d entries, want 1 (refs %q)", tc.ref, len(got), all[0].Refs)
				}
			}
		})
	}
}

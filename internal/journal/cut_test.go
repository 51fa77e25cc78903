package journal

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mockpay/mockpay/internal/leakcheck"
)

// A body past the store cap is redacted whole, then cut: cut first, the
// base64 of LiqPay's data no longer decodes and a JSON body is no longer
// JSON, and their card data went on to be stored (review 3).
func TestRecorderRedactsBeforeCutting(t *testing.T) {
	pad := strings.Repeat("p", storeCap+4096)
	payJSON := `{"action":"pay","order_id":"o1","card":"4242424242424242","card_cvv":"987","info":"` + pad + `"}`
	data := base64.StdEncoding.EncodeToString([]byte(payJSON))
	escaped := `{"card":{"cardNumber":"\u0034242424242424242","expirationMonth":06,"\u0063vc":"987"},"pad":"` + pad + `"}`
	for _, tc := range []struct{ name, path, contentType, body string }{
		{"LiqPay form", "/api/request", "application/x-www-form-urlencoded", url.Values{"data": {data}, "signature": {"s"}}.Encode()},
		{"LiqPay form, no content type", "/api/request", "", "data=" + data + "&signature=s"},
		{"Liquido JSON, escaped, a leading zero", "/v1/payments/charges/card", "application/json", escaped},
		{"Liquido JSON past what is read", "/v1/payments/charges/card", "application/json", strings.Replace(escaped, pad, pad+pad+pad+pad, 1)},
		{"multi-byte text at the cut", "/v1/payments/charges/card", "text/plain", "x" + strings.Repeat("é", storeCap)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := New(0)
			srv := server(t, j)
			req, _ := http.NewRequest(http.MethodPost, srv.URL+tc.path, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.ReadAll(resp.Body) // to its end: the entry is added before the answer ends
			resp.Body.Close()
			all, _ := j.List(Filter{}, 0, 1)
			e := all[0]
			if !e.RequestTruncated || len(e.RequestBody) > storeCap || !utf8.ValidString(e.RequestBody) {
				t.Errorf("truncated %v, %d bytes, UTF-8 %v", e.RequestTruncated, len(e.RequestBody), utf8.ValidString(e.RequestBody))
			}
			if leak := leakcheck.Find(e.RequestBody, "4242424242424242", "987"); leak != "" {
				t.Errorf("request body: %s", leak)
			}
		})
	}
}

package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// A card number sent as a JSON number, which LiqPay accepts, is masked
// where it sits; the journal and the bundle stay valid JSON, and the
// answers' dates (epoch milliseconds, some of which pass Luhn) stay dates.
func TestJournalAndBundleSurviveACardSentAsANumber(t *testing.T) {
	t.Parallel()
	m := start(t)
	p := payParams(orderID(t), "4242424242424242")
	p["card"] = json.Number("4242424242424242")
	if resp := m.do(t, p); resp["status"] != "success" {
		t.Fatalf("pay with a numeric card: %v", resp)
	}
	for i := 0; i < 12; i++ { // enough answers that some date passes Luhn
		m.do(t, payParams(orderID(t), "4242424242424242"))
	}
	for _, path := range []string{"/_mockpay/journal?limit=500&merchant=" + publicKey, "/_mockpay/bundle?merchant=" + publicKey} {
		resp, err := httpClient.Get(m.base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !json.Valid(body) {
			t.Fatalf("GET %s: HTTP %d, %d bytes, valid JSON %v", path, resp.StatusCode, len(body), json.Valid(body))
		}
		if strings.Contains(string(body), "4242424242424242") {
			t.Errorf("GET %s shows the card number", path)
		}
		if strings.Contains(string(body), `_date":`) && strings.Contains(string(body), `***`) {
			for _, line := range strings.Split(string(body), ",") {
				if strings.Contains(line, `_date\":`) && strings.Contains(line, "*") {
					t.Errorf("GET %s: a date was masked: %s", path, line)
				}
			}
		}
	}
}

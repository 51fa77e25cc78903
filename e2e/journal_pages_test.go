package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// Requests to hosted pages carry no merchant key, yet the journal files
// them under the merchant whose page it is, as it does requests to every
// provider path (LiqPay's /apipay/ pages, Liquido's /v2/ cashier API).
func TestJournalFilesPagesUnderTheirMerchant(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := s.mockpay

	// A LiqPay checkout page and an invoice page, each opened once.
	page := m.openCheckout(t, map[string]any{"public_key": publicKey, "version": 3, "action": "pay",
		"amount": "5", "currency": "UAH", "description": "journal", "order_id": orderID(t)})
	if resp, err := httpClient.Get(page); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("checkout page: %v %v", resp, err)
	}
	inv := m.do(t, map[string]any{"version": 3, "action": "invoice_send", "amount": "5", "currency": "UAH",
		"description": "journal", "order_id": orderID(t), "email": "buyer@example.com"})
	href, _ := inv["href"].(string)
	if resp, err := httpClient.Get(href); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("invoice page %q: %v %v", href, resp, err)
	}
	// A Liquido payment link, made through the v2 cashier API.
	s.lqCreateLink(t, lqDefault, lqLinkBody(orderID(t), 1000, "", "CREDIT_CARD"))

	paths := func(merchant string) map[string]bool {
		t.Helper()
		code, body := m.send(t, http.MethodGet, "/_mockpay/journal?limit=500&merchant="+url.QueryEscape(merchant), "", "")
		if code != http.StatusOK {
			t.Fatalf("journal: HTTP %d %v", code, body)
		}
		raw, _ := json.Marshal(body["entries"])
		var entries []struct {
			Path string `json:"path"`
		}
		if err := json.Unmarshal(raw, &entries); err != nil {
			t.Fatalf("journal entries: %v", err)
		}
		out := map[string]bool{}
		for _, e := range entries {
			out[e.Path] = true
		}
		return out
	}
	lp, lq := paths(publicKey), paths(lqDefault.id)
	hrefURL, _ := url.Parse(href)
	pageURL, _ := url.Parse(page)
	for _, want := range []struct {
		name string
		in   map[string]bool
		path string
	}{
		{"checkout page", lp, pageURL.Path},
		{"invoice page", lp, hrefURL.Path},
		{"payment link creation", lq, "/v2/cashier/payment-link/"},
	} {
		if !want.in[want.path] {
			t.Errorf("%s %s is not in its merchant's journal", want.name, want.path)
		}
	}
}

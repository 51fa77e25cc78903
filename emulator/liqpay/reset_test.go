package liqpay

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/config"
)

// checkoutForm posts a signed hosted checkout form and returns the page's
// path (the session), which the 302 names.
func (b *testbed) checkoutForm(r http.Handler, params map[string]any) string {
	b.t.Helper()
	params["public_key"] = config.DefaultLiqPayPublicKey
	params["version"] = 3
	raw, _ := json.Marshal(params)
	data := base64.StdEncoding.EncodeToString(raw)
	form := url.Values{"data": {data}, "signature": {Sign(SHA1, config.DefaultLiqPayPrivateKey, data)}}
	req := httptest.NewRequest(http.MethodPost, "/api/3/checkout", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != http.StatusFound {
		b.t.Fatalf("checkout: HTTP %d %s", w.Code, w.Body)
	}
	u, _ := url.Parse(w.Header().Get("Location"))
	return u.Path
}

func get(r http.Handler, path string) int {
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w.Code
}

// A reset forgets every kind of state a shop holds and stops every timer
// its payments armed: after it, no page of the shop opens, the clock has
// nothing pending, and a year on the clock charges nothing and sends no
// callback.
func TestResetMerchantStopsEveryTimerAndPage(t *testing.T) {
	tb := newTestbed(t, `version: 1
provider: liqpay
scenarios:
  - name: later
    match: {order_id: then-1}
    outcome: {status: processing, then: [{after: 1h, status: success}]}
`)
	r := mux.NewRouter()
	tb.s.Routes(r)
	lcDate := testStart.Add(72 * time.Hour).Format(time.DateTime)
	expires := testStart.Add(24 * time.Hour).Format(time.DateTime)
	for _, p := range []map[string]any{
		payRequest("sub-1", "4242424242424242", "action", "subscribe", "subscribe", "1",
			"subscribe_date_start", "2027-01-31 10:00:00", "subscribe_periodicity", "month"),
		payRequest("hold-1", "4242424242424242", "action", "hold"),
		payRequest("lc-1", "4242424242424242", "letter_of_credit", "1", "letter_of_credit_date", lcDate),
		payRequest("3ds-1", "4000000000003063"),
		payRequest("then-1", "4242424242424242"),
		{"action": "paycash", "amount": "5", "currency": "UAH", "description": "cash", "order_id": "cash-1",
			"phone": "380950000001", "expired_date": expires},
	} {
		tb.do(p)
	}
	inv := tb.do(map[string]any{"action": "invoice_send", "amount": "5", "currency": "UAH", "order_id": "inv-1",
		"email": "buyer@example.com", "expired_date": expires})
	tb.do(map[string]any{"action": "token_create", "card_tokenization": map[string]any{
		"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"}})
	reg := tb.do(map[string]any{"action": "reports_compensation_file", "date": "2027-01-31"})
	invoicePage := strings.TrimPrefix(inv["href"].(string), "http://example.com")
	checkoutPage := tb.checkoutForm(r, map[string]any{"action": "pay", "amount": "3", "currency": "UAH",
		"description": "checkout", "order_id": "co-1"})
	registerPage := "/apipay/register/" + reg["register_token"].(string)
	for _, page := range []string{invoicePage, checkoutPage, registerPage} {
		if code := get(r, page); code != http.StatusOK {
			t.Fatalf("GET %s before the reset: HTTP %d", page, code)
		}
	}
	sh := tb.s.shop(config.DefaultLiqPayPublicKey)
	if n := sh.tenant.Clock.Pending(); n < 6 {
		t.Fatalf("%d timers pending before the reset; the set-up armed at least 6", n)
	}
	sent := len(tb.rec.callbacks())

	if !tb.s.ResetMerchant(config.DefaultLiqPayPublicKey) {
		t.Fatal("ResetMerchant: no such shop")
	}
	if n := sh.tenant.Clock.Pending(); n != 0 {
		t.Errorf("%d timers still pending after the reset", n)
	}
	for _, page := range []string{invoicePage, checkoutPage, registerPage} {
		if code := get(r, page); code != http.StatusNotFound {
			t.Errorf("GET %s after the reset: HTTP %d, want 404", page, code)
		}
	}
	tb.s.mu.RLock()
	tokens := len(tb.s.tokens)
	tb.s.mu.RUnlock()
	if tokens != 0 || len(tb.s.checkouts.of(sh)) != 0 {
		t.Errorf("after the reset: %d page tokens, %d checkout sessions; want none", tokens, len(tb.s.checkouts.of(sh)))
	}
	tb.advanceTo(testStart.AddDate(1, 0, 0))
	if got := tb.rec.callbacks()[sent:]; len(got) != 0 {
		t.Errorf("callbacks after the reset: %v", got)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(sh.byID) != 0 || len(sh.cardTokens) != 0 || len(sh.registers) != 0 || len(sh.invoices) != 0 {
		t.Errorf("after the reset and a year: %d payments, %d card tokens, %d registers, %d invoices; want none",
			len(sh.byID), len(sh.cardTokens), len(sh.registers), len(sh.invoices))
	}
}

// Removing a shop stops its timers and pages the same way.
func TestRemoveMerchantStopsItsTimers(t *testing.T) {
	tb := newTestbed(t, "")
	tb.do(payRequest("sub-1", "4242424242424242", "action", "subscribe", "subscribe", "1",
		"subscribe_date_start", "2027-01-31 10:00:00", "subscribe_periodicity", "day"))
	sh := tb.s.shop(config.DefaultLiqPayPublicKey)
	sent := len(tb.rec.callbacks())
	if !tb.s.RemoveMerchant(config.DefaultLiqPayPublicKey) {
		t.Fatal("RemoveMerchant: no such shop")
	}
	if n := sh.tenant.Clock.Pending(); n != 0 {
		t.Errorf("%d timers still pending after the removal", n)
	}
	sh.tenant.Clock.AdvanceTo(testStart.AddDate(0, 0, 10))
	if got := tb.rec.callbacks()[sent:]; len(got) != 0 {
		t.Errorf("callbacks after the removal: %v", got)
	}
}

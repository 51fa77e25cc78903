package e2e

import (
	"net/http"
	"net/url"
	"testing"
)

// A reset of a LiqPay merchant stops everything it had running: its
// invoice page and its hosted checkout page are gone (404), paying the
// checkout page makes no payment, and its subscription charges nothing and
// sends no callback when the clock moves on a month.
func TestLiqPayResetStopsPagesAndSubscriptions(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	order := orderID(t)
	m.do(t, set(payParams(order+"-sub", "4242424242424242"), "action", "subscribe", "subscribe", "1",
		"subscribe_date_start", "2020-01-01 00:00:00", "subscribe_periodicity", "month", "server_url", rv.URL))
	inv := m.do(t, invoiceParams(order+"-inv", "server_url", rv.URL))
	invoicePage, _ := inv["href"].(string)
	checkoutPage := m.openCheckout(t, checkoutParams(order+"-co"))
	if resp, body := payerPage(t, http.MethodGet, invoicePage, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("invoice page before the reset: HTTP %d\n%s", resp.StatusCode, body)
	}
	if got := page(t, checkoutPage); got.StatusCode != http.StatusOK {
		t.Fatalf("checkout page before the reset: HTTP %d", got.StatusCode)
	}
	m.advance(t, "0s")
	before := len(rv.seen())

	if code, body := m.ctl(t, http.MethodPost, "/_mockpay/reset?merchant="+publicKey, "", nil); code != http.StatusOK {
		t.Fatalf("reset: HTTP %d %v", code, body)
	}
	if resp, _ := payerPage(t, http.MethodGet, invoicePage, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("invoice page after the reset: HTTP %d, want 404", resp.StatusCode)
	}
	if resp, _ := payerPage(t, http.MethodPost, invoicePage, url.Values{"step": {"pay"}, "card": {"4242424242424242"},
		"card_exp_month": {"12"}, "card_exp_year": {"30"}, "card_cvv": {"123"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("paying the invoice page after the reset: HTTP %d, want 404", resp.StatusCode)
	}
	got := page(t, checkoutPage)
	if got.StatusCode != http.StatusNotFound || attr(got.body, "message", "data-kind") != "not_found" {
		t.Errorf("checkout page after the reset: HTTP %d, want the 404 page:\n%s", got.StatusCode, got.body)
	}
	if paid, _ := m.pay(t, checkoutPage, "4242424242424242"); paid.StatusCode != http.StatusNotFound {
		t.Errorf("paying the checkout page after the reset: HTTP %d, want 404", paid.StatusCode)
	}
	checkFields(t, "the checkout's order", map[string]any{"err_code": "payment_not_found"}, m.statusOf(t, order+"-co"))
	m.advance(t, "768h") // a month and more: the subscription's period would be due
	if seen := rv.seen(); len(seen) != before {
		t.Errorf("%d callbacks after the reset, want none", len(seen)-before)
	}
	checkFields(t, "the subscription", map[string]any{"err_code": "payment_not_found"}, m.statusOf(t, order+"-sub"))
}

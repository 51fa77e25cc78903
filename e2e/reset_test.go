package e2e

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liquidotest"
)

// Resetting one merchant forgets its payments, callbacks and clock and
// leaves another merchant's intact.
func TestResetOneMerchantLeavesTheOtherIntact(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	a := m.makeMerchant(t, "", map[string]any{"liqpay": map[string]any{"server_url": rv.URL + "/a"}})
	b := m.makeMerchant(t, "", map[string]any{"liqpay": map[string]any{"server_url": rv.URL + "/b"}})
	for _, mm := range []made{a, b} {
		checkFields(t, "pay", map[string]any{"status": "success"}, call(t, m.liqpayOf(mm), "request", payParams("reset-1", "4242424242424242")))
		m.ctl(t, http.MethodPost, "/_mockpay/clock/advance", mm.Token, map[string]any{"duration": "1h"})
	}
	code, body := m.ctl(t, http.MethodPost, "/_mockpay/reset?merchant="+a.LiqPay.PublicKey, "", nil)
	if diff := cmp.Diff([]any{"liqpay:" + a.LiqPay.PublicKey}, body["reset"]); code != http.StatusOK || diff != "" {
		t.Fatalf("reset A: HTTP %d (-want +got):\n%s", code, diff)
	}
	status := func(mm made) map[string]any {
		return call(t, m.liqpayOf(mm), "request", map[string]any{"version": 3, "action": "status", "order_id": "reset-1"})
	}
	checkFields(t, "A's payment after its reset", map[string]any{"status": "error", "err_code": "payment_not_found"}, status(a))
	checkFields(t, "B's payment", map[string]any{"status": "success"}, status(b))
	counts := func(mm made) (callbacks int, offset any) {
		_, log := m.ctl(t, http.MethodGet, "/_mockpay/callbacks", mm.Token, nil)
		_, clocks := m.ctl(t, http.MethodGet, "/_mockpay/clock", mm.Token, nil)
		return len(log["callbacks"].([]any)), clocks["clocks"].([]any)[0].(map[string]any)["offset"]
	}
	if n, off := counts(a); n != 0 || off != "0s" {
		t.Errorf("A after its reset: %d callbacks, clock offset %v; want none and 0s", n, off)
	}
	if n, off := counts(b); n != 1 || off == "0s" {
		t.Errorf("B after A's reset: %d callbacks, clock offset %v; want its callback and its clock moved", n, off)
	}
	// The same order_id pays again, with the first payment id again: A is
	// as fresh as a new merchant.
	again := call(t, m.liqpayOf(a), "request", payParams("reset-1", "4242424242424242"))
	checkFields(t, "A pays the same order again", map[string]any{"status": "success", "payment_id": num("2100000001")}, again)
}

// A callback waiting for its retry when its merchant is reset is dropped:
// advancing the clock past the retry sends nothing.
func TestResetDropsPendingCallbacks(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t, http.StatusInternalServerError)
	mm := m.makeMerchant(t, "", map[string]any{
		"liqpay":    map[string]any{"server_url": rv.URL},
		"callbacks": map[string]any{"timeout": "2s", "backoff": []string{"1m"}},
	})
	checkFields(t, "pay", map[string]any{"status": "success"}, call(t, m.liqpayOf(mm), "request", payParams("drop-1", "4242424242424242")))
	m.ctl(t, http.MethodPost, "/_mockpay/clock/advance", mm.Token, map[string]any{"duration": "1s"}) // the first attempt has finished
	_, log := m.ctl(t, http.MethodGet, "/_mockpay/callbacks?status=pending", mm.Token, nil)
	if n := len(log["callbacks"].([]any)); n != 1 || len(rv.Received()) != 1 {
		t.Fatalf("before the reset: %d pending callbacks, %d attempts received; want 1 and 1", n, len(rv.Received()))
	}
	if code, _ := m.ctl(t, http.MethodPost, "/_mockpay/reset", mm.Token, nil); code != http.StatusForbidden {
		t.Errorf("a merchant token resetting everything: HTTP %d, want 403", code)
	}
	if code, _ := m.ctl(t, http.MethodPost, "/_mockpay/reset?merchant="+mm.LiqPay.PublicKey, mm.Token, nil); code != http.StatusOK {
		t.Fatalf("reset: HTTP %d", code)
	}
	m.ctl(t, http.MethodPost, "/_mockpay/clock/advance", mm.Token, map[string]any{"duration": "10m"})
	if n := len(rv.Received()); n != 1 {
		t.Errorf("the receiver got %d attempts; the retry of a reset merchant's callback was sent", n)
	}
	_, log = m.ctl(t, http.MethodGet, "/_mockpay/callbacks", mm.Token, nil)
	if n := len(log["callbacks"].([]any)); n != 0 {
		t.Errorf("%d callbacks logged after the reset, want none", n)
	}
}

// Reset of everything: both providers' default merchants forget their
// payments and Liquido idempotency keys.
func TestResetEverything(t *testing.T) {
	t.Parallel()
	m := start(t)
	lq := &lqServer{mockpay: m, tokens: map[string]string{}}
	checkFields(t, "LiqPay pay", map[string]any{"status": "success"}, m.do(t, payParams("all-1", "4242424242424242")))
	lq.post(t, lqDefault, "/v1/payments/charges/card", liquidotest.CardCharge("all-key", "BR", "4242424242424242"))
	code, body := m.ctl(t, http.MethodPost, "/_mockpay/reset", "", nil)
	if diff := cmp.Diff([]any{"liqpay:" + publicKey, "liquido:sandbox-client-id"}, body["reset"]); code != http.StatusOK || diff != "" {
		t.Fatalf("reset: HTTP %d (-want +got):\n%s", code, diff)
	}
	checkFields(t, "LiqPay after reset", map[string]any{"status": "error", "err_code": "payment_not_found"},
		m.do(t, map[string]any{"version": 3, "action": "status", "order_id": "all-1"}))
	if r := lq.call(t, lqDefault, http.MethodGet, "/v1/payments/charges/all-key", nil); r.code != http.StatusNotFound {
		t.Errorf("Liquido payment after reset: HTTP %d %s", r.code, r.body)
	}
	// The idempotency key is free again: another body does not conflict.
	got := lq.post(t, lqDefault, "/v1/payments/charges/card", liquidotest.CardCharge("all-key", "MX", "4242424242424242"))
	checkFields(t, "the key reused", map[string]any{"country": "MX"}, got)
	if code, _ := m.ctl(t, http.MethodPost, "/_mockpay/reset?merchant=nope", "", nil); code != http.StatusNotFound {
		t.Errorf("reset of an unknown merchant: HTTP %d, want 404", code)
	}
	// A merchant named in the body, as the clock takes it, resets that
	// merchant only.
	code, body = m.ctl(t, http.MethodPost, "/_mockpay/reset", "", map[string]any{"merchant": publicKey})
	if diff := cmp.Diff([]any{"liqpay:" + publicKey}, body["reset"]); code != http.StatusOK || diff != "" {
		t.Errorf("reset with a merchant in the body: HTTP %d (-want +got):\n%s", code, diff)
	}
	if code, _ := m.ctl(t, http.MethodPost, "/_mockpay/reset", "", "not json"); code != http.StatusBadRequest {
		t.Errorf("reset with a body that is not JSON: HTTP %d, want 400", code)
	}
}

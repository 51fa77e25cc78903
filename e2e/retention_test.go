package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// With --retain-payments (its MOCKPAY_ twin here), the binary forgets a
// merchant's oldest finished payments within a sweep or two: the payment
// list keeps the newest N, and a forgotten order's status is not found.
func TestRetentionForgetsTheOldestPayments(t *testing.T) {
	m := startWith(t, []string{"MOCKPAY_RETAIN_PAYMENTS=3"}, "serve", "--addr", "127.0.0.1:0", "--seed", seed)
	for i := range 5 {
		resp := m.do(t, map[string]any{"action": "pay", "version": 3, "amount": "1", "currency": "UAH", "description": "retention",
			"order_id": fmt.Sprintf("ret-%d", i), "card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"})
		if resp["status"] != "success" {
			t.Fatalf("pay ret-%d: %v", i, resp)
		}
	}
	total := func() float64 {
		code, body := m.ctl(t, http.MethodGet, "/_mockpay/payments?provider=liqpay", "", nil)
		if code != http.StatusOK {
			t.Fatalf("payments: HTTP %d %v", code, body)
		}
		page, _ := body["page"].(map[string]any)
		n, _ := page["total"].(float64)
		return n
	}
	// The sweep runs once a second of real time; poll, bounded.
	deadline := time.Now().Add(10 * time.Second)
	for total() != 3 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := total(); n != 3 {
		t.Fatalf("%v payments listed after 10 s, want 3", n)
	}
	for order, want := range map[string]string{"ret-0": "payment_not_found", "ret-1": "payment_not_found", "ret-2": "", "ret-4": ""} {
		resp := m.do(t, map[string]any{"action": "status", "version": 3, "order_id": order})
		if got, _ := resp["err_code"].(string); got != want {
			t.Errorf("status %s: err_code %q, want %q (%v)", order, got, want, resp)
		}
	}
}

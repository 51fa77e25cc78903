package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestLiqPayFlowTriggers applies the events of LiqPay's later flows to
// payments made through the API — subscriptions (next_charge), secured
// payments (confirm, dispute, and a dispute resolved by settle or reverse)
// and payments waiting on their payer page (settle, expire, fail) — and
// checks the trigger's answer, action=status, and every callback the
// merchant's server_url receives; illegal ones answer 409 with the status.
func TestLiqPayFlowTriggers(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	lcDate := s.mockpay.virtualNow(t).Add(72 * time.Hour).Format(time.DateTime)
	subscribe := []any{"action", "subscribe", "subscribe", "1", "subscribe_date_start", "2020-01-01 00:00:00",
		"subscribe_periodicity", "month"}
	secured := []any{"letter_of_credit", 1, "letter_of_credit_date", lcDate}
	waiting := func(action string, kv ...any) map[string]any {
		return set(map[string]any{"version": 3, "action": action, "amount": "4", "currency": "UAH",
			"description": "trigger walk"}, kv...)
	}
	for _, tc := range []struct {
		name      string
		request   map[string]any // nil: a card payment with charge
		charge    []any
		before    []string // events applied first
		event     map[string]any
		code      int
		status    string
		callbacks []string // "action status [err_code] [refunded amount]"
	}{
		{"next_charge charges a period now", nil, subscribe, nil,
			map[string]any{"event": "next_charge"}, 200, "subscribed", []string{"subscribe subscribed", "regular success"}},
		{"next_charge twice charges two periods", nil, subscribe, []string{"next_charge"},
			map[string]any{"event": "next_charge"}, 200, "subscribed",
			[]string{"subscribe subscribed", "regular success", "regular success"}},
		{"next_charge after unsubscribe is a conflict", nil, subscribe, []string{"unsubscribe"},
			map[string]any{"event": "next_charge"}, 409, "unsubscribed", []string{"subscribe subscribed", "subscribe unsubscribed"}},
		{"next_charge of a plain payment is a conflict", nil, nil, nil,
			map[string]any{"event": "next_charge"}, 409, "success", []string{"pay success"}},
		{"confirm releases a secured payment", nil, secured, nil,
			map[string]any{"event": "confirm"}, 200, "success", []string{"pay wait_lc", "pay success"}},
		{"dispute a secured payment", nil, secured, nil,
			map[string]any{"event": "dispute"}, 200, "dispute", []string{"pay wait_lc", "pay dispute"}},
		{"settle resolves a dispute for the merchant", nil, secured, []string{"dispute"},
			map[string]any{"event": "settle"}, 200, "success", []string{"pay wait_lc", "pay dispute", "pay success"}},
		{"reverse resolves a dispute for the customer", nil, secured, []string{"dispute"},
			map[string]any{"event": "reverse"}, 200, "reversed",
			[]string{"pay wait_lc", "pay dispute", "pay reversed refunded 1.0"}},
		{"confirm of a dispute is a conflict", nil, secured, []string{"dispute"},
			map[string]any{"event": "confirm"}, 409, "dispute", []string{"pay wait_lc", "pay dispute"}},
		{"dispute twice is a conflict", nil, secured, []string{"dispute"},
			map[string]any{"event": "dispute"}, 409, "dispute", []string{"pay wait_lc", "pay dispute"}},
		{"settle pays an invoice", waiting("invoice_send", "email", "buyer@example.com"), nil, nil,
			map[string]any{"event": "settle"}, 200, "success", []string{"pay invoice_wait", "pay success"}},
		{"settle pays cash", waiting("paycash", "phone", "380950000001"), nil, nil,
			map[string]any{"event": "settle"}, 200, "success", []string{"pay cash_wait", "pay success"}},
		{"settle pays a QR code", waiting("payqr"), nil, nil,
			map[string]any{"event": "settle"}, 200, "success", []string{"pay wait_qr", "pay success"}},
		{"settle pays a prepared payment", waiting("payment_prepare"), nil, nil,
			map[string]any{"event": "settle"}, 200, "success", []string{"pay prepared", "pay success"}},
		{"settle a held invoice holds", waiting("invoice_send", "email", "buyer@example.com", "action_payment", "hold"), nil, nil,
			map[string]any{"event": "settle"}, 200, "hold_wait", []string{"hold invoice_wait", "hold hold_wait"}},
		{"expire an invoice", waiting("invoice_send", "email", "buyer@example.com"), nil, nil,
			map[string]any{"event": "expire"}, 200, "failure", []string{"pay invoice_wait", "pay failure expired_invoice"}},
		{"expire a QR code", waiting("payqr"), nil, nil,
			map[string]any{"event": "expire"}, 200, "failure", []string{"pay wait_qr", "pay failure expired_qr"}},
		{"expire a prepared payment", waiting("payment_prepare"), nil, nil,
			map[string]any{"event": "expire"}, 200, "failure", []string{"pay prepared", "pay failure expired_prepared"}},
		{"fail a cash payment", waiting("paycash", "phone", "380950000001"), nil, nil,
			map[string]any{"event": "fail"}, 200, "failure", []string{"pay cash_wait", "pay failure decline"}},
		{"fail a prepared payment with a code", waiting("payment_prepare"), nil, nil,
			map[string]any{"event": "fail", "code": "9859"}, 200, "failure", []string{"pay prepared", "pay failure 9859"}},
		{"settle an expired invoice is a conflict", waiting("payqr"), nil, []string{"expire"},
			map[string]any{"event": "settle"}, 409, "failure", []string{"pay wait_qr", "pay failure expired_qr"}},
		{"settle an invoice takes no amount", waiting("payqr"), nil, nil,
			map[string]any{"event": "settle", "amount": "1"}, 400, "", []string{"pay wait_qr"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rv := newReceiver(t)
			orderID := lqKey(t, "")
			req := tc.request
			if req == nil {
				req = set(payParams(orderID, "4242424242424242"), tc.charge...)
			}
			made := s.do(t, set(req, "order_id", orderID, "server_url", rv.URL))
			// The payment's own first callback arrives before any trigger's:
			// a regular charge is another payment, whose callbacks are not
			// ordered after the subscription's.
			if code, got := s.mockpay.send(t, http.MethodGet, "/_mockpay/await/callbacks?merchant="+publicKey+"&order_id="+orderID+"&count=1&timeout=10s", "", ""); code != http.StatusOK {
				t.Fatalf("awaiting the first callback: HTTP %d %v", code, got)
			}
			id := fmt.Sprint(made["id"])
			if made["payment_id"] != nil {
				id = fmt.Sprint(made["payment_id"])
			}
			body := func(ev map[string]any) map[string]any {
				b := map[string]any{"merchant": publicKey, "provider": "liqpay"}
				for k, v := range ev {
					b[k] = v
				}
				return b
			}
			for _, ev := range tc.before {
				if ev == "unsubscribe" {
					s.do(t, map[string]any{"version": 3, "action": "unsubscribe", "order_id": orderID})
					continue
				}
				if code, got := s.trigger(t, id, body(map[string]any{"event": ev})); code != http.StatusOK {
					t.Fatalf("%s first: HTTP %d %v", ev, code, got)
				}
			}
			code, got := s.trigger(t, id, body(tc.event))
			if code != tc.code || (tc.status != "" && got["status"] != tc.status) {
				t.Fatalf("trigger: HTTP %d %v; want %d with status %q", code, got, tc.code, tc.status)
			}
			if code != http.StatusOK && got["error"] == "" {
				t.Errorf("HTTP %d without an error: %v", code, got)
			}
			s.mockpay.advance(t, "0s")
			var cbs []string
			for _, c := range rv.seen() {
				if !verify(3, c.data, c.signature) {
					t.Errorf("callback %v is not validly signed", c.payment["status"])
				}
				cb := fmt.Sprint(c.payment["action"], " ", c.payment["status"])
				if c.payment["err_code"] != nil {
					cb += " " + fmt.Sprint(c.payment["err_code"])
				}
				if c.payment["refund_amount"] != nil {
					cb += " refunded " + fmt.Sprint(c.payment["refund_amount"])
				}
				cbs = append(cbs, cb)
			}
			if diff := cmp.Diff(tc.callbacks, cbs); diff != "" {
				t.Errorf("callbacks (-want +got):\n%s", diff)
			}
			if tc.status != "" {
				st := s.do(t, map[string]any{"version": 3, "action": "status", "order_id": orderID})
				if st["status"] != tc.status {
					t.Errorf("action=status says %v, want %s", st["status"], tc.status)
				}
			}
		})
	}
}

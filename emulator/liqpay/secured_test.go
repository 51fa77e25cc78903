package liqpay

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A secured payment through each of its endings, by API and by the
// control plane's triggers.
func TestSecuredPaymentEndings(t *testing.T) {
	lcDate := testStart.Add(72 * time.Hour)
	tests := []struct {
		name       string
		steps      func(b *testbed, order, token string) map[string]any
		wantStatus string
		wantCBs    []string
	}{
		{"merchant confirms", func(b *testbed, order, token string) map[string]any {
			return b.do(map[string]any{"action": "confirm", "confirm_token": token})
		}, "success", []string{"pay wait_lc", "pay success"}},
		{"confirmed by the control plane", func(b *testbed, order, _ string) map[string]any {
			if err := b.s.ConfirmSecured("sandbox_i00000000", order); err != nil {
				t.Fatal(err)
			}
			return b.do(map[string]any{"action": "status", "order_id": order})
		}, "success", []string{"pay wait_lc", "pay success"}},
		{"the date passes", func(b *testbed, order, _ string) map[string]any {
			b.advanceTo(lcDate.Add(-time.Second))
			if got := b.do(map[string]any{"action": "status", "order_id": order}); got["status"] != "wait_lc" {
				t.Errorf("a second before the date: %v", got["status"])
			}
			b.advanceTo(lcDate)
			return b.do(map[string]any{"action": "status", "order_id": order})
		}, "success", []string{"pay wait_lc", "pay success"}},
		{"dispute resolved for the customer", func(b *testbed, order, _ string) map[string]any {
			d := b.do(map[string]any{"action": "mockpay_lc_dispute", "order_id": order})
			if d["status"] != "dispute" {
				t.Errorf("dispute answered %v", d)
			}
			b.advanceTo(lcDate.Add(time.Hour)) // a dispute stops the date
			return b.do(map[string]any{"action": "mockpay_lc_resolve", "order_id": order, "resolution": "customer"})
		}, "reversed", []string{"pay wait_lc", "pay dispute", "pay reversed"}},
		{"dispute resolved for the merchant by the control plane", func(b *testbed, order, _ string) map[string]any {
			if err := b.s.DisputeSecured("sandbox_i00000000", order); err != nil {
				t.Fatal(err)
			}
			if err := b.s.ConfirmSecured("sandbox_i00000000", order); err != ErrWrongStatus {
				t.Errorf("confirming a disputed payment = %v, want ErrWrongStatus", err)
			}
			if err := b.s.ResolveSecured("sandbox_i00000000", order, true); err != nil {
				t.Fatal(err)
			}
			return b.do(map[string]any{"action": "status", "order_id": order})
		}, "success", []string{"pay wait_lc", "pay dispute", "pay success"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestbed(t, "")
			got := b.do(payRequest("lc", "4242424242424242", "letter_of_credit", "1",
				"letter_of_credit_date", lcDate.Format(time.DateTime)))
			if diff := cmp.Diff(map[string]string{"result": "ok", "action": "pay", "status": "wait_lc"},
				fields(got, "result", "action", "status")); diff != "" {
				t.Fatalf("charge (-want +got):\n%s", diff)
			}
			token, _ := got["token"].(string)
			if token == "" || got["authcode_debit"] == nil {
				t.Fatalf("wait_lc answer lacks token or authcode_debit: %v", got)
			}
			end := tt.steps(b, "lc", token)
			if end["status"] != tt.wantStatus {
				t.Errorf("final status %v, want %s", end["status"], tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantCBs, b.rec.callbacks()); diff != "" {
				t.Errorf("callbacks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSecuredPaymentErrors(t *testing.T) {
	b := newTestbed(t, "")
	b.do(payRequest("plain", "4242424242424242"))
	tests := []struct {
		name   string
		params map[string]any
		want   map[string]string
	}{
		{"no date", payRequest("a", "4242424242424242", "letter_of_credit", "1", "language", "en"),
			map[string]string{"err_code": "err_missing", "err_description": "Required parameter not passed letter_of_credit_date"}},
		{"a past date", payRequest("a", "4242424242424242", "letter_of_credit", "1", "letter_of_credit_date", "2026-01-01 00:00:00", "language", "en"),
			map[string]string{"err_code": "err_wrong", "err_description": "Parameter letter_of_credit_date specified incorrectly"}},
		{"dispute of a plain payment", map[string]any{"action": "mockpay_lc_dispute", "order_id": "plain"},
			map[string]string{"err_code": "payment_err_status", "err_description": "Невірний статус платежу"}},
		{"resolve without resolution", map[string]any{"action": "mockpay_lc_resolve", "order_id": "plain", "language": "en"},
			map[string]string{"err_code": "err_missing", "err_description": "Required parameter not passed resolution"}},
		{"resolve of no dispute", map[string]any{"action": "mockpay_lc_resolve", "order_id": "plain", "resolution": "merchant"},
			map[string]string{"err_code": "payment_err_status", "err_description": "Невірний статус платежу"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fields(b.do(tt.params), "err_code", "err_description")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if err := b.s.DisputeSecured("sandbox_i00000000", "nope"); err != ErrUnknownOrder {
		t.Errorf("DisputeSecured of no order = %v", err)
	}
	if err := b.s.DisputeSecured("nobody", "plain"); err != ErrUnknownMerchant {
		t.Errorf("DisputeSecured of no merchant = %v", err)
	}
}

// After 3-D Secure, a secured payment waits in wait_lc with a new token:
// the 3-DS token cannot release it.
func TestSecuredPaymentAfter3DS(t *testing.T) {
	b := newTestbed(t, "")
	got := b.do(payRequest("lc3", "4000000000003055", "letter_of_credit", "1",
		"letter_of_credit_date", testStart.Add(time.Hour).Format(time.DateTime)))
	cvvToken := got["token"].(string)
	got = b.do(map[string]any{"action": "confirm", "confirm_token": cvvToken, "card_cvv": "123"})
	if got["status"] != "wait_lc" || got["token"] == cvvToken {
		t.Fatalf("after cvv confirm: status %v token %v", got["status"], got["token"])
	}
	if again := b.do(map[string]any{"action": "confirm", "confirm_token": cvvToken}); again["status"] != "wait_lc" {
		t.Errorf("the old token released the payment: %v", again["status"])
	}
	if done := b.do(map[string]any{"action": "confirm", "confirm_token": got["token"]}); done["status"] != "success" {
		t.Errorf("confirm with the wait_lc token: %v", done["status"])
	}
}

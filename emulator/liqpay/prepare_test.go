package liqpay

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDCCOfferAndMoney4(t *testing.T) {
	tests := []struct {
		amount   Amount
		currency string
		want     string
	}{
		{10000, "UAH", `{"amount":3.5984,"rate":27.7905,"commission":0.0,"currency":"USD"}`}, // seed 002
		{100, "USD", `{"amount":27.7778,"rate":0.036,"commission":0.0,"currency":"UAH"}`},
		{100, "EUR", `{"amount":30.03,"rate":0.0333,"commission":0.0,"currency":"UAH"}`},
		{1, "UAH", `{"amount":0.0004,"rate":27.7905,"commission":0.0,"currency":"USD"}`},
	}
	for _, tt := range tests {
		q, ok := dccOffer(tt.amount, tt.currency)
		if !ok {
			t.Fatalf("no offer for %s", tt.currency)
		}
		if got := string(encodeTrim(q)); got != tt.want {
			t.Errorf("dccOffer(%v %s) = %s, want %s", tt.amount, tt.currency, got, tt.want)
		}
	}
	if _, ok := dccOffer(100, "GBP"); ok {
		t.Error("an offer for a currency without a rate")
	}
}

func encodeTrim(v any) []byte {
	b := encode(v)
	return b[:len(b)-1]
}

// prepare charges nothing, stores nothing, keeps the order_id free and
// uses up no scenario's times.
func TestPrepareIsADryRun(t *testing.T) {
	b := newTestbed(t, `version: 1
provider: liqpay
scenarios:
  - name: the first charge of 7 fails
    match: {amount: 7}
    times: 1
    outcome: {status: failure, code: limit}
`)
	tests := []struct {
		name   string
		params map[string]any
		want   map[string]string
	}{
		{"would succeed", payRequest("p", "4242424242424242", "prepare", "1"),
			map[string]string{"result": "ok", "status": "prepared", "action": "pay"}},
		{"would need 3-D Secure", payRequest("p", "4000000000003063", "prepare", "1"),
			map[string]string{"result": "ok", "status": "3ds_verify"}},
		{"would need an OTP", payRequest("p", "4000000000003089", "prepare", "1"),
			map[string]string{"result": "ok", "status": "otp_verify"}},
		{"over the limit", payRequest("p", "4000000000000002", "prepare", "1"),
			map[string]string{"result": "error", "status": "failure", "err_code": "limit"}},
		{"the scenario with times", payRequest("p", "4242424242424242", "prepare", "1", "amount", "7"),
			map[string]string{"result": "error", "status": "failure", "err_code": "limit"}},
		{"tariffs", payRequest("p", "4242424242424242", "prepare", "tariffs"),
			map[string]string{"result": "ok", "status": "prepared",
				"dcc_allowed": `[{"amount":3.5984,"commission":0.0,"currency":"USD","rate":27.7905}]`}},
		{"bad prepare", payRequest("p", "4242424242424242", "prepare", "2", "language", "en"),
			map[string]string{"result": "error", "err_code": "err_wrong"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.do(tt.params)
			keys := make([]string, 0, len(tt.want))
			for k := range tt.want {
				keys = append(keys, k)
			}
			if diff := cmp.Diff(tt.want, fields(got, keys...)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, k := range []string{"payment_id", "token", "redirect_to", "authcode_debit"} {
				if _, ok := got[k]; ok {
					t.Errorf("a dry run answered %s: %v", k, got)
				}
			}
		})
	}
	if len(b.rec.callbacks()) != 0 {
		t.Errorf("a dry run sent callbacks: %v", b.rec.callbacks())
	}
	if got := b.do(map[string]any{"action": "status", "order_id": "p"}); got["err_code"] != "payment_not_found" {
		t.Errorf("a dry run stored a payment: %v", got)
	}
	// The order_id is still free, and the scenario's one time is still there.
	if got := b.do(payRequest("p", "4242424242424242", "amount", "7")); got["err_code"] != "limit" {
		t.Errorf("the real charge after prepare: %v", got)
	}
	if got := b.do(payRequest("p", "4242424242424242", "amount", "7")); got["status"] != "success" {
		t.Errorf("the scenario matched twice: %v", got)
	}
}

func TestDCCDebit(t *testing.T) {
	b := newTestbed(t, "")
	got := b.do(payRequest("dcc", "4242424242424242", "is_dcc_debit", true))
	want := map[string]string{"status": "success", "amount": "100.0", "currency": "UAH", "amount_debit": "3.5984",
		"currency_debit": "USD", "amount_credit": "100.0", "currency_credit": "UAH",
		"dcc_allowed": `[{"amount":3.5984,"commission":0.0,"currency":"USD","rate":27.7905}]`}
	if diff := cmp.Diff(want, fields(got, "status", "amount", "currency", "amount_debit", "currency_debit",
		"amount_credit", "currency_credit", "dcc_allowed")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	plain := b.do(payRequest("plain", "4242424242424242", "is_dcc_debit", "false"))
	if plain["amount_debit"].(interface{ String() string }).String() != "100.0" || plain["dcc_allowed"] != nil {
		t.Errorf("is_dcc_debit false: %v", plain)
	}
}

// The documentation's card (seed 001) fails Luhn and expired in 03/22, yet
// is a documented test card; other cards are still checked.
func TestDocumentationCard(t *testing.T) {
	b := newTestbed(t, "")
	got := b.do(payRequest("doc", "4731195301524634", "card_exp_month", "03", "card_exp_year", "22"))
	if diff := cmp.Diff(map[string]string{"result": "ok", "status": "success", "sender_card_mask2": "473119*34"},
		fields(got, "result", "status", "sender_card_mask2")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := b.do(payRequest("bad", "4731195301524635")); got["err_code"] != "err_card" {
		t.Errorf("another Luhn-invalid card: %v", got["err_code"])
	}
	if got := b.do(payRequest("old", "4242424242424242", "card_exp_month", "03", "card_exp_year", "22")); got["err_code"] != "9851" {
		t.Errorf("an expired ordinary card: %v", got["err_code"])
	}
}

// The refund answer's action is the refunded payment's.
func TestRefundAnswerCarriesThePaymentsAction(t *testing.T) {
	b := newTestbed(t, "")
	tests := []struct {
		charge map[string]any
		want   string
	}{
		{payRequest("r-pay", "4242424242424242"), "pay"},
		{payRequest("r-hold", "4242424242424242", "action", "hold"), "hold"},
		{payRequest("r-token", "", "action", "paytoken", "card_token", "sandbox_token"), "pay"},
		{payRequest("r-sub", "4242424242424242", "action", "subscribe", "subscribe_periodicity", "month",
			"subscribe_date_start", "2027-01-31 10:00:00"), "subscribe"},
	}
	for _, tt := range tests {
		if tt.charge["card"] == "" {
			delete(tt.charge, "card")
		}
		order := tt.charge["order_id"]
		b.do(tt.charge)
		got := b.do(map[string]any{"action": "refund", "order_id": order, "amount": "1"})
		if diff := cmp.Diff(map[string]string{"result": "ok", "action": tt.want, "status": "reversed"},
			fields(got, "result", "action", "status")); diff != "" {
			t.Errorf("%s (-want +got):\n%s", order, diff)
		}
	}
}

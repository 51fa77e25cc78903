package liquido_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liquidotest"
)

func refund(key, reference string, amount int64, currency, country string) map[string]any {
	return liquidotest.Refund(key, reference, amount, currency, country)
}

func TestRefunds(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("pay-1", "BR", "4242424242424242"))

	// Partial: the refund settles at once; the payment stays SETTLED.
	got := e.post(merchantA, "/v1/payments/charges/refund", refund("pay-1-r1", "pay-1", 3000, "BRL", "BR"))
	want := `{"transferStatusCode":200,"transferErrorMsg":null,"idempotencyKey":"pay-1-r1","referenceId":"pay-1",` +
		`"paymentMethod":"CREDIT_CARD","amount":3000,"currency":"BRL","country":"BR","finalAmount":3000,"finalCurrency":"BRL",` +
		`"createTime":"` + t0Liquido + `","scheduledTime":"` + t0Liquido + `","finalStatusTime":"` + t0Liquido + `",` +
		`"transferStatus":"SETTLED","description":"refund test","callbackUrl":""}`
	_, raw := e.call(merchantA, http.MethodGet, "/v1/payments/charges/refund/pay-1-r1", nil)
	if diff := cmp.Diff(want, string(trimNL(raw))); diff != "" {
		t.Fatalf("GET refund (-want +got):\n%s", diff)
	}
	if at(got, "transferStatus") != "SETTLED" {
		t.Fatalf("refund: %v", got)
	}
	if p := e.get(merchantA, "/v1/payments/charges/pay-1"); at(p, "transferStatus") != "SETTLED" {
		t.Fatalf("payment after a partial refund: %v", at(p, "transferStatus"))
	}

	// Over-refund: 7000 left.
	code, body := e.call(merchantA, http.MethodPost, "/v1/payments/charges/refund", refund("pay-1-r2", "pay-1", 7001, "BRL", "BR"))
	wantErr := `400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":"Validation failed: amount: must not exceed the refundable amount of 7000","path":"/v1/payments/charges/refund","errors":[{"field":"amount","message":"must not exceed the refundable amount of 7000"}]}`
	if diff := cmp.Diff(wantErr, statusBody(code, body)); diff != "" {
		t.Fatalf("over-refund (-want +got):\n%s", diff)
	}

	// The rest: the payment is REFUNDED.
	e.post(merchantA, "/v1/payments/charges/refund", refund("pay-1-r3", "pay-1", 7000, "BRL", "BR"))
	if p := e.get(merchantA, "/v1/payments/charges/pay-1"); at(p, "transferStatus") != "REFUNDED" {
		t.Fatalf("payment after the full amount: %v", at(p, "transferStatus"))
	}
	code, body = e.call(merchantA, http.MethodPost, "/v1/payments/charges/refund", refund("pay-1-r4", "pay-1", 1, "BRL", "BR"))
	if diff := cmp.Diff(`400 {"timestamp":"`+t0Spring+`","status":400,"error":"Bad Request","message":"Payment pay-1 is REFUNDED: only SETTLED payments can be refunded","path":"/v1/payments/charges/refund"}`,
		statusBody(code, body)); diff != "" {
		t.Fatalf("refund of a refunded payment (-want +got):\n%s", diff)
	}

	e.settle(merchantA)
	wantEvents := []string{
		"CHARGE_SUCCEEDED pay-1 SETTLED",
		"CHARGE_REFUND_SUCCEEDED pay-1-r1 SETTLED",
		"CHARGE_REFUND_SUCCEEDED pay-1-r3 SETTLED",
	}
	if diff := cmp.Diff(wantEvents, e.events("/a")); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
	for _, r := range e.recv.got("/a")[1:] {
		if ref := r.event(t).Data.ChargeDetails["referenceId"]; ref != "pay-1" {
			t.Errorf("refund callback referenceId %v, want the payment's key", ref)
		}
	}
}

func TestRefundErrors(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("p", "BR", "4242424242424242"))
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("co", "CO", "4242424242424242"))
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("failed", "BR", "4000001240000000"))
	e.post(merchantA, "/v1/payments/charges/card", with(cardCharge("auth", "BR", "4242424242424242"), "capture", false))
	e.post(merchantA, "/v1/payments/charges/boleto", with(localCharge("bol", "BR", "BOLETO"), "description", "asyncFinalizationDelay=0"))
	e.advance(merchantA, 0)
	spring := func(msg, field string) string {
		return `400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":"Validation failed: ` + field + `: ` + msg +
			`","path":"/v1/payments/charges/refund","errors":[{"field":"` + field + `","message":"` + msg + `"}]}`
	}
	tests := []struct {
		name string
		body any
		want string
	}{
		{"unknown payment", refund("r", "nope", 1, "BRL", "BR"),
			`404 {"timestamp":"` + t0Spring + `","status":404,"error":"Not Found","message":"No payment found with idempotencyKey nope","path":"/v1/payments/charges/refund"}`},
		{"failed payment", refund("r", "failed", 1, "BRL", "BR"),
			`400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":"Payment failed is FAILED: only SETTLED payments can be refunded","path":"/v1/payments/charges/refund"}`},
		{"authorized payment", refund("r", "auth", 1, "BRL", "BR"),
			`400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":"Payment auth is AUTHORIZED: only SETTLED payments can be refunded","path":"/v1/payments/charges/refund"}`},
		{"other currency", refund("r", "p", 1, "USD", "BR"), spring("must be the payment's currency, BRL", "currency")},
		{"other country", refund("r", "p", 1, "BRL", "MX"), spring("must be the payment's country, BR", "country")},
		{"zero amount", refund("r", "p", 0, "BRL", "BR"), spring("must be greater than 0", "amount")},
		{"Colombia refunds in full only", refund("r", "co", 5000, "COP", "CO"), spring("Colombia supports full refunds only: must be 10000", "amount")},
		{"boleto refunds need the bank account", refund("r", "bol", 100, "BRL", "BR"),
			spring("must not be null: BOLETO and BANK_TRANSFER refunds are paid to this account", "additionalInfo.bankTransferAccountInfo")},
		{"bad finalStatus", with(refund("r", "p", 1, "BRL", "BR"), "description", "finalStatus=CANCELLED"),
			spring("finalStatus=CANCELLED: must be one of SETTLED, FAILED", "description")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.call(merchantA, http.MethodPost, "/v1/payments/charges/refund", tc.body)
			if diff := cmp.Diff(tc.want, statusBody(code, body)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	code, body := e.call(merchantA, http.MethodGet, "/v1/payments/charges/refund/nope", nil)
	if diff := cmp.Diff(`404 {"timestamp":"`+t0Spring+`","status":404,"error":"Not Found","message":"No refund found with idempotencyKey nope","path":"/v1/payments/charges/refund/nope"}`,
		statusBody(code, body)); diff != "" {
		t.Fatalf("GET unknown refund (-want +got):\n%s", diff)
	}
	// A Colombian full refund goes through.
	if got := e.post(merchantA, "/v1/payments/charges/refund", refund("co-r", "co", 10000, "COP", "CO")); at(got, "transferStatus") != "SETTLED" {
		t.Fatalf("CO full refund: %v", got)
	}
}

func TestAsyncRefundCard(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("async", "BR", "4000000000007726"))
	got := e.post(merchantA, "/v1/payments/charges/refund", refund("async-r", "async", 10000, "BRL", "BR"))
	if at(got, "transferStatus") != "IN_PROGRESS" || at(got, "transferStatusCode") != float64(200) || at(got, "finalStatusTime") != nil {
		t.Fatalf("refund: %v", got)
	}
	if p := e.get(merchantA, "/v1/payments/charges/async"); at(p, "transferStatus") != "REFUNDING" {
		t.Fatalf("payment while refunding: %v", at(p, "transferStatus"))
	}
	e.advance(merchantA, 179*time.Second)
	if r := e.get(merchantA, "/v1/payments/charges/refund/async-r"); at(r, "transferStatus") != "IN_PROGRESS" {
		t.Fatalf("refund after 179 s: %v", at(r, "transferStatus"))
	}
	e.advance(merchantA, time.Second)
	if r := e.get(merchantA, "/v1/payments/charges/refund/async-r"); at(r, "transferStatus") != "SETTLED" || at(r, "finalStatusTime") != "2024-03-01 04:03:00 GMT-08:00" {
		t.Fatalf("refund after 180 s: %v %v", at(r, "transferStatus"), at(r, "finalStatusTime"))
	}
	if p := e.get(merchantA, "/v1/payments/charges/async"); at(p, "transferStatus") != "REFUNDED" {
		t.Fatalf("payment after the refund: %v", at(p, "transferStatus"))
	}
	want := []string{"CHARGE_SUCCEEDED async SETTLED", "CHARGE_REFUND_SUCCEEDED async-r SETTLED"}
	if diff := cmp.Diff(want, e.events("/a")); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

func TestLocalMethodRefundsAreAsynchronous(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/pix", with(localCharge("pix-r", "BR", "PIX_DYNAMIC_QR"), "description", "asyncFinalizationDelay=10"))
	e.advance(merchantA, 10*time.Second)
	// A failing refund: the payment returns to SETTLED.
	got := e.post(merchantA, "/v1/payments/charges/refund", with(refund("pix-r-1", "pix-r", 1000, "BRL", "BR"), "description", "finalStatus=FAILED;asyncFinalizationDelay=30"))
	if at(got, "transferStatus") != "IN_PROGRESS" {
		t.Fatalf("refund: %v", at(got, "transferStatus"))
	}
	e.advance(merchantA, 30*time.Second)
	r := e.get(merchantA, "/v1/payments/charges/refund/pix-r-1")
	if at(r, "transferStatus") != "FAILED" || at(r, "transferStatusCode") != float64(400) || at(r, "transferErrorMsg") != "Refund failed" {
		t.Fatalf("failed refund: %v", r)
	}
	if p := e.get(merchantA, "/v1/payments/charges/pix-r"); at(p, "transferStatus") != "SETTLED" {
		t.Fatalf("payment: %v", at(p, "transferStatus"))
	}
	// A default one settles after 180 s.
	e.post(merchantA, "/v1/payments/charges/refund", refund("pix-r-2", "pix-r", 150000, "BRL", "BR"))
	e.advance(merchantA, 180*time.Second)
	if p := e.get(merchantA, "/v1/payments/charges/pix-r"); at(p, "transferStatus") != "REFUNDED" {
		t.Fatalf("payment: %v", at(p, "transferStatus"))
	}
	want := []string{"CHARGE_SUCCEEDED pix-r SETTLED", "CHARGE_REFUND_FAILED pix-r-1 FAILED", "CHARGE_REFUND_SUCCEEDED pix-r-2 SETTLED"}
	if diff := cmp.Diff(want, e.events("/a")); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

func TestRefundIdempotency(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("p", "BR", "4242424242424242"))
	first := e.post(merchantA, "/v1/payments/charges/refund", refund("r", "p", 1000, "BRL", "BR"))
	again := e.post(merchantA, "/v1/payments/charges/refund", refund("r", "p", 1000, "BRL", "BR"))
	if diff := cmp.Diff(first, again); diff != "" {
		t.Fatalf("replay (-first +again):\n%s", diff)
	}
	code, body := e.call(merchantA, http.MethodPost, "/v1/payments/charges/refund", refund("r", "p", 2000, "BRL", "BR"))
	if diff := cmp.Diff(`409 {"timestamp":"`+t0Spring+`","status":409,"error":"Conflict","message":"idempotencyKey r was already used with a different request","path":"/v1/payments/charges/refund"}`,
		statusBody(code, body)); diff != "" {
		t.Fatalf("conflict (-want +got):\n%s", diff)
	}
	// Only one refund happened: 9000 is left.
	if got := e.post(merchantA, "/v1/payments/charges/refund", refund("r2", "p", 9000, "BRL", "BR")); at(got, "transferStatus") != "SETTLED" {
		t.Fatalf("rest: %v", got)
	}
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	return b
}

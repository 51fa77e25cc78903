package liquido_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMerchantsCannotSeeEachOthersPaymentsCardsOrTokens(t *testing.T) {
	e := newEnv(t)
	// B's payment, refund, authorisation, boleto and saved card.
	e.post(merchantB, "/v1/payments/charges/card", cardCharge("b-pay", "BR", "4242424242424242"))
	e.post(merchantB, "/v1/payments/charges/refund", refund("b-refund", "b-pay", 100, "BRL", "BR"))
	e.post(merchantB, "/v1/payments/charges/card", with(cardCharge("b-auth", "BR", "4242424242424242"), "capture", false))
	e.post(merchantB, "/v1/payments/charges/boleto", localCharge("b-boleto", "BR", "BOLETO"))
	saved := e.post(merchantB, "/v1/payments/vault/card", map[string]any{"country": "BR",
		"card": map[string]any{"cardHolderName": "B", "cardNumber": "4242424242424242", "expirationMonth": 1, "expirationYear": 2030, "cvc": "123"}})
	byCardID := cardCharge("a-with-b-card", "BR", "")
	delete(byCardID, "card")
	byCardID["cardId"] = saved["cardId"]

	notFound := func(path, msg string) string {
		return `404 {"timestamp":"` + t0Spring + `","status":404,"error":"Not Found","message":"` + msg + `","path":"` + path + `"}`
	}
	tests := []struct {
		name, method, path string
		body               any
		want               string
	}{
		{"read B's payment", http.MethodGet, "/v1/payments/charges/b-pay", nil,
			notFound("/v1/payments/charges/b-pay", "No payment found with idempotencyKey b-pay")},
		{"read B's refund", http.MethodGet, "/v1/payments/charges/refund/b-refund", nil,
			notFound("/v1/payments/charges/refund/b-refund", "No refund found with idempotencyKey b-refund")},
		{"refund B's payment", http.MethodPost, "/v1/payments/charges/refund", refund("a-refund", "b-pay", 100, "BRL", "BR"),
			notFound("/v1/payments/charges/refund", "No payment found with idempotencyKey b-pay")},
		{"capture B's authorisation", http.MethodPost, "/v1/payments/charges/card/capture/b-auth", nil,
			notFound("/v1/payments/charges/card/capture/b-auth", "No payment found with idempotencyKey b-auth")},
		{"cancel B's authorisation", http.MethodPost, "/v1/payments/charges/cancel/b-auth", nil,
			notFound("/v1/payments/charges/cancel/b-auth", "No payment found with idempotencyKey b-auth")},
		{"get B's boleto PDF", http.MethodGet, "/v1/payments/files/boleto/pdf/b-boleto", nil,
			notFound("/v1/payments/files/boleto/pdf/b-boleto", "No payment found with idempotencyKey b-boleto")},
		{"charge B's saved card", http.MethodPost, "/v1/payments/charges/card", byCardID,
			`400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":"Validation failed: cardId: no card was saved with this cardId","path":"/v1/payments/charges/card","errors":[{"field":"cardId","message":"no card was saved with this cardId"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.call(merchantA, tc.method, tc.path, tc.body)
			if diff := cmp.Diff(tc.want, statusBody(code, body)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	// A's token with B's key.
	code, body := e.callWith(http.MethodGet, "/v1/payments/charges/b-pay", nil,
		http.Header{"Authorization": {"Bearer " + e.token(merchantA)}, "X-Api-Key": {merchantB.apiKey}})
	if diff := cmp.Diff(`403 {"message":"Forbidden"}`, statusBody(code, body)); diff != "" {
		t.Fatalf("A's token with B's key (-want +got):\n%s", diff)
	}
	// B's things are untouched.
	if got := e.get(merchantB, "/v1/payments/charges/b-auth"); at(got, "transferStatus") != "AUTHORIZED" {
		t.Errorf("B's authorisation is %v", at(got, "transferStatus"))
	}
	if got := e.get(merchantB, "/v1/payments/charges/b-pay"); at(got, "transferStatus") != "SETTLED" {
		t.Errorf("B's payment is %v", at(got, "transferStatus"))
	}
}

func TestTheSameKeyAtTwoMerchantsIsTwoPayments(t *testing.T) {
	e := newEnv(t)
	a := e.post(merchantA, "/v1/payments/charges/card", cardCharge("shared-key", "BR", "4242424242424242"))
	b := e.post(merchantB, "/v1/payments/charges/card", with(cardCharge("shared-key", "BR", "4000001240000000"), "amount", 777))
	if at(a, "transferStatus") != "SETTLED" || at(b, "transferStatus") != "FAILED" || at(b, "amount") != float64(777) {
		t.Fatalf("A %v, B %v %v", at(a, "transferStatus"), at(b, "transferStatus"), at(b, "amount"))
	}
	if got := e.get(merchantA, "/v1/payments/charges/shared-key"); at(got, "amount") != float64(10000) {
		t.Fatalf("A reads %v", at(got, "amount"))
	}
	e.settle(merchantA)
	e.settle(merchantB)
	if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED shared-key SETTLED"}, e.events("/a")); diff != "" {
		t.Errorf("A's callbacks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"CHARGE_FAILED shared-key FAILED"}, e.events("/b")); diff != "" {
		t.Errorf("B's callbacks (-want +got):\n%s", diff)
	}
	// Each is signed with its own merchant's secret.
	for _, c := range []struct {
		path   string
		secret string
	}{{"/a", merchantA.secret}, {"/b", merchantB.secret}} {
		r := e.recv.got(c.path)[0]
		if err := verifySignature(r.Header.Get("Liquido-Signature"), r.Body, c.secret); err != nil {
			t.Errorf("%s: %v", c.path, err)
		}
	}
}

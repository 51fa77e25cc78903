package liquido_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSameKeySameBodyReplaysThePayment(t *testing.T) {
	e := newEnv(t)
	_, first := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", cardCharge("idem-1", "BR", "4242424242424242"))
	// Key order and spacing do not make another body.
	raw := `{ "paymentFlow":"DIRECT", "idempotencyKey":"idem-1","amount":10000,"currency":"BRL","country":"BR","paymentMethod":"CREDIT_CARD",
	  "payer":{"phone":"+57 3123456789","email":"juan@example.com","name":"Juan Perez","document":{"type":"CPF","documentId":"42243309114"}},
	  "card":{"cvc":"123","cardHolderName":"JUAN PEREZ","cardNumber":"4242424242424242","expirationMonth":"06","expirationYear":"2029"},
	  "description":"order idem-1"}`
	code, again := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", raw)
	if code != http.StatusOK {
		t.Fatalf("replay: HTTP %d %s", code, again)
	}
	if diff := cmp.Diff(string(first), string(again)); diff != "" {
		t.Fatalf("replay differs (-first +again):\n%s", diff)
	}
	e.settle(merchantA)
	if n := len(e.recv.got("/a")); n != 1 {
		t.Fatalf("%d callbacks, want 1", n)
	}
}

func TestSameKeyOtherBodyIsAConflict(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("idem-2", "BR", "4242424242424242"))
	want := `409 {"timestamp":"` + t0Spring + `","status":409,"error":"Conflict","message":"idempotencyKey idem-2 was already used with a different request","path":"%s"}`
	tests := []struct {
		name, path string
		body       map[string]any
	}{
		{"another amount", "/v1/payments/charges/card", with(cardCharge("idem-2", "BR", "4242424242424242"), "amount", 10001)},
		{"another card", "/v1/payments/charges/card", cardCharge("idem-2", "BR", "5105105105105100")},
		{"another method under the same key", "/v1/payments/charges/pix", localCharge("idem-2", "BR", "PIX_DYNAMIC_QR")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.call(merchantA, http.MethodPost, tc.path, tc.body)
			if diff := cmp.Diff(fmt.Sprintf(want, tc.path), statusBody(code, body)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := e.get(merchantA, "/v1/payments/charges/idem-2"); at(got, "amount") != float64(10000) || at(got, "paymentMethod") != "CREDIT_CARD" {
		t.Fatalf("the stored payment changed: %v", got)
	}
}

func TestConcurrentIdenticalChargesMakeOnePayment(t *testing.T) {
	e := newEnv(t)
	e.token(merchantA)
	const n = 100
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, body := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", cardCharge("race", "BR", "4242424242424242"))
			if code != http.StatusOK {
				t.Errorf("request %d: HTTP %d %s", i, code, body)
			}
			bodies[i] = string(body)
		}()
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if bodies[i] != bodies[0] {
			t.Fatalf("answer %d differs:\n%s\n%s", i, bodies[i], bodies[0])
		}
	}
	e.settle(merchantA)
	if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED race SETTLED"}, e.events("/a")); diff != "" {
		t.Fatalf("callbacks (-want +got):\n%s", diff)
	}
}

func TestConcurrentLocalMethodChargesAndRefunds(t *testing.T) {
	e := newEnv(t)
	e.token(merchantA)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("many-refunds", "BR", "4242424242424242"))
	var wg sync.WaitGroup
	codes := make([]int, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// 20 different refunds of 1000 each against 10000: exactly ten fit.
			codes[i], _ = e.call(merchantA, http.MethodPost, "/v1/payments/charges/refund", refund(fmt.Sprintf("mr-%d", i), "many-refunds", 1000, "BRL", "BR"))
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == http.StatusOK {
			ok++
		}
	}
	if ok != 10 {
		t.Fatalf("%d refunds went through, want 10 (codes %v)", ok, codes)
	}
	if got := e.get(merchantA, "/v1/payments/charges/many-refunds"); at(got, "transferStatus") != "REFUNDED" {
		t.Fatalf("payment %v", at(got, "transferStatus"))
	}
}

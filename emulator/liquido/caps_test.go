package liquido_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TrimStores keeps each of the merchant's other stores to the cap, the
// oldest going first, and keeps what may still be used.
func TestTrimStoresCapsEveryStore(t *testing.T) {
	vault := func(e *env, i int) string {
		got := e.post(merchantA, "/v1/payments/vault/card", map[string]any{"country": "BR", "card": map[string]any{
			"cardHolderName": "Ana", "cardNumber": "4242424242424242", "expirationMonth": "09", "expirationYear": "2030", "cvc": "123"}})
		return str(got["cardId"])
	}
	chargeByCard := func(e *env, id string) bool {
		body := cardCharge("by-"+id, "BR", "")
		delete(body, "card")
		body["cardId"] = id
		_, raw := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", body)
		return !strings.Contains(string(raw), "no card was saved with this cardId")
	}
	quote := func(e *env, i int) string {
		return str(e.post(merchantA, "/v1/payments/proposals", map[string]any{"amount": 1000 + i, "country": "BR", "currency": "USD", "targetCurrency": "BRL"})["proposalId"])
	}
	useQuote := func(e *env, id string) bool {
		_, raw := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", with(cardCharge("fx-"+id, "BR", "4242424242424242"),
			"currency", "USD", "amount", 1000, "paymentProposalInfo", map[string]any{"proposalId": id}))
		return !strings.Contains(string(raw), "no proposal "+id+" was created")
	}
	account := func(e *env, i int) string {
		key := fmt.Sprint("va-", i)
		e.post(merchantA, "/v1/payments/virtual-accounts", map[string]any{"idempotencyKey": key, "userInfo": map[string]any{"legalName": "ACME SA DE CV"},
			"currency": "MXN", "country": "MX", "paymentMethod": "CLABE_ACCOUNT", "description": "sub account"})
		return key
	}
	accountKnown := func(e *env, key string) bool {
		code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/virtual-accounts/"+key, nil)
		return code == http.StatusOK
	}
	reference := func(e *env, i int) string {
		key := fmt.Sprint("ref-", i)
		e.post(merchantA, "/v1/payments/charges/references", map[string]any{"idempotencyKey": key, "country": "MX", "currency": "MXN",
			"description": "fee", "expirationDate": "2024-03-02"})
		return key
	}
	referenceKnown := func(e *env, key string) bool {
		code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/charges/references/"+key, nil)
		return code == http.StatusOK
	}
	cases := []struct {
		name    string
		make    func(e *env, i int) string
		known   func(e *env, id string) bool // the API still knows it (not its unknown-id answer)
		between func(e *env)                 // after making, before trimming
	}{
		{name: "vaulted cards", make: vault, known: chargeByCard},
		{name: "virtual accounts", make: account, known: accountKnown},
		{name: "FX proposals, once expired", make: quote, known: useQuote,
			between: func(e *env) { e.advance(merchantA, 16*time.Minute) }},
		{name: "PayCash references, once expired", make: reference, known: referenceKnown,
			between: func(e *env) { e.advance(merchantA, 72*time.Hour) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			var ids []string
			for i := range 5 {
				ids = append(ids, tc.make(e, i))
			}
			if tc.between != nil {
				// Still usable: kept however far past the cap.
				if n := e.lq.TrimStores(2); n != 0 {
					t.Errorf("TrimStores dropped %d still usable", n)
				}
				tc.between(e)
			}
			if n := e.lq.TrimStores(2); n != 3 {
				t.Errorf("TrimStores(2) dropped %d, want 3", n)
			}
			if n := e.lq.TrimStores(2); n != 0 {
				t.Errorf("a second TrimStores(2) dropped %d", n)
			}
			for i, id := range ids {
				if got, want := tc.known(e, id), i >= 3; got != want {
					t.Errorf("%s (#%d) known after TrimStores: %v, want %v", id, i, got, want)
				}
			}
			if n := e.lq.TrimStores(0); n != 0 {
				t.Errorf("TrimStores(0) dropped %d: 0 is no cap", n)
			}
		})
	}
}

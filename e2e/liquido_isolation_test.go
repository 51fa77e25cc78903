package e2e

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// Two merchants of one server: neither can read, refund, capture, cancel or
// reuse the other's payments, refunds, saved cards or tokens.
func TestLiquidoMerchantsAreIsolated(t *testing.T) {
	t.Parallel()
	second := lqNamed("lq-second-merchant")
	s := lqStart(t, second)

	for _, pair := range []struct{ owner, other lqMerchant }{{lqDefault, second}, {second, lqDefault}} {
		owner, other := pair.owner, pair.other
		t.Run(owner.id+" against "+other.id, func(t *testing.T) {
			t.Parallel()
			rv := callbacktest.New(t)
			key := lqKey(t, "")
			// The owner's things.
			s.post(t, owner, "/v1/payments/charges/card", lqWith(lqCard(key+"-pay", "BR", "4242424242424242"), "callbackUrl", rv.URL+"/owner"))
			s.post(t, owner, "/v1/payments/charges/refund", lqRefund(key+"-refund", key+"-pay", 1000, "BR"))
			s.post(t, owner, "/v1/payments/charges/card", lqWith(lqCard(key+"-auth", "BR", "4242424242424242"), "capture", false))
			s.post(t, owner, "/v1/payments/charges/boleto", lqLocal(key+"-boleto", "BR", "BOLETO"))
			card, _ := s.post(t, owner, "/v1/payments/vault/card", map[string]any{"country": "BR",
				"card": map[string]any{"cardHolderName": "OWNER", "cardNumber": "4581243338680000", "expirationMonth": "09", "expirationYear": "2030", "cvc": "123"}})["cardId"].(string)
			before := map[string]map[string]any{}
			for _, k := range []string{"-pay", "-auth", "-boleto"} {
				before[k] = s.payment(t, owner, key+k)
			}
			byCardID := lqCard(key+"-by-card-id", "BR", "")
			delete(byCardID, "card")
			byCardID["cardId"] = card
			const refunds = "/v1/payments/charges/refund"
			noPayment := func(suffix string) string { return "No payment found with idempotencyKey " + key + suffix }

			for _, tc := range []struct {
				name, method, path string
				body               any
				code               int
				want               string
			}{
				{"read the payment", http.MethodGet, "/v1/payments/charges/" + key + "-pay", nil, 404,
					lqSpring(404, "/v1/payments/charges/"+key+"-pay", noPayment("-pay"))},
				{"read the refund", http.MethodGet, refunds + "/" + key + "-refund", nil, 404,
					lqSpring(404, refunds+"/"+key+"-refund", "No refund found with idempotencyKey "+key+"-refund")},
				{"refund the payment", http.MethodPost, refunds, lqRefund(key+"-steal", key+"-pay", 1000, "BR"), 404,
					lqSpring(404, refunds, noPayment("-pay"))},
				{"capture the authorisation", http.MethodPost, "/v1/payments/charges/card/capture/" + key + "-auth", nil, 404,
					lqSpring(404, "/v1/payments/charges/card/capture/"+key+"-auth", noPayment("-auth"))},
				{"cancel the authorisation", http.MethodPost, "/v1/payments/charges/cancel/" + key + "-auth", nil, 404,
					lqSpring(404, "/v1/payments/charges/cancel/"+key+"-auth", noPayment("-auth"))},
				{"cancel the boleto", http.MethodPost, "/v1/payments/charges/cancel/" + key + "-boleto", nil, 404,
					lqSpring(404, "/v1/payments/charges/cancel/"+key+"-boleto", noPayment("-boleto"))},
				{"get the boleto's PDF", http.MethodGet, "/v1/payments/files/boleto/pdf/" + key + "-boleto", nil, 404,
					lqSpring(404, "/v1/payments/files/boleto/pdf/"+key+"-boleto", noPayment("-boleto"))},
				{"charge the saved card", http.MethodPost, "/v1/payments/charges/card", byCardID, 400,
					lqInvalid("/v1/payments/charges/card", "cardId", "no card was saved with this cardId")},
			} {
				t.Run(tc.name, func(t *testing.T) {
					lqReplyDiff(t, tc.name, s.call(t, other, tc.method, tc.path, tc.body), tc.code, tc.want)
				})
			}

			// The owner's token is no use with the other's x-api-key, either way.
			for _, h := range []http.Header{
				{"Authorization": {"Bearer " + s.token(t, owner)}, "X-Api-Key": {other.apiKey}},
				{"Authorization": {"Bearer " + s.token(t, other)}, "X-Api-Key": {owner.apiKey}},
			} {
				lqReplyDiff(t, "a token with the other merchant's x-api-key", s.send(t, http.MethodGet, "/v1/payments/charges/"+key+"-pay", nil, h),
					http.StatusForbidden, `{"message":"Forbidden"}`)
			}
			// The owner's client_id with the other's secret gets no token.
			lqReplyDiff(t, "a token for the owner with the other's secret",
				s.tokenRequest(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {owner.id}, "client_secret": {other.secret}}, nil), http.StatusBadRequest, `{"error":"invalid_client"}`)

			// The same key at the other merchant is a payment of its own.
			got := s.post(t, other, "/v1/payments/charges/card", lqWith(lqCard(key+"-pay", "BR", "4000001240000000"), "amount", 777, "callbackUrl", rv.URL+"/other"))
			if diff := cmp.Diff([]any{"FAILED", 777.0}, []any{got["transferStatus"], got["amount"]}); diff != "" {
				t.Errorf("the other merchant's payment under the same key (-want +got):\n%s", diff)
			}
			// The owner's things did not change.
			for k, want := range before {
				if diff := cmp.Diff(want, s.payment(t, owner, key+k)); diff != "" {
					t.Errorf("the owner's %s changed (-before +after):\n%s", k, diff)
				}
			}
			if got := s.get(t, owner, "/v1/payments/charges/refund/"+key+"-refund"); got["amount"] != 1000.0 || got["referenceId"] != key+"-pay" {
				t.Errorf("the owner's refund: %v", got)
			}
			// Each merchant's callbacks are signed with its own secret only.
			s.advance(t, owner, "0s")
			s.advance(t, other, "0s")
			for _, r := range rv.Received() {
				signer, stranger := owner, other
				if r.Path == "/other" {
					signer, stranger = other, owner
				}
				if _, err := lqVerify(r.Header.Get("Liquido-Signature"), r.Body, signer.secret); err != nil {
					t.Errorf("a callback to %s: %v", r.Path, err)
				}
				if _, err := lqVerify(r.Header.Get("Liquido-Signature"), r.Body, stranger.secret); err == nil {
					t.Errorf("a callback to %s verifies with the other merchant's secret", r.Path)
				}
			}
			if n := len(rv.Received()); n != 3 {
				t.Errorf("%d callbacks, want 3 (owner: charge, refund; other: charge)", n)
			}
		})
	}

	t.Run("each merchant has its own clock", func(t *testing.T) {
		// This runs before the parallel pairs above resume; they advance
		// the clocks by 0 s only.
		key := lqKey(t, "")
		for _, m := range []lqMerchant{lqDefault, second} {
			s.post(t, m, "/v1/payments/charges/pix", lqWith(lqLocal(key, "BR", "PIX_STATIC_QR"), "description", "asyncFinalizationDelay=60"))
		}
		s.advance(t, second, "60s")
		if diff := cmp.Diff([]any{"IN_PROGRESS", "SETTLED"}, []any{s.payment(t, lqDefault, key)["transferStatus"], s.payment(t, second, key)["transferStatus"]}); diff != "" {
			t.Errorf("after advancing the second merchant's clock: default, second (-want +got):\n%s", diff)
		}
	})
}

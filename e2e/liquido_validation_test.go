package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every 400 the API answers for a request it cannot take, with its exact
// body (the Spring shape with one entry per field, reference §14), and the
// 404s and 413 around them.
func TestLiquidoBadRequests(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := lqDefault
	const (
		card   = "/v1/payments/charges/card"
		pix    = "/v1/payments/charges/pix"
		boleto = "/v1/payments/charges/boleto"
		vault  = "/v1/payments/vault/card"
	)
	base := func() map[string]any { return lqCard("bad-request", "BR", "4242424242424242") }
	cardOf := func(b map[string]any, kv ...any) map[string]any {
		lqWith(b["card"].(map[string]any), kv...)
		return b
	}
	tests := []struct {
		name, path string
		body       any
		want       string
	}{
		{"no body", card, "", lqSpring(400, card, "Required request body is missing")},
		{"not JSON", card, `{"amount":`, lqSpring(400, card, "JSON parse error: unexpected EOF")},
		{"not an object", card, `[1,2]`, lqSpring(400, card, "JSON parse error: the request body must be a JSON object")},
		{"two objects", card, `{}{}`, lqSpring(400, card, "JSON parse error: unexpected data after the top-level object")},
		{"an empty object", card, `{}`, lqInvalid(card,
			"idempotencyKey", "must not be blank", "amount", "must not be null", "currency", "must not be blank",
			"country", "must not be blank", "paymentMethod", "must not be blank", "paymentFlow", "must not be blank",
			"payer", "must not be null", "card", "must not be null when no cardId is given")},
		{"a zero amount", card, lqWith(base(), "amount", 0), lqInvalid(card, "amount", "must be greater than 0")},
		{"a negative amount as text", card, lqWith(base(), "amount", "-5"), lqInvalid(card, "amount", "must be greater than 0")},
		{"a fractional amount", card, lqWith(base(), "amount", 10.5), lqInvalid(card, "amount", "must be a whole number")},
		{"an amount that is no number", card, lqWith(base(), "amount", "ten"), lqInvalid(card, "amount", "must be a whole number")},
		{"a huge amount", card, lqWith(base(), "amount", 1e13), lqInvalid(card, "amount", "must be at most 1000000000000")},
		{"an unknown country", card, lqWith(base(), "country", "XX"), lqInvalid(card, "country", "must be one of AR, BR, CL, CO, EC, GT, MX, PA, PE, SV")},
		{"another country's currency", card, lqWith(base(), "currency", "MXN"), lqInvalid(card, "currency", "MXN is not accepted in BR: use BRL, or USD")},
		{"another endpoint's method", card, lqWith(base(), "paymentMethod", "PIX_DYNAMIC_QR"), lqInvalid(card, "paymentMethod", "must be one of CREDIT_CARD, CARD, DEBIT_CARD on this endpoint")},
		{"an unknown flow", card, lqWith(base(), "paymentFlow", "POPUP"), lqInvalid(card, "paymentFlow", "must be DIRECT or REDIRECT")},
		{"a payer that is text", card, lqWith(base(), "payer", "Juan"), lqInvalid(card, "payer", "must be an object")},
		{"a payer name with accents", card, lqWith(base(), "payer", map[string]any{"name": "José Peña"}),
			lqInvalid(card, "payer.name", "only letters (without accents), numbers and spaces are allowed")},
		{"a bad email", card, lqWith(base(), "payer", map[string]any{"email": "juan.example.com"}), lqInvalid(card, "payer.email", "must be a well-formed email address")},
		{"another country's document type", card, lqWith(base(), "payer", map[string]any{"document": map[string]any{"documentId": "123", "type": "CC"}}),
			lqInvalid(card, "payer.document.type", "must be one of CPF, CNPJ in BR")},
		{"a CPF of 10 digits", card, lqWith(base(), "payer", map[string]any{"document": map[string]any{"documentId": "123.456.789-0", "type": "CPF"}}),
			lqInvalid(card, "payer.document.documentId", "a CPF has 11 digits")},
		{"a CNPJ of 13 digits", card, lqWith(base(), "payer", map[string]any{"document": map[string]any{"documentId": "1234567890123", "type": "CNPJ"}}),
			lqInvalid(card, "payer.document.documentId", "a CNPJ has 14 digits")},
		{"a document without an id", card, lqWith(base(), "payer", map[string]any{"document": map[string]any{"type": "CPF"}}),
			lqInvalid(card, "payer.document.documentId", "must not be blank")},
		{"orderInfo without orderId", card, lqWith(base(), "orderInfo", map[string]any{"orderReferenceNumber": "x"}), lqInvalid(card, "orderInfo.orderId", "must not be blank")},
		{"a relative callbackUrl", card, lqWith(base(), "callbackUrl", "api.client.comcallback/"), lqInvalid(card, "callbackUrl", "must be an absolute http(s) URL")},
		{"a key with a slash", card, lqWith(base(), "idempotencyKey", "a/b"), lqInvalid(card, "idempotencyKey", "must be 1 to 255 characters without '/' or control characters")},
		{"a key of 256 characters", card, lqWith(base(), "idempotencyKey", strings.Repeat("k", 256)), lqInvalid(card, "idempotencyKey", "must be 1 to 255 characters without '/' or control characters")},
		{"card and cardId", card, lqWith(base(), "cardId", "x"), lqInvalid(card, "cardId", "give either card or cardId, not both")},
		{"an unknown cardId", card, lqWith(lqWith(base(), "card", nil), "cardId", "no-such-card"), lqInvalid(card, "cardId", "no card was saved with this cardId")},
		{"month 13, a bad cvc, a short number", card, cardOf(base(), "expirationMonth", "13", "cvc", "12a", "cardNumber", "4242"), lqInvalid(card,
			"card.cardNumber", "must be 12 to 19 digits", "card.expirationMonth", "must be between 1 and 12", "card.cvc", "must be 3 or 4 digits")},
		{"a year out of range", card, cardOf(base(), "expirationYear", 3000), lqInvalid(card, "card.expirationYear", "must be a year such as 2029")},
		{"an empty card", card, lqWith(base(), "card", map[string]any{}), lqInvalid(card,
			"card.cardHolderName", "must not be blank", "card.cardNumber", "must not be blank",
			"card.expirationMonth", "must not be null", "card.expirationYear", "must not be null", "card.cvc", "must not be blank")},
		{"0 installments", card, lqWith(base(), "installments", 0), lqInvalid(card, "installments", "must be between 1 and 48")},
		{"capture that is no boolean", card, lqWith(base(), "capture", "no"), lqInvalid(card, "capture", "must be true or false")},
		{"3-D Secure in Colombia", card, lqWith(lqCard("bad-request", "CO", "4242424242424242"), "card3dsInfo", map[string]any{"use3ds": true}),
			lqInvalid(card, "card3dsInfo.use3ds", "3-D Secure is offered in BR and MX only")},
		{"REDIRECT without a return page", card, lqWith(base(), "paymentFlow", "REDIRECT"), lqInvalid(card, "merchantRedirectInfo.merchantPageUrl", "must not be blank")},
		{"a return page on DIRECT", card, lqWith(base(), "merchantRedirectInfo", map[string]any{"merchantPageUrl": "https://shop.example"}),
			lqInvalid(card, "merchantRedirectInfo.merchantPageUrl", "can only be set when paymentFlow is REDIRECT")},
		{"Pix in Mexico", pix, lqLocal("bad-request", "MX", "PIX_DYNAMIC_QR"), lqInvalid(pix, "country", "pix is not offered in MX (only BR)")},
		{"a Pix code expiring in the past", pix, lqWith(lqLocal("bad-request", "BR", "PIX_DYNAMIC_QR"), "expirationInfo", map[string]any{"expiresAt": 1700000000}),
			lqInvalid(pix, "expirationInfo.expiresAt", "must be in the future")},
		{"an unknown finalStatus", pix, lqWith(lqLocal("bad-request", "BR", "PIX_STATIC_QR"), "description", "finalStatus=PAID;"),
			lqInvalid(pix, "description", "finalStatus=PAID: must be one of SETTLED, FAILED, CANCELLED, EXPIRED")},
		{"a negative delay", "/v1/payments/charges/oxxo", lqWith(lqLocal("bad-request", "MX", "OXXO"), "description", "asyncFinalizationDelay=-1"),
			lqInvalid("/v1/payments/charges/oxxo", "description", "asyncFinalizationDelay=-1: must be a whole number of seconds from 0 to 2592000")},
		{"a boleto under 5 BRL", boleto, lqWith(lqLocal("bad-request", "BR", "BOLETO"), "amount", 499),
			lqInvalid(boleto, "amount", "Minimum amount of Boleto is 5BRL.")},
		{"a boleto without a document", boleto, lqWith(lqLocal("bad-request", "BR", "BOLETO"), "payer", map[string]any{"name": "Ana"}),
			lqInvalid(boleto, "payer.document", "must not be null: a boleto needs the payer's CPF or CNPJ")},
		{"PSE without its object", "/v1/payments/charges/pse", lqLocal("bad-request", "CO", "PSE"), lqInvalid("/v1/payments/charges/pse", "pse", "must not be null")},
		{"PSE's person type", "/v1/payments/charges/pse", lqWith(lqLocal("bad-request", "CO", "PSE"), "pse", map[string]any{"personType": "COMPANY", "financialInstitutionCode": "1007"}),
			lqInvalid("/v1/payments/charges/pse", "pse.personType", "must be NATURAL or LEGAL")},
		{"a PayCash date", "/v1/payments/charges/paycash", lqWith(lqLocal("bad-request", "MX", "PAY_CASH"), "expirationDate", "30/09/2022"),
			lqInvalid("/v1/payments/charges/paycash", "expirationDate", "must be a date such as 2022-09-30")},
		{"a recurring PayCash", "/v1/payments/charges/paycash", lqWith(lqLocal("bad-request", "MX", "PAY_CASH"), "recurring", true),
			lqInvalid("/v1/payments/charges/paycash", "recurring", "must be false: a recurring reference is created with POST /v1/payments/charges/references")},
		{"a Nequi phone", "/v1/payments/charges/nequi", lqWith(lqLocal("bad-request", "CO", "NEQUI"), "nequi", map[string]any{"phone": "call me"}),
			lqInvalid("/v1/payments/charges/nequi", "nequi.phone", "must be a phone number such as +573123456789")},
		{"a vault request without a card", vault, map[string]any{"country": "BR"}, lqInvalid(vault, "card", "must not be null")},
		{"a vault request for an expired card", vault, map[string]any{"country": "BR",
			"card": map[string]any{"cardHolderName": "A", "cardNumber": "4242424242424242", "expirationMonth": 1, "expirationYear": 2024, "cvc": "123"}},
			lqInvalid(vault, "card.expirationYear", "the card has expired")},
		{"a capture of a bad amount", "/v1/payments/charges/card/capture/bad-request", `{"amount":-1}`,
			lqInvalid("/v1/payments/charges/card/capture/bad-request", "amount", "must be greater than 0")},
	}
	t.Run("refused", func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				lqReplyDiff(t, "POST "+tc.path, s.call(t, m, http.MethodPost, tc.path, tc.body), http.StatusBadRequest, tc.want)
			})
		}
	})
	// None of them made a payment (they all use the key bad-request).
	if r := s.call(t, m, http.MethodGet, "/v1/payments/charges/bad-request", nil); r.code != http.StatusNotFound {
		t.Errorf("a refused request stored a payment: HTTP %d %s", r.code, r.body)
	}

	t.Run("a key in the path that cannot be one", func(t *testing.T) {
		t.Parallel()
		for _, p := range []string{"/v1/payments/charges/%20", "/v1/payments/charges/a%0Ab", "/v1/payments/charges/" + strings.Repeat("k", 256)} {
			lqReplyDiff(t, "GET "+p, s.call(t, m, http.MethodGet, p, nil), http.StatusBadRequest,
				lqSpring(400, strings.NewReplacer("%20", " ", "%0A", "\n").Replace(p), "Invalid idempotencyKey in the path"))
		}
	})

	t.Run("what is not there", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct{ method, path, message string }{
			{http.MethodGet, "/v1/payments/charges/no-such-payment", "No payment found with idempotencyKey no-such-payment"},
			{http.MethodPost, "/v1/payments/charges/cancel/no-such-payment", "No payment found with idempotencyKey no-such-payment"},
			{http.MethodPost, "/v1/payments/charges/card/capture/no-such-payment", "No payment found with idempotencyKey no-such-payment"},
			{http.MethodGet, "/v1/payments/charges/refund/no-such-refund", "No refund found with idempotencyKey no-such-refund"},
			{http.MethodPost, "/v1/payments/bitcoin", "No endpoint POST /v1/payments/bitcoin"},             // POST /v1/payments/charges/bitcoin is GET's path: 405
			{http.MethodDelete, "/v1/payments/charges/x/y", "No endpoint DELETE /v1/payments/charges/x/y"}, // DELETE on a known path: 405 (liquido_catalogue_test.go)
		} {
			lqReplyDiff(t, tc.method+" "+tc.path, s.call(t, m, tc.method, tc.path, nil), http.StatusNotFound, lqSpring(404, tc.path, tc.message))
		}
	})

	t.Run("a body over 1 MiB", func(t *testing.T) {
		t.Parallel()
		big := `{"description":"` + strings.Repeat("x", 1<<20) + `"}`
		lqReplyDiff(t, "POST "+card, s.call(t, m, http.MethodPost, card, big), http.StatusRequestEntityTooLarge,
			lqSpring(413, card, "Request body larger than 1 MiB"))
	})
}

// An idempotencyKey names its payment in later URL paths (GET, capture,
// cancel, the boleto PDF), so the API must refuse a key no path can carry,
// or serve it. "." and ".." are dot segments: HTTP stacks remove them from
// a path, escaped or not (RFC 3986 §5.2.4), so such a payment can be
// created but never retrieved, captured or cancelled.
func TestLiquidoEveryAcceptedKeyNamesItsPayment(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	for _, key := range []string{"a b", "%", "x?y", "#", "ñandú", ".", "..", "...", ".x"} {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			r := s.call(t, lqDefault, http.MethodPost, "/v1/payments/charges/card", lqWith(lqCard(key, "MX", "4242424242424242"), "capture", false))
			if r.code == http.StatusBadRequest && strings.Contains(string(r.body), `"field":"idempotencyKey"`) {
				return // refused: fine
			}
			if r.code != http.StatusOK {
				t.Fatalf("create: HTTP %d %s", r.code, r.body)
			}
			escaped := strings.ReplaceAll(url.PathEscape(key), ".", "%2E")
			for _, p := range []struct{ method, path string }{
				{http.MethodGet, "/v1/payments/charges/" + url.PathEscape(key)},
				{http.MethodGet, "/v1/payments/charges/" + escaped},
				{http.MethodPost, "/v1/payments/charges/card/capture/" + escaped},
			} {
				got := s.call(t, lqDefault, p.method, p.path, nil)
				if got.code != http.StatusOK {
					t.Errorf("the API accepted idempotencyKey %q, but %s %s answers HTTP %d %s", key, p.method, p.path, got.code, got.body)
					continue
				}
				if k := got.json(t)["idempotencyKey"]; k != key {
					t.Errorf("%s %s answers payment %v", p.method, p.path, k)
				}
			}
		})
	}
}

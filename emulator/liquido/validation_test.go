package liquido_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// invalid is the exact 400 body for field errors, given as field, message pairs.
func invalid(path string, fm ...string) string {
	type fe struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	}
	var fields []fe
	var parts []string
	for i := 0; i+1 < len(fm); i += 2 {
		fields = append(fields, fe{fm[i], fm[i+1]})
		parts = append(parts, fm[i]+": "+fm[i+1])
	}
	errs, _ := json.Marshal(fields)
	msg, _ := json.Marshal("Validation failed: " + strings.Join(parts, "; "))
	return `400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":` + string(msg) +
		`,"path":"` + path + `","errors":` + string(errs) + `}`
}

func badRequest(path, msg string) string {
	m, _ := json.Marshal(msg)
	return `400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":` + string(m) + `,"path":"` + path + `"}`
}

func TestValidationErrors(t *testing.T) {
	e := newEnv(t)
	const card = "/v1/payments/charges/card"
	edit := func(body map[string]any, f func(map[string]any)) map[string]any { f(body); return body }
	cardOf := func(b map[string]any) map[string]any { return b["card"].(map[string]any) }
	base := func() map[string]any { return cardCharge("v", "BR", "4242424242424242") }
	tests := []struct {
		name, path string
		body       any
		want       string
	}{
		{"no body", card, "", badRequest(card, "Required request body is missing")},
		{"not JSON", card, `{"amount":`, badRequest(card, "JSON parse error: unexpected EOF")},
		{"not an object", card, `[1,2]`, badRequest(card, "JSON parse error: the request body must be a JSON object")},
		{"two objects", card, `{}{}`, badRequest(card, "JSON parse error: unexpected data after the top-level object")},
		{"empty object", card, `{}`, invalid(card,
			"idempotencyKey", "must not be blank", "amount", "must not be null", "currency", "must not be blank",
			"country", "must not be blank", "paymentMethod", "must not be blank", "paymentFlow", "must not be blank",
			"payer", "must not be null", "card", "must not be null when no cardId is given")},
		{"zero amount", card, with(base(), "amount", 0), invalid(card, "amount", "must be greater than 0")},
		{"negative amount", card, with(base(), "amount", "-5"), invalid(card, "amount", "must be greater than 0")},
		{"fractional amount", card, with(base(), "amount", 10.5), invalid(card, "amount", "must be a whole number")},
		{"amount not a number", card, with(base(), "amount", "ten"), invalid(card, "amount", "must be a whole number")},
		{"amount an object", card, with(base(), "amount", map[string]any{}), invalid(card, "amount", "must be a whole number")},
		{"huge amount", card, with(base(), "amount", 1e13), invalid(card, "amount", "must be at most 1000000000000")},
		{"unknown country", card, with(base(), "country", "XX"), invalid(card, "country", "must be one of AR, BR, CL, CO, EC, GT, MX, PA, PE, SV")},
		{"currency of another country", card, with(base(), "currency", "MXN"), invalid(card, "currency", "MXN is not accepted in BR: use BRL, or USD")},
		{"method of another endpoint", card, with(base(), "paymentMethod", "PIX_DYNAMIC_QR"), invalid(card, "paymentMethod", "must be one of CREDIT_CARD, CARD, DEBIT_CARD on this endpoint")},
		{"unknown flow", card, with(base(), "paymentFlow", "POPUP"), invalid(card, "paymentFlow", "must be DIRECT or REDIRECT")},
		{"payer a text", card, with(base(), "payer", "Juan"), invalid(card, "payer", "must be an object")},
		{"payer name with accents", card, with(base(), "payer", map[string]any{"name": "José Peña"}), invalid(card, "payer.name", "only letters (without accents), numbers and spaces are allowed")},
		{"bad email", card, with(base(), "payer", map[string]any{"email": "juan.example.com"}), invalid(card, "payer.email", "must be a well-formed email address")},
		{"document type of another country", card, with(base(), "payer", map[string]any{"document": map[string]any{"documentId": "123", "type": "CC"}}),
			invalid(card, "payer.document.type", "must be one of CPF, CNPJ in BR")},
		{"CPF with 10 digits", card, with(base(), "payer", map[string]any{"document": map[string]any{"documentId": "123.456.789-0", "type": "CPF"}}),
			invalid(card, "payer.document.documentId", "a CPF has 11 digits")},
		{"document without id", card, with(base(), "payer", map[string]any{"document": map[string]any{"type": "CPF"}}),
			invalid(card, "payer.document.documentId", "must not be blank")},
		{"orderInfo without orderId", card, with(base(), "orderInfo", map[string]any{"orderReferenceNumber": "x"}), invalid(card, "orderInfo.orderId", "must not be blank")},
		{"bad callbackUrl", card, with(base(), "callbackUrl", "api.client.comcallback/"), invalid(card, "callbackUrl", "must be an absolute http(s) URL")},
		{"key with a slash", card, with(base(), "idempotencyKey", "a/b"), invalid(card, "idempotencyKey", "must be 1 to 255 characters without '/' or control characters")},
		{"key with a C1 control character", card, with(base(), "idempotencyKey", "k\u0085"), invalid(card, "idempotencyKey", "must be 1 to 255 characters without '/' or control characters")},
		{"card and cardId", card, with(base(), "cardId", "x"), invalid(card, "cardId", "give either card or cardId, not both")},
		{"month 13, bad cvc, short number", card, edit(base(), func(b map[string]any) {
			c := cardOf(b)
			c["expirationMonth"], c["cvc"], c["cardNumber"] = "13", "12a", "4242"
		}), invalid(card, "card.cardNumber", "must be 12 to 19 digits", "card.expirationMonth", "must be between 1 and 12", "card.cvc", "must be 3 or 4 digits")},
		{"year out of range", card, edit(base(), func(b map[string]any) { cardOf(b)["expirationYear"] = 3000 }), invalid(card, "card.expirationYear", "must be a year such as 2029")},
		{"card fields missing", card, with(base(), "card", map[string]any{}), invalid(card,
			"card.cardHolderName", "must not be blank", "card.cardNumber", "must not be blank",
			"card.expirationMonth", "must not be null", "card.expirationYear", "must not be null", "card.cvc", "must not be blank")},
		{"installments 0", card, with(base(), "installments", 0), invalid(card, "installments", "must be between 1 and 48")},
		{"capture not a boolean", card, with(base(), "capture", "no"), invalid(card, "capture", "must be true or false")},
		{"REDIRECT without a return page", card, with(base(), "paymentFlow", "REDIRECT"), invalid(card, "merchantRedirectInfo.merchantPageUrl", "must not be blank")},
		{"return page on DIRECT", card, with(base(), "merchantRedirectInfo", map[string]any{"merchantPageUrl": "https://shop.example"}),
			invalid(card, "merchantRedirectInfo.merchantPageUrl", "can only be set when paymentFlow is REDIRECT")},
		{"pix in Mexico", "/v1/payments/charges/pix", localCharge("v", "MX", "PIX_DYNAMIC_QR"), invalid("/v1/payments/charges/pix", "country", "pix is not offered in MX (only BR)")},
		{"pix expiring in the past", "/v1/payments/charges/pix", with(localCharge("v", "BR", "PIX_DYNAMIC_QR"), "expirationInfo", map[string]any{"expiresAt": t0.Unix()}),
			invalid("/v1/payments/charges/pix", "expirationInfo.expiresAt", "must be in the future")},
		{"unknown finalStatus", "/v1/payments/charges/pix", with(localCharge("v", "BR", "PIX_STATIC_QR"), "description", "finalStatus=PAID;"),
			invalid("/v1/payments/charges/pix", "description", "finalStatus=PAID: must be one of SETTLED, FAILED, CANCELLED, EXPIRED")},
		{"negative delay", "/v1/payments/charges/oxxo", with(localCharge("v", "MX", "OXXO"), "description", "asyncFinalizationDelay=-1"),
			invalid("/v1/payments/charges/oxxo", "description", "asyncFinalizationDelay=-1: must be a whole number of seconds from 0 to 2592000")},
		{"boleto under 5 BRL", "/v1/payments/charges/boleto", with(localCharge("v", "BR", "BOLETO"), "amount", 499),
			invalid("/v1/payments/charges/boleto", "amount", "Minimum amount of Boleto is 5BRL.")},
		{"boleto without a document", "/v1/payments/charges/boleto", with(localCharge("v", "BR", "BOLETO"), "payer", map[string]any{"name": "Ana"}),
			invalid("/v1/payments/charges/boleto", "payer.document", "must not be null: a boleto needs the payer's CPF or CNPJ")},
		{"PSE without its object", "/v1/payments/charges/pse", localCharge("v", "CO", "PSE"), invalid("/v1/payments/charges/pse", "pse", "must not be null")},
		{"PSE person type", "/v1/payments/charges/pse", with(localCharge("v", "CO", "PSE"), "pse", map[string]any{"personType": "COMPANY", "financialInstitutionCode": "1007"}),
			invalid("/v1/payments/charges/pse", "pse.personType", "must be NATURAL or LEGAL")},
		{"PayCash date", "/v1/payments/charges/paycash", with(localCharge("v", "MX", "PAY_CASH"), "expirationDate", "30/09/2022"),
			invalid("/v1/payments/charges/paycash", "expirationDate", "must be a date such as 2022-09-30")},
		{"Nequi phone", "/v1/payments/charges/nequi", with(localCharge("v", "CO", "NEQUI"), "nequi", map[string]any{"phone": "call me"}),
			invalid("/v1/payments/charges/nequi", "nequi.phone", "must be a phone number such as +573123456789")},
		{"vault without a card", "/v1/payments/vault/card", map[string]any{"country": "BR"}, invalid("/v1/payments/vault/card", "card", "must not be null")},
		{"vault an expired card", "/v1/payments/vault/card", map[string]any{"country": "BR",
			"card": map[string]any{"cardHolderName": "A", "cardNumber": "4242424242424242", "expirationMonth": 1, "expirationYear": 2024, "cvc": "123"}},
			invalid("/v1/payments/vault/card", "card.expirationYear", "the card has expired")},
		{"refund without fields", "/v1/payments/charges/refund", `{}`, invalid("/v1/payments/charges/refund",
			"idempotencyKey", "must not be blank", "referenceId", "must not be blank", "amount", "must not be null",
			"currency", "must not be blank", "country", "must not be blank")},
		{"capture with a bad amount", "/v1/payments/charges/card/capture/x", `{"amount":-1}`,
			invalid("/v1/payments/charges/card/capture/x", "amount", "must be greater than 0")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.call(merchantA, http.MethodPost, tc.path, tc.body)
			if diff := cmp.Diff(tc.want, statusBody(code, body)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	// None of them made a payment.
	if code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/charges/v", nil); code != http.StatusNotFound {
		t.Fatalf("a refused request stored a payment: HTTP %d", code)
	}
}

func TestOversizedBody(t *testing.T) {
	e := newEnv(t)
	big := `{"description":"` + strings.Repeat("x", 1<<20) + `"}`
	code, body := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", big)
	want := `413 {"timestamp":"` + t0Spring + `","status":413,"error":"Request Entity Too Large","message":"Request body larger than 1 MiB","path":"/v1/payments/charges/card"}`
	if diff := cmp.Diff(want, statusBody(code, body)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestUnknownPathsAnswerInLiquidosShape(t *testing.T) {
	e := newEnv(t)
	code, body := e.call(merchantA, http.MethodPost, "/v1/payments/charges/bitcoin/x", `{}`)
	want := `404 {"timestamp":"` + t0Spring + `","status":404,"error":"Not Found","message":"No endpoint POST /v1/payments/charges/bitcoin/x","path":"/v1/payments/charges/bitcoin/x"}`
	if diff := cmp.Diff(want, statusBody(code, body)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	code, body = e.call(merchantA, http.MethodGet, "/v1/payments/charges/nope", nil)
	want = `404 {"timestamp":"` + t0Spring + `","status":404,"error":"Not Found","message":"No payment found with idempotencyKey nope","path":"/v1/payments/charges/nope"}`
	if diff := cmp.Diff(want, statusBody(code, body)); diff != "" {
		t.Fatalf("unknown payment (-want +got):\n%s", diff)
	}
}

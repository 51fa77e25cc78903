// Package liquidotest builds valid Liquido request bodies for tests: the
// emulator's own tests and the end-to-end suite share them, so a change to
// what a valid request needs is made once.
package liquidotest

import "strings"

// Currency is the local currency of the countries the fixtures use.
func Currency(country string) string {
	switch country {
	case "BR":
		return "BRL"
	case "MX":
		return "MXN"
	case "CO":
		return "COP"
	}
	return ""
}

// Payer is a valid payer of country, with the document type that country uses.
func Payer(country string) map[string]any {
	p := map[string]any{"name": "Juan Perez", "email": "juan@example.com", "phone": "+57 3123456789"}
	switch country {
	case "BR":
		p["document"] = map[string]any{"documentId": "42243309114", "type": "CPF"}
	case "MX":
		p["document"] = map[string]any{"documentId": "HRGRJN82050602H900", "type": "INE"}
	case "CO":
		p["document"] = map[string]any{"documentId": "1023456789", "type": "CC"}
	}
	return p
}

// CardCharge is a DIRECT card charge of 100.00 in country's currency.
func CardCharge(key, country, pan string) map[string]any {
	return map[string]any{
		"idempotencyKey": key,
		"amount":         10000,
		"currency":       Currency(country),
		"country":        country,
		"paymentMethod":  "CREDIT_CARD",
		"paymentFlow":    "DIRECT",
		"payer":          Payer(country),
		"card": map[string]any{
			"cardHolderName": "JUAN PEREZ", "cardNumber": pan,
			"expirationMonth": "06", "expirationYear": "2029", "cvc": "123",
		},
		"description": "order " + key,
	}
}

// LocalCharge is a charge of 1500.00 with a local payment method.
func LocalCharge(key, country, method string) map[string]any {
	return map[string]any{
		"idempotencyKey": key,
		"amount":         150000,
		"currency":       Currency(country),
		"country":        country,
		"paymentMethod":  method,
		"paymentFlow":    "DIRECT",
		"payer":          Payer(country),
	}
}

// Refund refunds amount of the payment reference under its own key.
func Refund(key, reference string, amount int64, currency, country string) map[string]any {
	return map[string]any{
		"idempotencyKey": key, "referenceId": reference, "amount": amount,
		"currency": currency, "country": country, "description": "refund test",
	}
}

// With sets key, value pairs on a request body and returns it.
func With(body map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		body[kv[i].(string)] = kv[i+1]
	}
	return body
}

// At reads a dotted path ("transferDetails.pix.qrCode") of a decoded answer;
// nil where the path leaves the objects.
func At(m map[string]any, path string) any {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[part]
	}
	return cur
}

// Event is a Liquido callback body as a merchant decodes it
// (reference liquido.md §15.4).
type Event struct {
	EventType string `json:"eventType"`
	Data      struct {
		ChargeDetails map[string]any `json:"chargeDetails"`
	} `json:"data"`
}

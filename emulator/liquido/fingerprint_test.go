package liquido

import (
	"encoding/json"
	"testing"
)

// A request's fingerprint, saved in the state file and bundles beside its
// key, holds nothing the journal does not show: it is the fingerprint of
// the body with the card masked and the CVC removed, so trying the digits
// a masked card hides finds nothing.
func TestFingerprintHoldsNoCardData(t *testing.T) {
	decode := func(s string) map[string]any {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	key := randomKey()
	full := decode(`{"idempotencyKey":"k","amount":100,"card":{"cardNumber":"4000056655665556","cvc":"7319","expirationMonth":11}}`)
	shown := decode(`{"idempotencyKey":"k","amount":100,"card":{"cardNumber":"400005******5556","expirationMonth":11}}`)
	if fingerprint(key, ActionCard, full) != fingerprint(key, ActionCard, shown) {
		t.Error("the fingerprint depends on the card's hidden digits or its CVC")
	}
	other := decode(`{"idempotencyKey":"k","amount":200,"card":{"cardNumber":"4000056655665556","cvc":"7319","expirationMonth":11}}`)
	if fingerprint(key, ActionCard, full) == fingerprint(key, ActionCard, other) {
		t.Error("two bodies with different amounts have one fingerprint")
	}
}

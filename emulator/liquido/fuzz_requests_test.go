package liquido

import (
	"testing"
	"time"
)

// FuzzRequestDecoders throws arbitrary bodies (and path keys) at every
// Liquido decoder not fuzzed elsewhere: refund, capture, vault, proposal,
// PayCash reference, virtual account, and the path-keyed lookups. None may
// panic; each accepts the request or refuses it with a 4xx and a message.
func FuzzRequestDecoders(f *testing.F) {
	seeds := []struct{ key, body string }{
		{"k1", `{"idempotencyKey":"r1","referenceId":"k1","amount":100,"currency":"BRL","callbackUrl":"http://127.0.0.1:1/cb","description":"x"}`},
		{"k1", `{"amount":"1e99999","currency":"USD"}`},
		{"k/../x", `{"cardNumber":"4242424242424242","expirationMonth":"13","expirationYear":"1999","cvc":"12345","cardHolderName":""}`},
		{"", `{"amount":5000,"currency":"USD","country":"BR","paymentMethod":"PIX","payer":{"document":{"documentId":"x","type":"CPF"}}}`},
		{"ref", `{"idempotencyKey":"ref","country":"MX","currency":"MXN","amount":-1,"expirationDate":"2024-13-45"}`},
		{"acc", `{"idempotencyKey":"acc","country":"MX","currency":"MXN","accountName":"\u0000","callbackUrl":"javascript:x"}`},
		{"x", `[]`}, {"x", `{}`}, {"x", `null`}, {"x", `{"amount":00012}`}, {"\x00", "\xff\xfe"},
	}
	for _, s := range seeds {
		f.Add(s.key, []byte(s.body))
	}
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	m := &merchant{hashKey: []byte("k"), books: newBooks()}
	// A list, not a map: every run tries the decoders in the same order, so
	// a failing input reports the same decoder each time it is re-run.
	decoders := []struct {
		name   string
		decode decoder
	}{
		{"refund", decodeRefund}, {"capture", decodeCapture}, {"vault", decodeVault}, {"proposal", decodeProposal},
		{"reference", decodeReference}, {"account", decodeAccount}, {"refund lookup", decodeRefundLookup},
		{"reference lookup", decodeReferenceLookup}, {"account lookup", decodeAccountLookup}, {"cancel", decodeCancel},
	}
	f.Fuzz(func(t *testing.T, key string, body []byte) {
		for _, d := range decoders {
			c := &call{m: m, key: key, body: body, now: now, baseURL: "http://127.0.0.1:8470"}
			if _, e := d.decode(c); e != nil && (e.status < 400 || e.status >= 500 || e.message == "") {
				t.Fatalf("%s: refusal %+v is not a 4xx with a message", d.name, e)
			}
		}
	})
}

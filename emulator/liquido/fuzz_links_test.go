package liquido

import (
	"net/http"
	"testing"
	"time"
)

// FuzzLinkAndPayoutDecoders throws arbitrary bodies at the payment-link
// create and refund decoders and the payout validator. None may panic; each
// accepts a request or refuses it with a 400 in its own shape (the cashier
// envelope for links, Spring's for payouts).
func FuzzLinkAndPayoutDecoders(f *testing.F) {
	seeds := []string{
		`{"orderId":"o","amount":10000,"currency":"BRL","country":"BR","allowPaymentMethods":["CREDIT_CARD","PIX"],"expiresAt":1709300000.5}`,
		`{"orderId":"o","amount":499,"currency":"BRL","country":"BR","allowPaymentMethods":["BOLETO","BOLETO",1,null],"paymentOptions":{"boleto":{"dueDate":"x"}}}`,
		`{"linkId":"x","refundAmount":"12","reason":"finalStatus=FAILED","additionalInfo":{"bankTransferAccountInfo":[]}}`,
		`{"idempotencyKey":"k","country":"BR","targetName":"A","targetDocument":"42243309114","targetPixKey":"+5511987654321","targetPixKeyType":"phone","amountInCents":1,"currency":"BRL"}`,
		`{"idempotencyKey":"k","country":"MX","targetName":"A","targetBankAccountId":"706180679889373163","targetBankCode":"9","amount":"1e99999","currency":"USD","comment":"statusDelay=99999999999999999999"}`,
		`[]`, `{}`, `{"allowPaymentMethods":{}}`, `{"expiresAt":1e999999}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	m := &merchant{hashKey: []byte("k"), books: newBooks()}
	f.Fuzz(func(t *testing.T, body []byte) {
		c := &call{m: m, body: body, now: now}
		for _, decode := range []decoder{decodeLinkCreate, decodeLinkRefund} {
			if _, e := decode(c); e != nil && (e.status != http.StatusBadRequest || e.shape != shapeCashier || e.message == "") {
				t.Fatalf("refusal %+v is not a cashier 400", e)
			}
		}
		for _, method := range []string{payoutPix, payoutSPEI} {
			if _, e := decodePayout(method)(c); e != nil && (e.status != http.StatusBadRequest || e.shape != shapeSpring || e.message == "") {
				t.Fatalf("refusal %+v is not a Spring 400", e)
			}
		}
	})
}

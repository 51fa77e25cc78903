package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/internal/liquidotest"
)

// lqWantRefund is a whole refund answer (reference §8.1): the payment
// envelope, keyed by the refund's own idempotencyKey, referenceId the
// payment's.
func lqWantRefund(key, payment, method string, amount, country, status, final, callbackURL string) string {
	currency := liquidotest.Currency(country)
	code, message := "200", "null"
	if status == "FAILED" {
		code, message = "400", `"Refund failed"`
	}
	return `{"transferStatusCode":` + code + `,"transferErrorMsg":` + message + `,"idempotencyKey":"` + key + `","referenceId":"` + payment + `",
		"paymentMethod":"` + method + `","amount":` + amount + `,"currency":"` + currency + `","country":"` + country + `",
		"finalAmount":` + amount + `,"finalCurrency":"` + currency + `","createTime":"<time>","scheduledTime":"<time>","finalStatusTime":` + final + `,
		"transferStatus":"` + status + `","description":"refund test","callbackUrl":"` + callbackURL + `"}`
}

func TestLiquidoRefunds(t *testing.T) {
	t.Parallel()
	// Merchants of their own for the subtests that move the clock.
	asyncCard, local := lqNamed("lq-refund-async"), lqNamed("lq-refund-local")
	s := lqStart(t, asyncCard, local)
	m := lqDefault
	const refunds = "/v1/payments/charges/refund"

	t.Run("partial, over, the rest", func(t *testing.T) {
		t.Parallel()
		rv, own := callbacktest.New(t), callbacktest.New(t)
		pay := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(pay, "BR", "4242424242424242"), "callbackUrl", rv.URL))

		r := s.call(t, m, http.MethodPost, refunds, lqRefund(pay+"-r1", pay, 3000, "BR"))
		lqReplyDiff(t, "partial refund", r, http.StatusOK, lqWantRefund(pay+"-r1", pay, "CREDIT_CARD", "3000", "BR", "SETTLED", `"<time>"`, ""))
		if again := s.call(t, m, http.MethodGet, refunds+"/"+pay+"-r1", nil); string(again.body) != string(r.body) {
			t.Errorf("GET refund differs from its answer:\n%s\n%s", again.body, r.body)
		}
		if got := s.payment(t, m, pay); got["transferStatus"] != "SETTLED" {
			t.Errorf("payment after a partial refund: %v", got["transferStatus"])
		}
		lqReplyDiff(t, "over-refund", s.call(t, m, http.MethodPost, refunds, lqRefund(pay+"-r2", pay, 7001, "BR")), http.StatusBadRequest,
			lqInvalid(refunds, "amount", "must not exceed the refundable amount of 7000"))
		// The rest, with a callbackUrl of its own.
		r = s.call(t, m, http.MethodPost, refunds, lqWith(lqRefund(pay+"-r3", pay, 7000, "BR"), "callbackUrl", own.URL))
		lqReplyDiff(t, "the rest", r, http.StatusOK, lqWantRefund(pay+"-r3", pay, "CREDIT_CARD", "7000", "BR", "SETTLED", `"<time>"`, own.URL))
		if got := s.payment(t, m, pay); got["transferStatus"] != "REFUNDED" || lqMask(got["finalStatusTime"]) != lqTime {
			t.Errorf("payment after refunding everything: %v, finalStatusTime %v", got["transferStatus"], got["finalStatusTime"])
		}
		lqReplyDiff(t, "a refund of a refunded payment", s.call(t, m, http.MethodPost, refunds, lqRefund(pay+"-r4", pay, 1, "BR")), http.StatusBadRequest,
			lqSpring(400, refunds, "Payment "+pay+" is REFUNDED: only SETTLED payments can be refunded"))

		// Refund callbacks carry the refund, pointing at the payment
		// (reference §8.3); the payment's own status changes send none.
		evs := lqOneCallback(t, s, m, rv, "CHARGE_SUCCEEDED "+pay+" SETTLED", "CHARGE_REFUND_SUCCEEDED "+pay+"-r1 SETTLED")
		lqDiff(t, "refund callback", lqWantRefund(pay+"-r1", pay, "CREDIT_CARD", "3000", "BR", "SETTLED", `"<time>"`, ""), evs[1].Data.ChargeDetails)
		evs = lqOneCallback(t, s, m, own, "CHARGE_REFUND_SUCCEEDED "+pay+"-r3 SETTLED")
		if evs[0].Data.ChargeDetails["referenceId"] != pay {
			t.Errorf("refund callback referenceId %v, want the payment's key", evs[0].Data.ChargeDetails["referenceId"])
		}
	})

	t.Run("full in one", func(t *testing.T) {
		t.Parallel()
		pay := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", lqCard(pay, "MX", "5105105105105100"))
		lqReplyDiff(t, "over the whole amount", s.call(t, m, http.MethodPost, refunds, lqRefund(pay+"-over", pay, 10001, "MX")), http.StatusBadRequest,
			lqInvalid(refunds, "amount", "must not exceed the refundable amount of 10000"))
		s.post(t, m, refunds, lqRefund(pay+"-r", pay, 10000, "MX"))
		if got := s.payment(t, m, pay); got["transferStatus"] != "REFUNDED" {
			t.Errorf("payment: %v", got["transferStatus"])
		}
	})

	t.Run("Colombia refunds in full only", func(t *testing.T) {
		t.Parallel()
		pay := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", lqCard(pay, "CO", "4242424242424242"))
		lqReplyDiff(t, "partial", s.call(t, m, http.MethodPost, refunds, lqRefund(pay+"-part", pay, 5000, "CO")), http.StatusBadRequest,
			lqInvalid(refunds, "amount", "Colombia supports full refunds only: must be 10000"))
		// The payer paid 10200 (10000 plus the 2 % withholding); a full
		// refund pays all of it back.
		want := strings.Replace(lqWantRefund(pay+"-full", pay, "CREDIT_CARD", "10000", "CO", "SETTLED", `"<time>"`, ""),
			`"finalAmount":10000`, `"finalAmount":10200`, 1)
		lqReplyDiff(t, "full", s.call(t, m, http.MethodPost, refunds, lqRefund(pay+"-full", pay, 10000, "CO")), http.StatusOK, want)
	})

	t.Run("a USD payment is refunded in the money the payer paid", func(t *testing.T) {
		t.Parallel()
		// 100.00 USD charged in Brazil is 500.00 BRL at mockpay's fixed rate
		// (reference §12); a refund pays back the same share of it.
		full := lqKey(t, "full")
		s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(full, "BR", "4242424242424242"), "currency", "USD"))
		got := s.post(t, m, refunds, lqWith(lqRefund(full+"-r", full, 4000, "BR"), "currency", "USD"))
		if diff := cmp.Diff([]any{4000.0, "USD", 20000.0, "BRL"}, []any{got["amount"], got["currency"], got["finalAmount"], got["finalCurrency"]}); diff != "" {
			t.Errorf("40.00 USD of a fully captured 100.00 USD: amount, currency, finalAmount, finalCurrency (-want +got):\n%s", diff)
		}
		// Authorised 100.00 USD, captured 60.00 USD: the payer paid 300.00 BRL.
		part := lqKey(t, "part")
		s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(part, "BR", "4242424242424242"), "currency", "USD", "capture", false))
		captured := s.post(t, m, "/v1/payments/charges/card/capture/"+part, `{"amount":6000}`)
		if diff := cmp.Diff([]any{10000.0, 30000.0, "BRL"}, []any{captured["amount"], captured["finalAmount"], captured["finalCurrency"]}); diff != "" {
			t.Fatalf("capture: amount, finalAmount, finalCurrency (-want +got):\n%s", diff)
		}
		got = s.post(t, m, refunds, lqWith(lqRefund(part+"-r", part, 6000, "BR"), "currency", "USD"))
		if diff := cmp.Diff([]any{6000.0, "USD", 30000.0, "BRL"}, []any{got["amount"], got["currency"], got["finalAmount"], got["finalCurrency"]}); diff != "" {
			t.Errorf("refund of all 60.00 USD captured, paid as 300.00 BRL: amount, currency, finalAmount, finalCurrency (-want +got):\n%s", diff)
		}
	})

	t.Run("4000000000007726 refunds asynchronously", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		pay := lqKey(t, "")
		s.post(t, asyncCard, "/v1/payments/charges/card", lqWith(lqCard(pay, "BR", "4000000000007726"), "callbackUrl", rv.URL))
		r := s.call(t, asyncCard, http.MethodPost, refunds, lqRefund(pay+"-r", pay, 10000, "BR"))
		lqReplyDiff(t, "refund", r, http.StatusOK, lqWantRefund(pay+"-r", pay, "CREDIT_CARD", "10000", "BR", "IN_PROGRESS", "null", ""))
		if got := s.payment(t, asyncCard, pay); got["transferStatus"] != "REFUNDING" {
			t.Errorf("payment while refunding: %v", got["transferStatus"])
		}
		s.advance(t, asyncCard, "179s")
		lqDiff(t, "refund after 179 s", lqWantRefund(pay+"-r", pay, "CREDIT_CARD", "10000", "BR", "IN_PROGRESS", "null", ""), s.get(t, asyncCard, refunds+"/"+pay+"-r"))
		s.advance(t, asyncCard, "1s")
		lqDiff(t, "refund after 180 s", lqWantRefund(pay+"-r", pay, "CREDIT_CARD", "10000", "BR", "SETTLED", `"<time>"`, ""), s.get(t, asyncCard, refunds+"/"+pay+"-r"))
		if got := s.payment(t, asyncCard, pay); got["transferStatus"] != "REFUNDED" {
			t.Errorf("payment after the refund: %v", got["transferStatus"])
		}
		lqOneCallback(t, s, asyncCard, rv, "CHARGE_SUCCEEDED "+pay+" SETTLED", "CHARGE_REFUND_SUCCEEDED "+pay+"-r SETTLED")
	})

	t.Run("local methods refund asynchronously", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		pay := lqKey(t, "pix")
		s.post(t, local, "/v1/payments/charges/pix", lqWith(lqLocal(pay, "BR", "PIX_DYNAMIC_QR"), "description", "asyncFinalizationDelay=0", "callbackUrl", rv.URL))
		s.advance(t, local, "0s")
		// A refund the description fails after 30 s: the payment is SETTLED again.
		r := s.call(t, local, http.MethodPost, refunds, lqWith(lqRefund(pay+"-r1", pay, 1000, "BR"), "description", "finalStatus=FAILED;asyncFinalizationDelay=30"))
		if got := r.json(t); got["transferStatus"] != "IN_PROGRESS" || got["description"] != "finalStatus=FAILED;asyncFinalizationDelay=30" {
			t.Fatalf("refund: HTTP %d %s", r.code, r.body)
		}
		if got := s.payment(t, local, pay); got["transferStatus"] != "REFUNDING" {
			t.Errorf("payment while refunding: %v", got["transferStatus"])
		}
		s.advance(t, local, "29s")
		if got := s.get(t, local, refunds+"/"+pay+"-r1"); got["transferStatus"] != "IN_PROGRESS" {
			t.Errorf("refund after 29 s: %v", got["transferStatus"])
		}
		s.advance(t, local, "1s")
		got := s.get(t, local, refunds+"/"+pay+"-r1")
		if diff := cmp.Diff([]any{"FAILED", 400.0, "Refund failed", lqTime}, []any{got["transferStatus"], got["transferStatusCode"], got["transferErrorMsg"],
			lqMask(got["finalStatusTime"])}); diff != "" {
			t.Errorf("refund after 30 s: status, code, message, finalStatusTime (-want +got):\n%s", diff)
		}
		if got := s.payment(t, local, pay); got["transferStatus"] != "SETTLED" {
			t.Errorf("payment after a failed refund: %v", got["transferStatus"])
		}
		// The default: SETTLED after 180 s.
		s.post(t, local, refunds, lqRefund(pay+"-r2", pay, 150000, "BR"))
		s.advance(t, local, "180s")
		lqDiff(t, "refund after 180 s", lqWantRefund(pay+"-r2", pay, "PIX_DYNAMIC_QR", "150000", "BR", "SETTLED", `"<time>"`, ""), s.get(t, local, refunds+"/"+pay+"-r2"))
		if got := s.payment(t, local, pay); got["transferStatus"] != "REFUNDED" {
			t.Errorf("payment: %v", got["transferStatus"])
		}
		lqOneCallback(t, s, local, rv, "CHARGE_SUCCEEDED "+pay+" SETTLED", "CHARGE_REFUND_FAILED "+pay+"-r1 FAILED", "CHARGE_REFUND_SUCCEEDED "+pay+"-r2 SETTLED")

		// A boleto is refunded to a bank account, which the request must name.
		bol := lqKey(t, "boleto")
		s.post(t, local, "/v1/payments/charges/boleto", lqWith(lqLocal(bol, "BR", "BOLETO"), "description", "asyncFinalizationDelay=0"))
		s.advance(t, local, "0s")
		lqReplyDiff(t, "boleto refund without an account", s.call(t, local, http.MethodPost, refunds, lqRefund(bol+"-r", bol, 100, "BR")), http.StatusBadRequest,
			lqInvalid(refunds, "additionalInfo.bankTransferAccountInfo", "must not be null: BOLETO and BANK_TRANSFER refunds are paid to this account"))
		withAccount := lqWith(lqRefund(bol+"-r", bol, 100, "BR"), "additionalInfo", map[string]any{"bankTransferAccountInfo": map[string]any{
			"bankCode": "332", "beneficiaryName": "antonio silva", "bankAccountNumber": "286435", "bankAccountType": "CHECKING",
			"bankBranchId": "0001", "ispb": "13140088", "document": map[string]any{"documentId": "60131743007", "type": "CPF"}}})
		if got := s.post(t, local, refunds, withAccount); got["transferStatus"] != "IN_PROGRESS" {
			t.Errorf("boleto refund with an account: %v", got["transferStatus"])
		}
	})

	t.Run("refusals", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", lqCard(key+"-ok", "BR", "4242424242424242"))
		s.post(t, m, "/v1/payments/charges/card", lqCard(key+"-failed", "BR", "4000001240000000"))
		s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(key+"-auth", "BR", "4242424242424242"), "capture", false))
		s.post(t, m, "/v1/payments/charges/oxxo", lqLocal(key+"-voucher", "MX", "OXXO"))
		for _, tc := range []struct {
			name string
			body map[string]any
			code int
			want string
		}{
			{"an unknown payment", lqRefund(key+"-r", key+"-none", 1, "BR"), 404,
				lqSpring(404, refunds, "No payment found with idempotencyKey "+key+"-none")},
			{"a failed payment", lqRefund(key+"-r", key+"-failed", 1, "BR"), 400,
				lqSpring(400, refunds, "Payment "+key+"-failed is FAILED: only SETTLED payments can be refunded")},
			{"an authorisation", lqRefund(key+"-r", key+"-auth", 1, "BR"), 400,
				lqSpring(400, refunds, "Payment "+key+"-auth is AUTHORIZED: only SETTLED payments can be refunded")},
			{"an unpaid voucher", lqRefund(key+"-r", key+"-voucher", 1, "MX"), 400,
				lqSpring(400, refunds, "Payment "+key+"-voucher is IN_PROGRESS: only SETTLED payments can be refunded")},
			{"another currency", lqWith(lqRefund(key+"-r", key+"-ok", 1, "BR"), "currency", "USD"), 400,
				lqInvalid(refunds, "currency", "must be the payment's currency, BRL")},
			{"another country", lqWith(lqRefund(key+"-r", key+"-ok", 1, "BR"), "country", "MX"), 400,
				lqInvalid(refunds, "country", "must be the payment's country, BR")},
			{"a zero amount", lqRefund(key+"-r", key+"-ok", 0, "BR"), 400, lqInvalid(refunds, "amount", "must be greater than 0")},
			{"finalStatus a refund cannot end in", lqWith(lqRefund(key+"-r", key+"-ok", 1, "BR"), "description", "finalStatus=CANCELLED"), 400,
				lqInvalid(refunds, "description", "finalStatus=CANCELLED: must be one of SETTLED, FAILED")},
			{"no fields", map[string]any{}, 400, lqInvalid(refunds, "idempotencyKey", "must not be blank", "referenceId", "must not be blank",
				"amount", "must not be null", "currency", "must not be blank", "country", "must not be blank")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				lqReplyDiff(t, "refund", s.call(t, m, http.MethodPost, refunds, tc.body), tc.code, tc.want)
			})
		}
		// None of them made a refund.
		p := refunds + "/" + key + "-r"
		lqReplyDiff(t, "GET the refused refund", s.call(t, m, http.MethodGet, p, nil), http.StatusNotFound,
			lqSpring(404, p, "No refund found with idempotencyKey "+key+"-r"))
	})
}

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// lqWantCard is the whole answer to lqCard(key, "BR", pan) with a
// callbackUrl: the seed example's envelope (reference §5.2), times masked.
// A failure carries its code and message; success has 200 and null.
func lqWantCard(key, pan, brand, status string, code int, message any, callbackURL string, final bool) string {
	finalTime := any(nil)
	if final {
		finalTime = lqTime
	}
	b, _ := json.Marshal(map[string]any{
		"transferStatusCode": code, "transferErrorMsg": message,
		"idempotencyKey": key, "referenceId": key, "paymentFlow": "DIRECT", "paymentMethod": "CREDIT_CARD",
		"amount": 10000, "currency": "BRL", "country": "BR", "finalAmount": 10000, "finalCurrency": "BRL",
		"createTime": lqTime, "scheduledTime": lqTime, "finalStatusTime": finalTime,
		"payer": lqPayer("BR"),
		"transferDetails": map[string]any{"card": map[string]any{"cardInfo": map[string]any{
			"cardHolderName": "JUAN PEREZ", "expirationMonth": 6, "expirationYear": 2029,
			"bin": pan[:6], "last4": pan[len(pan)-4:], "brand": brand,
		}}},
		"transferStatus": status, "description": "order " + key, "callbackUrl": callbackURL,
	})
	return string(b)
}

// lqOneCallback waits for m's callbacks to settle and wants exactly the
// events listed ("EVENT key status"), each validly signed with m's secret
// and carrying the payment as GET shows it now.
func lqOneCallback(t *testing.T, s *lqServer, m lqMerchant, rv *callbacktest.Receiver, want ...string) []lqEvent {
	t.Helper()
	s.advance(t, m, "0s")
	evs := lqEvents(t, rv)
	if diff := cmp.Diff(want, lqSummary(evs)); diff != "" {
		t.Fatalf("callbacks (-want +got):\n%s", diff)
	}
	for i, ev := range evs {
		if _, err := lqVerify(ev.signature, ev.raw, m.secret); err != nil {
			t.Errorf("callback %d: %v", i, err)
		}
	}
	return evs
}

func TestLiquidoCards(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := lqDefault

	t.Run("every test card", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			pan, brand, status string
			code               int
			message            any
			event              string
		}{
			// Reference §16's table, then the doc examples' own cards.
			{"4242424242424242", "VISA", "SETTLED", 200, nil, "CHARGE_SUCCEEDED"},
			{"4000000000007726", "VISA", "SETTLED", 200, nil, "CHARGE_SUCCEEDED"},
			{"4000001240000000", "VISA", "FAILED", 400, "Payment rejected", "CHARGE_FAILED"},
			{"4000000000000069", "VISA", "FAILED", 400, "Card expired", "CHARGE_FAILED"},
			{"4444444444444448", "VISA", "FAILED", 400, "Insufficient funds", "CHARGE_FAILED"},
			{"5105105105105100", "MASTERCARD", "SETTLED", 200, nil, "CHARGE_SUCCEEDED"},
			{"4581243338680000", "VISA", "SETTLED", 200, nil, "CHARGE_SUCCEEDED"},
		} {
			t.Run(tc.pan, func(t *testing.T) {
				t.Parallel()
				rv := callbacktest.New(t)
				key := lqKey(t, "")
				r := s.call(t, m, http.MethodPost, "/v1/payments/charges/card", lqWith(lqCard(key, "BR", tc.pan), "callbackUrl", rv.URL+"/cb"))
				want := lqWantCard(key, tc.pan, tc.brand, tc.status, tc.code, tc.message, rv.URL+"/cb", true)
				lqReplyDiff(t, "charge", r, http.StatusOK, want)
				if details, _ := json.Marshal(r.json(t)["transferDetails"]); strings.Contains(string(details), tc.pan) {
					t.Errorf("the answer carries the full card number: %s", details)
				}
				evs := lqOneCallback(t, s, m, rv, tc.event+" "+key+" "+tc.status)
				if diff := cmp.Diff(s.payment(t, m, key), evs[0].Data.ChargeDetails); diff != "" {
					t.Errorf("chargeDetails vs GET (-GET +callback):\n%s", diff)
				}
			})
		}
	})

	t.Run("a card past its own expiry fails whatever its number", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		body := lqCard(key, "BR", "4242424242424242")
		body["card"].(map[string]any)["expirationYear"] = "2020"
		got := s.post(t, m, "/v1/payments/charges/card", body)
		if diff := cmp.Diff([]any{"FAILED", 400.0, "Card expired"}, []any{got["transferStatus"], got["transferStatusCode"], got["transferErrorMsg"]}); diff != "" {
			t.Errorf("status, code, message (-want +got):\n%s", diff)
		}
	})

	t.Run("a DIRECT charge answers the documented envelope", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		body := lqCard(key, "CO", "4242424242424242")
		lqWith(body, "paymentMethod", "CARD", "description", "this is a test pay", "subMerchantId", "sub-1",
			"installments", 3, "orchestration_vendor", "LIQUIDO",
			"orderInfo", map[string]any{"orderId": "order-7", "orderReferenceNumber": "ref-7"})
		before := s.now(t, m)
		r := s.call(t, m, http.MethodPost, "/v1/payments/charges/card", body)
		after := s.now(t, m)
		// CO adds the 2 % CO_IVA_TAX withholding on top: 10000 → 10200 (SEED).
		lqReplyDiff(t, "charge", r, http.StatusOK, `{"transferStatusCode":200,"transferErrorMsg":null,
			"idempotencyKey":"`+key+`","referenceId":"`+key+`","paymentFlow":"DIRECT","paymentMethod":"CARD",
			"amount":10000,"currency":"COP","country":"CO","finalAmount":10200,"finalCurrency":"COP",
			"createTime":"<time>","scheduledTime":"<time>","finalStatusTime":"<time>",
			"payer":{"name":"Juan Perez","email":"juan@example.com","phone":"+57 3123456789","document":{"documentId":"1023456789","type":"CC"}},
			"orderInfo":{"orderId":"order-7","orderReferenceNumber":"ref-7"},
			"transferDetails":{"card":{"cardInfo":{"cardHolderName":"JUAN PEREZ","expirationMonth":6,"expirationYear":2029,"bin":"424242","last4":"4242","brand":"VISA"},"installments":3}},
			"amountDetails":{"taxWithholdDetails":{"taxRate":{"modifierType":"RATE","type":"CO_IVA_TAX","rate":0.02},"withholdAmount":200}},
			"transferStatus":"SETTLED","description":"this is a test pay","callbackUrl":"","subMerchantId":"sub-1","orchestration_vendor":"LIQUIDO"}`)
		// The times are the merchant's virtual time, in GMT-08:00.
		got := r.json(t)
		for _, f := range []string{"createTime", "scheduledTime", "finalStatusTime"} {
			at, err := time.Parse("2006-01-02 15:04:05 GMT-07:00", fmt.Sprint(got[f]))
			if err != nil || at.Before(before.Truncate(time.Second)) || at.After(after) {
				t.Errorf("%s %v is not between %v and %v (%v)", f, got[f], before, after, err)
			}
		}
		// The documented field order (reference §5.2).
		if !strings.HasPrefix(string(r.body), `{"transferStatusCode":200,"transferErrorMsg":null,"idempotencyKey":`) {
			t.Errorf("field order: %s", r.body)
		}
		// Retrieving it answers the very same bytes.
		if again := s.call(t, m, http.MethodGet, "/v1/payments/charges/"+key, nil); string(again.body) != string(r.body) {
			t.Errorf("GET differs from the charge's answer:\n%s\n%s", again.body, r.body)
		}
	})

	t.Run("requests are read as leniently as the docs' examples are written", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		// "amount":"300", "expirationMonth": 06 (not JSON), a two-digit year,
		// spaces in the number, an unknown field (reference §18).
		raw := `{"idempotencyKey":"` + key + `","amount":"300","currency":"BRL","country":"BR","paymentMethod":"CREDIT_CARD",
		"paymentFlow":"DIRECT","payer":{"name":"Ana"},"unknownField":{"x":1},
		"card":{"cardHolderName":"ANA","cardNumber":"4242 4242 4242 4242","expirationMonth":06,"expirationYear":29,"cvc":123}}`
		got := s.post(t, m, "/v1/payments/charges/card", raw)
		want := []any{300.0, "SETTLED", 6.0, 2029.0}
		if diff := cmp.Diff(want, []any{got["amount"], got["transferStatus"], lqAt(got, "transferDetails.card.cardInfo.expirationMonth"),
			lqAt(got, "transferDetails.card.cardInfo.expirationYear")}); diff != "" {
			t.Errorf("amount, status, month, year (-want +got):\n%s", diff)
		}
	})

	t.Run("USD is charged in local money", func(t *testing.T) {
		t.Parallel()
		got := s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(lqKey(t, ""), "BR", "4242424242424242"), "currency", "USD"))
		if diff := cmp.Diff([]any{10000.0, "USD", 50000.0, "BRL"}, []any{got["amount"], got["currency"], got["finalAmount"], got["finalCurrency"]}); diff != "" {
			t.Errorf("amount, currency, finalAmount, finalCurrency (-want +got):\n%s", diff)
		}
	})

	t.Run("authorise, then capture in full", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		body := lqWith(lqCard(key, "MX", "4242424242424242"), "capture", false, "callbackUrl", rv.URL)
		// MX returns a cardId on a first payment by card number (reference §5.2).
		want := func(status string, final string) string {
			return `{"transferStatusCode":200,"transferErrorMsg":null,"idempotencyKey":"` + key + `","referenceId":"` + key + `",
			"paymentFlow":"DIRECT","paymentMethod":"CREDIT_CARD","amount":10000,"currency":"MXN","country":"MX",
			"finalAmount":10000,"finalCurrency":"MXN","createTime":"<time>","scheduledTime":"<time>","finalStatusTime":` + final + `,
			"payer":{"name":"Juan Perez","email":"juan@example.com","phone":"+57 3123456789","document":{"documentId":"HRGRJN82050602H900","type":"INE"}},
			"transferDetails":{"card":{"cardInfo":{"cardHolderName":"JUAN PEREZ","expirationMonth":6,"expirationYear":2029,"bin":"424242","last4":"4242","brand":"VISA"},"cardId":"<varies>"}},
			"transferStatus":"` + status + `","description":"order ` + key + `","callbackUrl":"` + rv.URL + `"}`
		}
		r := s.call(t, m, http.MethodPost, "/v1/payments/charges/card", body)
		lqReplyDiff(t, "authorise", r, http.StatusOK, want("AUTHORIZED", "null"), "transferDetails.card.cardId")
		lqOneCallback(t, s, m, rv) // Liquido has no CHARGE_AUTHORIZED (reference §15.3)
		r = s.call(t, m, http.MethodPost, "/v1/payments/charges/card/capture/"+key, nil)
		lqReplyDiff(t, "capture", r, http.StatusOK, want("SETTLED", `"<time>"`), "transferDetails.card.cardId")
		again := s.call(t, m, http.MethodPost, "/v1/payments/charges/card/capture/"+key, nil)
		if again.code != http.StatusOK || string(again.body) != string(r.body) {
			t.Errorf("a second capture: HTTP %d %s; want the captured payment again", again.code, again.body)
		}
		lqOneCallback(t, s, m, rv, "CHARGE_SUCCEEDED "+key+" SETTLED")
	})

	t.Run("authorise, then capture in part", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		path := "/v1/payments/charges/card/capture/" + key
		s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(key, "BR", "4242424242424242"), "capture", false))
		lqReplyDiff(t, "over-capture", s.call(t, m, http.MethodPost, path, `{"amount":10001}`), http.StatusBadRequest,
			lqInvalid(path, "amount", "must not exceed the authorized amount of 10000"))
		got := s.post(t, m, path, `{"amount":6000}`)
		if diff := cmp.Diff([]any{10000.0, 6000.0, "SETTLED"}, []any{got["amount"], got["finalAmount"], got["transferStatus"]}); diff != "" {
			t.Errorf("amount, finalAmount, status (-want +got):\n%s", diff)
		}
		// Refunds are bounded by what was captured.
		lqReplyDiff(t, "refund over the captured amount", s.call(t, m, http.MethodPost, "/v1/payments/charges/refund", lqRefund(key+"-r", key, 6001, "BR")),
			http.StatusBadRequest, lqInvalid("/v1/payments/charges/refund", "amount", "must not exceed the refundable amount of 6000"))
		if got := s.post(t, m, "/v1/payments/charges/refund", lqRefund(key+"-r", key, 6000, "BR")); got["transferStatus"] != "SETTLED" {
			t.Errorf("refund of the captured amount: %v", got["transferStatus"])
		}
		if got := s.payment(t, m, key); got["transferStatus"] != "REFUNDED" {
			t.Errorf("after refunding all that was captured: %v", got["transferStatus"])
		}
	})

	t.Run("cancel an authorisation", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(key, "CO", "4242424242424242"), "capture", false, "callbackUrl", rv.URL))
		got := s.post(t, m, "/v1/payments/charges/cancel/"+key, nil)
		if diff := cmp.Diff([]any{"CANCELLED", 200.0, nil, lqTime}, []any{got["transferStatus"], got["transferStatusCode"], got["transferErrorMsg"],
			lqMask(got["finalStatusTime"])}); diff != "" {
			t.Errorf("cancel: status, code, message, finalStatusTime (-want +got):\n%s", diff)
		}
		if again := s.post(t, m, "/v1/payments/charges/cancel/"+key, nil); !cmp.Equal(got, again) {
			t.Errorf("a second cancel: %v; want the cancelled payment again", again)
		}
		path := "/v1/payments/charges/card/capture/" + key
		lqReplyDiff(t, "capture after cancel", s.call(t, m, http.MethodPost, path, nil), http.StatusBadRequest,
			lqSpring(400, path, "Payment "+key+" is CANCELLED: only AUTHORIZED card payments can be captured"))
		// A GUESS of reference §15.3: a cancellation reports CHARGE_FAILED.
		lqOneCallback(t, s, m, rv, "CHARGE_FAILED "+key+" CANCELLED")
	})

	t.Run("3-D Secure in the browser", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name, pan, decision, status string
			code                        int
			message                     any
			event                       string
		}{
			{"approved", "4242424242424242", "approve", "SETTLED", 200, nil, "CHARGE_SUCCEEDED"},
			{"declined", "4242424242424242", "decline", "FAILED", 400, "3-D Secure authentication failed", "CHARGE_FAILED"},
			{"a failure card still fails after the challenge", "4444444444444448", "approve", "FAILED", 400, "Insufficient funds", "CHARGE_FAILED"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				rv := callbacktest.New(t)
				key := lqKey(t, "")
				const back = "https://shop.example/3ds-done?order=7"
				body := lqWith(lqCard(key, "BR", tc.pan), "callbackUrl", rv.URL,
					"card3dsInfo", map[string]any{"use3ds": true, "merchantSite3ds": back})
				r := s.call(t, m, http.MethodPost, "/v1/payments/charges/card", body)
				got := r.json(t)
				u, _ := lqAt(got, "transferDetails.card.card3dsInfo.threeDsRedirectUrl").(string)
				if !strings.HasPrefix(u, s.base+"/liquido/3ds/") {
					t.Fatalf("threeDsRedirectUrl %q is not a page of this server", u)
				}
				// IN_PROGRESS with card3dsInfo (reference §5.6).
				want := lqJSON(t, lqWantCard(key, tc.pan, "VISA", "IN_PROGRESS", 200, nil, rv.URL, false)).(map[string]any)
				lqAt(want, "transferDetails.card").(map[string]any)["card3dsInfo"] = map[string]any{"use3ds": true, "merchantSite3ds": back, "threeDsRedirectUrl": "<varies>"}
				if diff := cmp.Diff(want, lqMask(got, "transferDetails.card.card3dsInfo.threeDsRedirectUrl")); diff != "" {
					t.Errorf("charge (-want +got):\n%s", diff)
				}
				lqOneCallback(t, s, m, rv)

				lqCheckDecisionPage(t, u)
				p := lqPage(t, http.MethodPost, u, url.Values{"decision": {tc.decision}})
				if p.code != http.StatusSeeOther || p.location != back {
					t.Fatalf("the decision: HTTP %d, Location %q; want 303 to merchantSite3ds", p.code, p.location)
				}
				got = s.payment(t, m, key)
				if diff := cmp.Diff([]any{tc.status, float64(tc.code), tc.message, lqTime}, []any{got["transferStatus"], got["transferStatusCode"],
					got["transferErrorMsg"], lqMask(got["finalStatusTime"])}); diff != "" {
					t.Errorf("after the page: status, code, message, finalStatusTime (-want +got):\n%s", diff)
				}
				// The page is spent: another decision changes nothing.
				other := map[string]string{"approve": "decline", "decline": "approve"}[tc.decision]
				if p := lqPage(t, http.MethodPost, u, url.Values{"decision": {other}}); p.code != http.StatusSeeOther || p.location != back {
					t.Errorf("a second decision: HTTP %d, Location %q", p.code, p.location)
				}
				if again := s.payment(t, m, key); again["transferStatus"] != tc.status {
					t.Errorf("a second decision changed the payment to %v", again["transferStatus"])
				}
				lqOneCallback(t, s, m, rv, tc.event+" "+key+" "+tc.status)
			})
		}
	})

	t.Run("REDIRECT in the browser", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name, card string
			capture    bool
			status     string
			message    any
			last4      string
		}{
			{"the payer keeps the page's card", "", true, "SETTLED", nil, "4242"},
			{"a test card entered on the page decides", "4000001240000000", true, "FAILED", "Payment rejected", "0000"},
			{"capture false authorises", "5105105105105100", false, "AUTHORIZED", nil, "5100"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				key := lqKey(t, "")
				const back = "https://shop.example/back?order=7"
				body := map[string]any{
					"idempotencyKey": key, "amount": 5000, "currency": "MXN", "country": "MX",
					"paymentMethod": "CREDIT_CARD", "paymentFlow": "REDIRECT", "payer": lqPayer("MX"), "capture": tc.capture,
					"merchantRedirectInfo": map[string]any{"merchantPageUrl": back},
				}
				got := s.post(t, m, "/v1/payments/charges/card", body)
				u, _ := lqAt(got, "transferDetails.card.paymentUrl").(string)
				if !strings.HasPrefix(u, s.base+"/liquido/checkout/") {
					t.Fatalf("paymentUrl %q is not a page of this server", u)
				}
				lqDiff(t, "charge", `{"transferStatusCode":200,"transferErrorMsg":null,"idempotencyKey":"`+key+`","referenceId":"`+key+`",
					"paymentFlow":"REDIRECT","paymentMethod":"CREDIT_CARD","amount":5000,"currency":"MXN","country":"MX",
					"finalAmount":5000,"finalCurrency":"MXN","createTime":"<time>","scheduledTime":"<time>","finalStatusTime":null,
					"payer":{"name":"Juan Perez","email":"juan@example.com","phone":"+57 3123456789","document":{"documentId":"HRGRJN82050602H900","type":"INE"}},
					"transferDetails":{"card":{"paymentUrl":"<varies>"}},"transferStatus":"IN_PROGRESS","description":"","callbackUrl":""}`,
					got, "transferDetails.card.paymentUrl")

				page := lqCheckDecisionPage(t, u)
				for _, input := range []string{`name="cardNumber"`, `name="cardHolderName"`, `name="expirationMonth"`, `name="expirationYear"`, `name="cvc"`} {
					if !strings.Contains(page.body, input) {
						t.Errorf("the checkout page has no %s input", input)
					}
				}
				form := url.Values{"decision": {"approve"}}
				if tc.card != "" {
					form.Set("cardNumber", tc.card)
				}
				p := lqPage(t, http.MethodPost, u, form)
				if p.code != http.StatusSeeOther || p.location != back {
					t.Fatalf("the decision: HTTP %d, Location %q; want 303 to merchantPageUrl", p.code, p.location)
				}
				got = s.payment(t, m, key)
				if diff := cmp.Diff([]any{tc.status, tc.message, tc.last4}, []any{got["transferStatus"], got["transferErrorMsg"],
					lqAt(got, "transferDetails.card.cardInfo.last4")}); diff != "" {
					t.Errorf("after the page: status, message, last4 (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("the REDIRECT page refuses a bad card and keeps waiting", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		body := map[string]any{
			"idempotencyKey": key, "amount": 5000, "currency": "BRL", "country": "BR",
			"paymentMethod": "CREDIT_CARD", "paymentFlow": "REDIRECT", "payer": lqPayer("BR"),
			"merchantRedirectInfo": map[string]any{"merchantPageUrl": "https://shop.example/back"},
		}
		u, _ := lqAt(s.post(t, m, "/v1/payments/charges/card", body), "transferDetails.card.paymentUrl").(string)
		p := lqPage(t, http.MethodPost, u, url.Values{"decision": {"approve"}, "cardNumber": {"4242"}})
		if p.code != http.StatusBadRequest || !strings.Contains(p.body, "That is not a valid card number.") {
			t.Fatalf("a bad card: HTTP %d\n%s", p.code, p.body)
		}
		if got := s.payment(t, m, key); got["transferStatus"] != "IN_PROGRESS" {
			t.Fatalf("after a bad card: %v", got["transferStatus"])
		}
		p = lqPage(t, http.MethodPost, u, url.Values{"decision": {"decline"}})
		if p.code != http.StatusSeeOther || p.location != "https://shop.example/back" {
			t.Fatalf("decline: HTTP %d, Location %q", p.code, p.location)
		}
		if got := s.payment(t, m, key); got["transferStatus"] != "FAILED" || got["transferErrorMsg"] != "Payment declined by the payer" {
			t.Fatalf("after decline: %v %v", got["transferStatus"], got["transferErrorMsg"])
		}
	})

	t.Run("saved cards", func(t *testing.T) {
		t.Parallel()
		r := s.call(t, m, http.MethodPost, "/v1/payments/vault/card", map[string]any{"country": "BR",
			"card": map[string]any{"cardHolderName": "card_holder_name", "cardNumber": "4581243338680000", "expirationMonth": "09", "expirationYear": "2030", "cvc": "123"}})
		// Reference §5.3: no transferStatusCode.
		lqReplyDiff(t, "vault", r, http.StatusOK, `{"cardId":"<varies>","card":{"cardHolderName":"card_holder_name","expirationMonth":9,"expirationYear":2030,
			"bin":"458124","last4":"0000","brand":"VISA"}}`, "cardId")
		id, _ := r.json(t)["cardId"].(string)
		key := lqKey(t, "")
		body := lqCard(key, "BR", "")
		delete(body, "card")
		body["cardId"] = id
		got := s.post(t, m, "/v1/payments/charges/card", body)
		want := []any{"SETTLED", id, "0000", "card_holder_name"}
		if diff := cmp.Diff(want, []any{got["transferStatus"], lqAt(got, "transferDetails.card.cardId"), lqAt(got, "transferDetails.card.cardInfo.last4"),
			lqAt(got, "transferDetails.card.cardInfo.cardHolderName")}); diff != "" {
			t.Errorf("charge by cardId: status, cardId, last4, holder (-want +got):\n%s", diff)
		}
		// A saved test card behaves like its number.
		saved := s.post(t, m, "/v1/payments/vault/card", map[string]any{"country": "BR",
			"card": map[string]any{"cardHolderName": "X", "cardNumber": "4444444444444448", "expirationMonth": 1, "expirationYear": 2031, "cvc": "999"}})
		body = lqCard(key+"-nsf", "BR", "")
		delete(body, "card")
		body["cardId"] = saved["cardId"]
		got = s.post(t, m, "/v1/payments/charges/card", body)
		if diff := cmp.Diff([]any{"FAILED", "Insufficient funds"}, []any{got["transferStatus"], got["transferErrorMsg"]}); diff != "" {
			t.Errorf("a saved 4444444444444448 (-want +got):\n%s", diff)
		}
	})
}

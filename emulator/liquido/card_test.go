package liquido_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCardChargeAnswersTheDocumentedEnvelope(t *testing.T) {
	e := newEnv(t)
	body := cardCharge("co-1", "CO", "4242424242424242")
	body["paymentMethod"] = "CARD"
	body["description"] = "this is a test pay"
	body["subMerchantId"] = "sub-1"
	body["installments"] = 3
	body["orchestration_vendor"] = "LIQUIDO"
	body["payer"] = map[string]any{"name": "Juan Perez", "email": "juan@example.com", "document": map[string]any{"documentId": "42243309", "type": "CC"}}
	code, got := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", body)
	// The field order is the seed example's (reference §5.2); CO adds the
	// 2 % tax withholding on top: 10000 → 10200.
	want := `{"transferStatusCode":200,"transferErrorMsg":null,"idempotencyKey":"co-1","referenceId":"co-1",` +
		`"paymentFlow":"DIRECT","paymentMethod":"CARD","amount":10000,"currency":"COP","country":"CO",` +
		`"finalAmount":10200,"finalCurrency":"COP",` +
		`"createTime":"` + t0Liquido + `","scheduledTime":"` + t0Liquido + `","finalStatusTime":"` + t0Liquido + `",` +
		`"payer":{"document":{"documentId":"42243309","type":"CC"},"email":"juan@example.com","name":"Juan Perez"},` +
		`"transferDetails":{"card":{"cardInfo":{"cardHolderName":"JUAN PEREZ","expirationMonth":6,"expirationYear":2029,"bin":"424242","last4":"4242","brand":"VISA"},"installments":3}},` +
		`"amountDetails":{"taxWithholdDetails":{"taxRate":{"modifierType":"RATE","type":"CO_IVA_TAX","rate":0.02},"withholdAmount":200}},` +
		`"transferStatus":"SETTLED","description":"this is a test pay","callbackUrl":"","subMerchantId":"sub-1","orchestration_vendor":"LIQUIDO"}`
	if diff := cmp.Diff("200 "+want, statusBody(code, got)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	// Retrieving it gives the same object.
	if _, again := e.call(merchantA, http.MethodGet, "/v1/payments/charges/co-1", nil); string(again) != string(got) {
		t.Fatalf("GET differs from the charge answer:\n%s\n%s", again, got)
	}
}

func TestTestCards(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		pan        string
		wantStatus string
		wantCode   float64
		wantMsg    any
		wantBrand  string
	}{
		{"4242424242424242", "SETTLED", 200, nil, "VISA"},
		{"4000000000007726", "SETTLED", 200, nil, "VISA"},
		{"4000001240000000", "FAILED", 400, "Payment rejected", "VISA"},
		{"4000000000000069", "FAILED", 400, "Card expired", "VISA"},
		{"4444444444444448", "FAILED", 400, "Insufficient funds", "VISA"},
		{"5105105105105100", "SETTLED", 200, nil, "MASTERCARD"},
		{"4581243338680000", "SETTLED", 200, nil, "VISA"},
	}
	for _, tc := range tests {
		t.Run(tc.pan, func(t *testing.T) {
			got := e.post(merchantA, "/v1/payments/charges/card", cardCharge("tc-"+tc.pan, "BR", tc.pan))
			e.settle(merchantA) // keep the callbacks in order
			for path, want := range map[string]any{
				"transferStatus": tc.wantStatus, "transferStatusCode": tc.wantCode, "transferErrorMsg": tc.wantMsg,
				"transferDetails.card.cardInfo.bin":   tc.pan[:6],
				"transferDetails.card.cardInfo.last4": tc.pan[12:],
				"transferDetails.card.cardInfo.brand": tc.wantBrand,
				"finalStatusTime":                     t0Liquido,
			} {
				if diff := cmp.Diff(want, at(got, path)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", path, diff)
				}
			}
		})
	}
	e.settle(merchantA)
	want := []string{
		"CHARGE_SUCCEEDED tc-4242424242424242 SETTLED",
		"CHARGE_SUCCEEDED tc-4000000000007726 SETTLED",
		"CHARGE_FAILED tc-4000001240000000 FAILED",
		"CHARGE_FAILED tc-4000000000000069 FAILED",
		"CHARGE_FAILED tc-4444444444444448 FAILED",
		"CHARGE_SUCCEEDED tc-5105105105105100 SETTLED",
		"CHARGE_SUCCEEDED tc-4581243338680000 SETTLED",
	}
	if diff := cmp.Diff(want, e.events("/a")); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

func TestARealExpiryDateInThePastFailsTheCharge(t *testing.T) {
	e := newEnv(t)
	body := cardCharge("old-card", "BR", "4242424242424242")
	body["card"].(map[string]any)["expirationYear"] = "2024"
	body["card"].(map[string]any)["expirationMonth"] = 2 // t0 is March 2024
	got := e.post(merchantA, "/v1/payments/charges/card", body)
	if at(got, "transferStatus") != "FAILED" || at(got, "transferErrorMsg") != "Card expired" {
		t.Fatalf("got %v %v", at(got, "transferStatus"), at(got, "transferErrorMsg"))
	}
}

func TestCardRequestsAreReadLeniently(t *testing.T) {
	e := newEnv(t)
	// Liquido's own examples: amount as a string, "expirationMonth": 06 (not
	// valid JSON), a two-digit year, unknown fields.
	raw := `{"idempotencyKey":"lenient","amount":"300","currency":"BRL","country":"BR","paymentMethod":"CREDIT_CARD",
	"paymentFlow":"DIRECT","payer":{"name":"Ana"},"unknownField":{"x":1},
	"card":{"cardHolderName":"ANA","cardNumber":"4242 4242 4242 4242","expirationMonth":06,"expirationYear":29,"cvc":123}}`
	got := e.post(merchantA, "/v1/payments/charges/card", raw)
	for path, want := range map[string]any{
		"amount": float64(300), "transferStatus": "SETTLED",
		"transferDetails.card.cardInfo.expirationMonth": float64(6),
		"transferDetails.card.cardInfo.expirationYear":  float64(2029),
	} {
		if diff := cmp.Diff(want, at(got, path)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", path, diff)
		}
	}
}

func TestAuthorizeThenCapture(t *testing.T) {
	e := newEnv(t)
	body := with(cardCharge("auth-1", "MX", "4242424242424242"), "capture", false)
	got := e.post(merchantA, "/v1/payments/charges/card", body)
	if at(got, "transferStatus") != "AUTHORIZED" || at(got, "transferStatusCode") != float64(200) || at(got, "finalStatusTime") != nil {
		t.Fatalf("authorize: %v %v %v", at(got, "transferStatus"), at(got, "transferStatusCode"), at(got, "finalStatusTime"))
	}
	e.settle(merchantA)
	if n := len(e.recv.got("/a")); n != 0 {
		t.Fatalf("AUTHORIZED sent %d callbacks; Liquido has no such event", n)
	}
	e.advance(merchantA, time.Minute)
	got = e.post(merchantA, "/v1/payments/charges/card/capture/auth-1", nil)
	if at(got, "transferStatus") != "SETTLED" || at(got, "finalStatusTime") != "2024-03-01 04:01:00 GMT-08:00" {
		t.Fatalf("capture: %v %v", at(got, "transferStatus"), at(got, "finalStatusTime"))
	}
	// A second capture returns the captured payment.
	again := e.post(merchantA, "/v1/payments/charges/card/capture/auth-1", nil)
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("second capture (-first +second):\n%s", diff)
	}
	e.settle(merchantA)
	if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED auth-1 SETTLED"}, e.events("/a")); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

func TestPartialCapture(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", with(cardCharge("auth-2", "BR", "4242424242424242"), "capture", false))
	code, body := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card/capture/auth-2", `{"amount":10001}`)
	if diff := cmp.Diff(`400 {"timestamp":"`+t0Spring+`","status":400,"error":"Bad Request","message":"Validation failed: amount: must not exceed the authorized amount of 10000","path":"/v1/payments/charges/card/capture/auth-2","errors":[{"field":"amount","message":"must not exceed the authorized amount of 10000"}]}`,
		statusBody(code, body)); diff != "" {
		t.Fatalf("over-capture (-want +got):\n%s", diff)
	}
	got := e.post(merchantA, "/v1/payments/charges/card/capture/auth-2", `{"amount":6000}`)
	if at(got, "amount") != float64(10000) || at(got, "finalAmount") != float64(6000) || at(got, "transferStatus") != "SETTLED" {
		t.Fatalf("partial capture: amount %v finalAmount %v %v", at(got, "amount"), at(got, "finalAmount"), at(got, "transferStatus"))
	}
	// Refunds are limited by what was captured.
	code, body = e.call(merchantA, http.MethodPost, "/v1/payments/charges/refund", refund("r-over", "auth-2", 6001, "BRL", "BR"))
	if code != http.StatusBadRequest || !strings.Contains(string(body), "refundable amount of 6000") {
		t.Fatalf("refund over the captured amount: %d %s", code, body)
	}
}

func TestCaptureAndCancelNeedTheRightState(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("settled", "MX", "4242424242424242"))
	e.post(merchantA, "/v1/payments/charges/oxxo", localCharge("voucher", "MX", "OXXO"))
	tests := []struct {
		name, path, want string
	}{
		{"capture a settled payment", "/v1/payments/charges/card/capture/settled",
			`400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":"Payment settled is SETTLED: only AUTHORIZED card payments can be captured","path":"/v1/payments/charges/card/capture/settled"}`},
		{"capture a voucher", "/v1/payments/charges/card/capture/voucher",
			`400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":"Payment voucher is IN_PROGRESS: only AUTHORIZED card payments can be captured","path":"/v1/payments/charges/card/capture/voucher"}`},
		{"cancel a settled card", "/v1/payments/charges/cancel/settled",
			`400 {"timestamp":"` + t0Spring + `","status":400,"error":"Bad Request","message":"Payment settled (CREDIT_CARD) is SETTLED and cannot be cancelled: card payments can be cancelled while AUTHORIZED, other methods while IN_PROGRESS","path":"/v1/payments/charges/cancel/settled"}`},
		{"capture an unknown payment", "/v1/payments/charges/card/capture/nope",
			`404 {"timestamp":"` + t0Spring + `","status":404,"error":"Not Found","message":"No payment found with idempotencyKey nope","path":"/v1/payments/charges/card/capture/nope"}`},
		{"cancel an unknown payment", "/v1/payments/charges/cancel/nope",
			`404 {"timestamp":"` + t0Spring + `","status":404,"error":"Not Found","message":"No payment found with idempotencyKey nope","path":"/v1/payments/charges/cancel/nope"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.call(merchantA, http.MethodPost, tc.path, nil)
			if diff := cmp.Diff(tc.want, statusBody(code, body)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCancelAnAuthorization(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", with(cardCharge("void-1", "CO", "4242424242424242"), "capture", false))
	got := e.post(merchantA, "/v1/payments/charges/cancel/void-1", nil)
	if at(got, "transferStatus") != "CANCELLED" || at(got, "transferStatusCode") != float64(200) || at(got, "finalStatusTime") != t0Liquido {
		t.Fatalf("cancel: %v %v %v", at(got, "transferStatus"), at(got, "transferStatusCode"), at(got, "finalStatusTime"))
	}
	// Cancelling again returns the cancelled payment; capturing it is refused.
	if again := e.post(merchantA, "/v1/payments/charges/cancel/void-1", nil); at(again, "transferStatus") != "CANCELLED" {
		t.Fatalf("second cancel: %v", at(again, "transferStatus"))
	}
	if code, _ := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card/capture/void-1", nil); code != http.StatusBadRequest {
		t.Fatalf("capture after cancel: HTTP %d", code)
	}
	e.settle(merchantA)
	// GUESS (reference §15.3): a cancellation reports CHARGE_FAILED.
	if diff := cmp.Diff([]string{"CHARGE_FAILED void-1 CANCELLED"}, e.events("/a")); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

func TestThreeDSecure(t *testing.T) {
	tests := []struct {
		name       string
		pan        string
		decide     func(e *env, u string) (int, string)
		wantStatus string
		wantMsg    any
		wantEvent  string
	}{
		{"approve in the browser", "4242424242424242", func(e *env, u string) (int, string) {
			code, loc, _ := e.page(http.MethodPost, u, url.Values{"decision": {"approve"}})
			return code, loc
		}, "SETTLED", nil, "CHARGE_SUCCEEDED"},
		{"decline in the browser", "4242424242424242", func(e *env, u string) (int, string) {
			code, loc, _ := e.page(http.MethodPost, u, url.Values{"decision": {"decline"}})
			return code, loc
		}, "FAILED", "3-D Secure authentication failed", "CHARGE_FAILED"},
		{"approve headless", "4242424242424242", func(e *env, u string) (int, string) {
			code, loc, _ := e.page(http.MethodGet, u+"?outcome=approve", nil)
			return code, loc
		}, "SETTLED", nil, "CHARGE_SUCCEEDED"},
		{"decline headless", "4242424242424242", func(e *env, u string) (int, string) {
			code, loc, _ := e.page(http.MethodGet, u+"?outcome=decline", nil)
			return code, loc
		}, "FAILED", "3-D Secure authentication failed", "CHARGE_FAILED"},
		{"a failure card fails after the challenge", "4444444444444448", func(e *env, u string) (int, string) {
			code, loc, _ := e.page(http.MethodGet, u+"?outcome=approve", nil)
			return code, loc
		}, "FAILED", "Insufficient funds", "CHARGE_FAILED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			body := with(cardCharge("3ds", "BR", tc.pan), "card3dsInfo", map[string]any{"use3ds": true, "merchantSite3ds": "https://shop.example/3ds-done"})
			got := e.post(merchantA, "/v1/payments/charges/card", body)
			u, _ := at(got, "transferDetails.card.card3dsInfo.threeDsRedirectUrl").(string)
			if at(got, "transferStatus") != "IN_PROGRESS" || !strings.HasPrefix(u, e.srv.URL+"/liquido/3ds/") ||
				at(got, "transferDetails.card.card3dsInfo.use3ds") != true || at(got, "finalStatusTime") != nil {
				t.Fatalf("charge: %v %q %v", at(got, "transferStatus"), u, at(got, "transferDetails.card.card3dsInfo"))
			}
			code, _, page := e.page(http.MethodGet, u, nil)
			if code != http.StatusOK || !strings.Contains(page, `id="approve"`) || !strings.Contains(page, `id="decline"`) {
				t.Fatalf("3-DS page: %d %s", code, page)
			}
			code, loc := tc.decide(e, u)
			if code != http.StatusSeeOther || loc != "https://shop.example/3ds-done" {
				t.Fatalf("decision: %d Location %q; want 303 to merchantSite3ds", code, loc)
			}
			got = e.get(merchantA, "/v1/payments/charges/3ds")
			if at(got, "transferStatus") != tc.wantStatus || at(got, "transferErrorMsg") != tc.wantMsg {
				t.Fatalf("after the page: %v %v", at(got, "transferStatus"), at(got, "transferErrorMsg"))
			}
			// The page is spent: deciding again changes nothing.
			e.page(http.MethodGet, u+"?outcome=approve", nil)
			e.settle(merchantA)
			if diff := cmp.Diff([]string{tc.wantEvent + " 3ds " + tc.wantStatus}, e.events("/a")); diff != "" {
				t.Errorf("callbacks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestThreeDSecureIsOfferedInBrazilAndMexicoOnly(t *testing.T) {
	e := newEnv(t)
	body := with(cardCharge("3ds-co", "CO", "4242424242424242"), "card3dsInfo", map[string]any{"use3ds": true})
	code, got := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", body)
	if code != http.StatusBadRequest || !strings.Contains(string(got), `{"field":"card3dsInfo.use3ds","message":"3-D Secure is offered in BR and MX only"}`) {
		t.Fatalf("HTTP %d %s", code, got)
	}
}

func TestRedirectFlow(t *testing.T) {
	tests := []struct {
		name       string
		card       string
		capture    bool
		wantStatus string
		wantMsg    any
	}{
		{"the payer pays with the default card", "", true, "SETTLED", nil},
		{"a test card entered on the page decides", "4000001240000000", true, "FAILED", "Payment rejected"},
		{"capture false authorises", "5105105105105100", false, "AUTHORIZED", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			body := map[string]any{
				"idempotencyKey": "redir", "amount": 5000, "currency": "MXN", "country": "MX",
				"paymentMethod": "CREDIT_CARD", "paymentFlow": "REDIRECT", "payer": payer("MX"), "capture": tc.capture,
				"merchantRedirectInfo": map[string]any{"merchantPageUrl": "https://shop.example/back?order=7"},
			}
			got := e.post(merchantA, "/v1/payments/charges/card", body)
			u, _ := at(got, "transferDetails.card.paymentUrl").(string)
			if at(got, "transferStatus") != "IN_PROGRESS" || at(got, "paymentFlow") != "REDIRECT" || !strings.HasPrefix(u, e.srv.URL+"/liquido/checkout/") {
				t.Fatalf("charge: %v %v %q", at(got, "transferStatus"), at(got, "paymentFlow"), u)
			}
			if at(got, "transferDetails.card.cardInfo") != nil {
				t.Fatalf("cardInfo before the payer entered a card: %v", at(got, "transferDetails.card.cardInfo"))
			}
			code, _, page := e.page(http.MethodGet, u, nil)
			if code != http.StatusOK || !strings.Contains(page, `name="cardNumber"`) {
				t.Fatalf("checkout page: %d", code)
			}
			form := url.Values{"decision": {"approve"}}
			if tc.card != "" {
				form.Set("cardNumber", tc.card)
			}
			code, loc, _ := e.page(http.MethodPost, u, form)
			if code != http.StatusSeeOther || loc != "https://shop.example/back?order=7" {
				t.Fatalf("decision: %d %q", code, loc)
			}
			got = e.get(merchantA, "/v1/payments/charges/redir")
			if at(got, "transferStatus") != tc.wantStatus || at(got, "transferErrorMsg") != tc.wantMsg {
				t.Fatalf("after the page: %v %v", at(got, "transferStatus"), at(got, "transferErrorMsg"))
			}
			if at(got, "transferDetails.card.cardInfo.last4") == nil {
				t.Fatalf("no cardInfo after payment: %v", at(got, "transferDetails.card"))
			}
		})
	}
}

func TestRedirectPageRejectsABadCardAndKeepsWaiting(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{
		"idempotencyKey": "redir-bad", "amount": 5000, "currency": "BRL", "country": "BR",
		"paymentMethod": "CREDIT_CARD", "paymentFlow": "REDIRECT", "payer": payer("BR"),
		"merchantRedirectInfo": map[string]any{"merchantPageUrl": "https://shop.example/back"},
	}
	got := e.post(merchantA, "/v1/payments/charges/card", body)
	u := at(got, "transferDetails.card.paymentUrl").(string)
	code, _, page := e.page(http.MethodPost, u, url.Values{"decision": {"approve"}, "cardNumber": {"4242"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "not a valid card number") {
		t.Fatalf("bad card: %d", code)
	}
	if got := e.get(merchantA, "/v1/payments/charges/redir-bad"); at(got, "transferStatus") != "IN_PROGRESS" {
		t.Fatalf("status %v", at(got, "transferStatus"))
	}
	code, loc, _ := e.page(http.MethodGet, u+"?outcome=decline", nil)
	if code != http.StatusSeeOther || loc != "https://shop.example/back" {
		t.Fatalf("decline: %d %q", code, loc)
	}
	if got := e.get(merchantA, "/v1/payments/charges/redir-bad"); at(got, "transferStatus") != "FAILED" {
		t.Fatalf("status %v", at(got, "transferStatus"))
	}
}

func TestUnknownPageTokens(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/liquido/3ds/nope", "/liquido/checkout/nope", "/liquido/pay/nope", "/liquido/pay/nope?outcome=approve"} {
		if code, _, _ := e.page(http.MethodGet, e.srv.URL+p, nil); code != http.StatusNotFound {
			t.Errorf("%s: HTTP %d", p, code)
		}
	}
	if code, _, _ := e.page(http.MethodGet, e.srv.URL+"/liquido/files/boleto/nope.pdf", nil); code != http.StatusNotFound {
		t.Errorf("boleto file: HTTP %d", code)
	}
}

func TestSavedCards(t *testing.T) {
	e := newEnv(t)
	saved := e.post(merchantA, "/v1/payments/vault/card", map[string]any{
		"country": "BR",
		"card":    map[string]any{"cardHolderName": "card_holder_name", "cardNumber": "4581243338680000", "expirationMonth": "09", "expirationYear": "2030", "cvc": "123"},
	})
	id, _ := saved["cardId"].(string)
	wantCard := map[string]any{"cardHolderName": "card_holder_name", "expirationMonth": float64(9), "expirationYear": float64(2030),
		"brand": "VISA", "bin": "458124", "last4": "0000"}
	if diff := cmp.Diff(wantCard, saved["card"]); id == "" || diff != "" {
		t.Fatalf("vault answer %v (-want +got):\n%s", saved, diff)
	}
	if _, ok := saved["transferStatusCode"]; ok {
		t.Errorf("the vault answer has no transferStatusCode (reference §5.3)")
	}
	body := cardCharge("by-card-id", "BR", "")
	delete(body, "card")
	body["cardId"] = id
	got := e.post(merchantA, "/v1/payments/charges/card", body)
	if at(got, "transferStatus") != "SETTLED" || at(got, "transferDetails.card.cardId") != id || at(got, "transferDetails.card.cardInfo.last4") != "0000" {
		t.Fatalf("charge by cardId: %v", at(got, "transferDetails"))
	}
	// A card charged by number in BR gets no cardId (SEED)…
	got = e.post(merchantA, "/v1/payments/charges/card", cardCharge("by-number", "BR", "4242424242424242"))
	if v := at(got, "transferDetails.card.cardId"); v != nil {
		t.Errorf("BR card-number charge returned cardId %v", v)
	}
	// …in MX it does, and the card is reusable.
	got = e.post(merchantA, "/v1/payments/charges/card", cardCharge("mx-first", "MX", "4242424242424242"))
	mxID, _ := at(got, "transferDetails.card.cardId").(string)
	if mxID == "" {
		t.Fatalf("MX first payment has no cardId: %v", at(got, "transferDetails.card"))
	}
	body = cardCharge("mx-again", "MX", "")
	delete(body, "card")
	body["cardId"] = mxID
	if got := e.post(merchantA, "/v1/payments/charges/card", body); at(got, "transferStatus") != "SETTLED" {
		t.Fatalf("MX charge by cardId: %v", at(got, "transferStatus"))
	}
}

func TestASavedTestCardBehavesLikeItsNumber(t *testing.T) {
	e := newEnv(t)
	saved := e.post(merchantA, "/v1/payments/vault/card", map[string]any{
		"country": "BR",
		"card":    map[string]any{"cardHolderName": "X", "cardNumber": "4444444444444448", "expirationMonth": 1, "expirationYear": 2031, "cvc": "999"},
	})
	body := cardCharge("saved-nsf", "BR", "")
	delete(body, "card")
	body["cardId"] = saved["cardId"]
	got := e.post(merchantA, "/v1/payments/charges/card", body)
	if at(got, "transferStatus") != "FAILED" || at(got, "transferErrorMsg") != "Insufficient funds" {
		t.Fatalf("got %v %v", at(got, "transferStatus"), at(got, "transferErrorMsg"))
	}
}

func TestUSDIsConvertedToLocalMoney(t *testing.T) {
	e := newEnv(t)
	body := cardCharge("usd", "BR", "4242424242424242")
	body["currency"] = "USD"
	got := e.post(merchantA, "/v1/payments/charges/card", body)
	if at(got, "finalAmount") != float64(50000) || at(got, "finalCurrency") != "BRL" || at(got, "currency") != "USD" {
		t.Fatalf("got amount %v %v final %v %v", at(got, "amount"), at(got, "currency"), at(got, "finalAmount"), at(got, "finalCurrency"))
	}
}

package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// lqPayoutEvent is a payout callback: {eventType, data: {payoutDetails}}.
type lqPayoutEvent struct {
	EventType string `json:"eventType"`
	Data      struct {
		PayoutDetails map[string]any `json:"payoutDetails"`
	} `json:"data"`
}

// lqPayoutEvents decodes what rv received, each checked with an HMAC of our
// own (reference §15.2) and refused once its body is altered.
func lqPayoutEvents(t *testing.T, rv *callbacktest.Receiver, secret string, others ...string) []string {
	t.Helper()
	var out []string
	for _, r := range rv.Received() {
		var ev lqPayoutEvent
		if err := json.Unmarshal(r.Body, &ev); err != nil {
			t.Fatalf("payout callback is not JSON: %q", r.Body)
		}
		sig := r.Header.Get("Liquido-Signature")
		if _, err := lqVerify(sig, r.Body, secret); err != nil {
			t.Errorf("%s: %v", ev.EventType, err)
		}
		for _, other := range others {
			if _, err := lqVerify(sig, r.Body, other); err == nil {
				t.Errorf("%s verifies with another secret", ev.EventType)
			}
		}
		altered := []byte(strings.Replace(string(r.Body), `"amountInCents":`, `"amountInCents":1`, 1))
		if _, err := lqVerify(sig, altered, secret); err == nil || string(altered) == string(r.Body) {
			t.Errorf("%s: an altered body still verifies", ev.EventType)
		}
		d := ev.Data.PayoutDetails
		out = append(out, strings.Join([]string{ev.EventType, lqStr(d["idempotencyKey"]), lqStr(d["transferStatus"]), lqStr(d["transferErrorMsg"])}, " "))
	}
	return out
}

func lqPixPayout(key, callbackURL, comment string) map[string]any {
	return map[string]any{
		"idempotencyKey": key, "country": "BR", "targetName": "Ana", "targetLastName": "Souza",
		"targetEmail": "ana@example.com", "targetPhone": "+5511987654321", "targetBirthDate": "1990-05-17",
		"targetDocument": "422.433.091-14", "targetPixKey": "ana@example.com", "targetPixKeyType": "email",
		"amountInCents": 12345, "currency": "BRL", "callbackUrl": callbackURL, "comment": comment,
	}
}

// Pix and SPEI payouts against the binary: IN_PROGRESS, then SETTLED or
// REJECTED on the clock as the comment's sandbox parameters say, a settled
// payout returned, each change with its signed callback; bad recipients
// refused in the API's error shape.
func TestLiquidoPayouts(t *testing.T) {
	t.Parallel()
	// Each subtest moves the clock of a merchant of its own.
	m, other := lqNamed("lq-payouts"), lqNamed("lq-payouts-other")
	clocks := []lqMerchant{m, other}
	for _, name := range []string{"default", "rejected", "returned", "short", "details", "spei"} {
		clocks = append(clocks, lqNamed("lq-payouts-"+name))
	}
	s := lqStart(t, clocks...)

	inProgress := func(key string) string {
		return `{"idempotencyKey":"` + key + `","statusCode":200,"errorMsg":"","transferStatus":"IN_PROGRESS","transferStatusCode":200,"transferErrorMsg":""}`
	}
	cases := []struct {
		name, merchant, comment string
		steps                   []string // clock moves
		want                    []string // callbacks after all steps
		afterFirst              int      // callbacks after the first step
	}{
		{"settled after the default 15 s", "default", "payroll", []string{"14s", "1s"}, []string{"PAYOUT_SUCCEEDED <key> SETTLED "}, 0},
		{"rejected", "rejected", "statusEvent=REJECTED;statusDelay=20", []string{"20s"}, []string{"PAYOUT_REJECTED <key> REJECTED Payout rejected by the receiving bank"}, 1},
		{"settled, then returned", "returned", "statusEvent=SETTLED_THEN_REJECTED;statusDelay=30", []string{"30s", "30s"},
			[]string{"PAYOUT_SUCCEEDED <key> SETTLED ", "PAYOUT_REJECTED <key> REJECTED Payout returned by the recipient's bank"}, 1},
		{"a delay under 15 s is rejected", "short", "statusDelay=5", []string{"5s"}, []string{"PAYOUT_REJECTED <key> REJECTED statusDelay must be at least 15 seconds"}, 1},
	}
	for _, c := range cases {
		t.Run("pix "+c.name, func(t *testing.T) {
			t.Parallel()
			m := lqNamed("lq-payouts-" + c.merchant)
			rv := callbacktest.New(t)
			key := lqKey(t, "")
			r := s.call(t, m, http.MethodPost, "/v1/payments/payouts/pix", lqPixPayout(key, rv.URL+"/payouts", c.comment))
			lqReplyDiff(t, "payout", r, http.StatusOK, inProgress(key))
			for i, d := range c.steps {
				s.advance(t, m, d)
				if i == 0 && len(rv.Received()) != c.afterFirst {
					t.Fatalf("after %s: %d callbacks, want %d", d, len(rv.Received()), c.afterFirst)
				}
			}
			var want []string
			for _, w := range c.want {
				want = append(want, strings.Replace(w, "<key>", key, 1))
			}
			if diff := cmp.Diff(want, lqPayoutEvents(t, rv, m.secret, other.secret, lqDefault.secret)); diff != "" {
				t.Errorf("callbacks (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("the callback's payout details", func(t *testing.T) {
		t.Parallel()
		m := lqNamed("lq-payouts-details")
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		body := lqPixPayout(key, rv.URL, "")
		body["currency"], body["amountInCents"] = "USD", 1000
		s.post(t, m, "/v1/payments/payouts/pix", body)
		s.advance(t, m, "15s")
		got := rv.Received()
		if len(got) != 1 {
			t.Fatalf("%d callbacks", len(got))
		}
		var ev lqPayoutEvent
		_ = json.Unmarshal(got[0].Body, &ev)
		lqDiff(t, "payoutDetails", `{
			"idempotencyKey":"`+key+`","paymentMethod":"PIX","country":"BR","amountInCents":1000,"currency":"USD",
			"paidAmount":5000,"paidCurrency":"BRL","exchangeRate":5,
			"transferStatus":"SETTLED","transferStatusCode":200,"transferErrorMsg":"",
			"createTime":"<time>","finalStatusTime":"<time>",
			"targetName":"Ana","targetLastName":"Souza","targetEmail":"ana@example.com","targetPhone":"+5511987654321",
			"targetBirthDate":"1990-05-17","targetDocument":"422.433.091-14","targetPixKey":"ana@example.com","targetPixKeyType":"email",
			"comment":"","callbackUrl":"`+rv.URL+`"}`, ev.Data.PayoutDetails)
	})

	t.Run("spei settled", func(t *testing.T) {
		t.Parallel()
		m := lqNamed("lq-payouts-spei")
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		r := s.call(t, m, http.MethodPost, "/v1/payments/payouts/spei", map[string]any{
			"idempotencyKey": key, "country": "MX", "targetName": "Juan Perez", "targetBankName": "ARCUS",
			"targetBankCode": "90706", "targetBankAccountId": "706180679889373163", "amountInCents": 50000,
			"currency": "MXN", "callbackUrl": rv.URL, "comment": "statusDelay=60"})
		lqReplyDiff(t, "SPEI payout", r, http.StatusOK, inProgress(key))
		s.advance(t, m, "60s")
		if diff := cmp.Diff([]string{"PAYOUT_SUCCEEDED " + key + " SETTLED "}, lqPayoutEvents(t, rv, m.secret)); diff != "" {
			t.Errorf("callbacks (-want +got):\n%s", diff)
		}
	})

	t.Run("the idempotencyKey", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		body := lqPixPayout(key, "", "statusEvent=REJECTED")
		s.post(t, m, "/v1/payments/payouts/pix", body)
		s.advance(t, m, "15s")
		r := s.call(t, m, http.MethodPost, "/v1/payments/payouts/pix", body)
		lqReplyDiff(t, "the same payout again", r, http.StatusOK,
			`{"idempotencyKey":"`+key+`","statusCode":200,"errorMsg":"","transferStatus":"REJECTED","transferStatusCode":400,"transferErrorMsg":"Payout rejected by the receiving bank"}`)
		r = s.call(t, m, http.MethodPost, "/v1/payments/payouts/pix", lqWith(body, "amountInCents", 1))
		lqReplyDiff(t, "another payout under the key", r, http.StatusConflict,
			lqSpring(409, "/v1/payments/payouts/pix", "idempotencyKey "+key+" was already used with a different request"))
		// Keys are per merchant.
		s.post(t, other, "/v1/payments/payouts/pix", lqWith(body, "amountInCents", 1))
	})

	t.Run("bad recipients", func(t *testing.T) {
		t.Parallel()
		pix, spei := "/v1/payments/payouts/pix", "/v1/payments/payouts/spei"
		speiBody := func(clabe string) map[string]any {
			return map[string]any{"idempotencyKey": "k", "country": "MX", "targetName": "Juan", "targetBankAccountId": clabe,
				"amountInCents": 100, "currency": "MXN"}
		}
		cases := []struct {
			name, path string
			body       map[string]any
			fields     []string
		}{
			{"a CPF with a wrong check digit", pix, lqWith(lqPixPayout("k", "", ""), "targetDocument", "42243309115"),
				[]string{"targetDocument", "is not a valid CPF: its check digits do not match"}},
			{"a CNPJ with a wrong check digit", pix, lqWith(lqPixPayout("k", "", ""), "targetDocument", "11.222.333/0001-82"),
				[]string{"targetDocument", "is not a valid CNPJ: its check digits do not match"}},
			{"a document Pix key that is no CPF", pix, lqWith(lqPixPayout("k", "", ""), "targetPixKeyType", "CPF", "targetPixKey", "111.111.111-11"),
				[]string{"targetPixKey", "is not a valid CPF: its check digits do not match"}},
			{"a phone Pix key without +55", pix, lqWith(lqPixPayout("k", "", ""), "targetPixKeyType", "phone", "targetPixKey", "11987654321"),
				[]string{"targetPixKey", "is not a phone Pix key: +55, the area code and the number, such as +5511987654321"}},
			{"a random Pix key that is no UUID", pix, lqWith(lqPixPayout("k", "", ""), "targetPixKeyType", "EVP", "targetPixKey", "abc"),
				[]string{"targetPixKey", "is not a random Pix key: a UUID such as 123e4567-e89b-12d3-a456-426614174000"}},
			{"an unknown Pix key type", pix, lqWith(lqPixPayout("k", "", ""), "targetPixKeyType", "iban"),
				[]string{"targetPixKeyType", "must be one of email, phone, document, random (CPF, CNPJ and EVP are also understood)"}},
			{"a CLABE with a wrong check digit", spei, speiBody("706180679889373160"),
				[]string{"targetBankAccountId", "is not a valid CLABE: its check digit should be 3"}},
			{"a CLABE of 17 digits", spei, speiBody("70618067988937316"),
				[]string{"targetBankAccountId", "must be an 18-digit CLABE"}},
			{"an unknown statusEvent", pix, lqPixPayout("k", "", "statusEvent=PAID"),
				[]string{"comment", "statusEvent=PAID: must be one of SETTLED, REJECTED, SETTLED_THEN_REJECTED"}},
		}
		for _, c := range cases {
			r := s.call(t, m, http.MethodPost, c.path, c.body)
			lqReplyDiff(t, c.name, r, http.StatusBadRequest, lqInvalid(c.path, c.fields...))
		}
	})
}

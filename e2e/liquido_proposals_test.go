package e2e

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// An FX proposal (reference §12) quotes a USD pay-in in reais; a card
// charge that carries it is converted at the quoted rate, answers and calls
// back with the converted finalAmount; the proposal is used once, and one
// past its expiry on the merchant's virtual clock is refused.
func TestLiquidoFXProposalUsedByACardCharge(t *testing.T) {
	t.Parallel()
	m := lqNamed("lq-fx")
	s := lqStart(t, m)
	rv := callbacktest.New(t)

	q := s.post(t, m, "/v1/payments/proposals", map[string]any{"amount": 2000, "country": "BR", "currency": "USD", "targetCurrency": "BRL"})
	id, _ := q["proposalId"].(string)
	lqDiff(t, "proposal", `{"proposalId":"<varies>","country":"BR","amount":2000,"currency":"USD","targetAmount":10000,
		"targetCurrency":"BRL","exchangeRate":5,"createTime":"<time>","expireTime":"<time>"}`, q, "proposalId")

	card := lqWith(lqCard(lqKey(t, "paid"), "BR", "4242424242424242"), "amount", 2000, "currency", "USD",
		"paymentProposalInfo", map[string]any{"proposalId": id}, "callbackUrl", rv.URL+"/fx")
	got := s.post(t, m, "/v1/payments/charges/card", card)
	want := []any{"SETTLED", 2000.0, "USD", 10000.0, "BRL", map[string]any{"proposalId": id, "exchangeRate": 5.0}}
	summary := func(p map[string]any) []any {
		return []any{p["transferStatus"], p["amount"], p["currency"], p["finalAmount"], p["finalCurrency"], p["paymentProposalInfo"]}
	}
	if diff := cmp.Diff(want, summary(got)); diff != "" {
		t.Errorf("converted charge (-want +got):\n%s", diff)
	}
	s.advance(t, m, "0s")
	evs := lqEvents(t, rv)
	if len(evs) != 1 {
		t.Fatalf("callbacks: %v", lqSummary(evs))
	}
	lqCheckSigned(t, "CHARGE_SUCCEEDED", evs[0], m.secret, lqDefault.secret)
	if diff := cmp.Diff(want, summary(evs[0].Data.ChargeDetails)); diff != "" {
		t.Errorf("callback (-want +got):\n%s", diff)
	}

	path := "/v1/payments/charges/card"
	again := lqWith(lqCard(lqKey(t, "again"), "BR", "4242424242424242"), "amount", 2000, "currency", "USD",
		"paymentProposalInfo", map[string]any{"proposalId": id})
	lqReplyDiff(t, "a second charge with the same proposal", s.call(t, m, http.MethodPost, path, again), http.StatusBadRequest,
		lqInvalid(path, "paymentProposalInfo.proposalId", "proposal "+id+" was already used by payment "+lqKey(t, "paid")))

	late, _ := s.post(t, m, "/v1/payments/proposals", map[string]any{"amount": 2000, "country": "BR", "currency": "USD"})["proposalId"].(string)
	expireTime := s.post(t, m, "/v1/payments/proposals", map[string]any{"amount": 2000, "country": "BR", "currency": "USD"})["expireTime"]
	s.advance(t, m, "15m")
	expired := lqWith(lqCard(lqKey(t, "expired"), "BR", "4242424242424242"), "amount", 2000, "currency", "USD",
		"paymentProposalInfo", map[string]any{"proposalId": late})
	r := s.call(t, m, http.MethodPost, path, expired)
	body := r.json(t)
	errs, _ := body["errors"].([]any)
	if r.code != http.StatusBadRequest || len(errs) != 1 || lqAt(errs[0].(map[string]any), "field") != "paymentProposalInfo.proposalId" {
		t.Errorf("expired proposal: HTTP %d %s", r.code, r.body)
	}
	if expireTime == nil {
		t.Error("no expireTime")
	}
	if got := s.call(t, m, http.MethodGet, "/v1/payments/charges/"+lqKey(t, "expired"), nil); got.code != http.StatusNotFound {
		t.Errorf("the refused charge was stored: HTTP %d", got.code)
	}
}

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// lqCheckSigned verifies a callback with secret, wants it refused with
// every other secret given and with its body altered, and returns its
// timestamp.
func lqCheckSigned(t *testing.T, what string, ev lqEvent, secret string, others ...string) time.Time {
	t.Helper()
	ts, err := lqVerify(ev.signature, ev.raw, secret)
	if err != nil {
		t.Errorf("%s: %v (header %q)", what, err, ev.signature)
	}
	for _, other := range others {
		if _, err := lqVerify(ev.signature, ev.raw, other); err == nil {
			t.Errorf("%s verifies with another secret, %q", what, other)
		}
	}
	altered := []byte(strings.Replace(string(ev.raw), `"amount":`, `"amount":1`, 1))
	if _, err := lqVerify(ev.signature, altered, secret); err == nil {
		t.Errorf("%s: an altered body still verifies", what)
	}
	return time.Unix(ts, 0)
}

// Every event type Liquido sends (reference §15.3) arrives signed as
// reference §15.2 documents, checked with an implementation of our own.
func TestLiquidoCallbackSignatures(t *testing.T) {
	t.Parallel()
	events, retried, wrong, configured := lqNamed("lq-cb-events"), lqNamed("lq-cb-retried"), lqNamed("lq-cb-wrong"), lqNamed("lq-cb-configured")
	shop := callbacktest.New(t)
	configured.callbackURL = shop.URL + "/shop"
	s := lqStart(t, events, retried, wrong, configured)

	t.Run("every event type", func(t *testing.T) {
		t.Parallel()
		m := events
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		// A chargeback a day after settling, scripted with then:, and a
		// refund the issuer rejects.
		s.putScenarios(t, "lq-every-event", m, `version: 1
provider: liquido
scenarios:
  - name: charged back a day later
    match: {idempotencyKey: `+key+`-chargeback}
    outcome:
      then: [{after: 24h, status: CHARGED_BACK}]
  - name: refund rejected
    match: {action: refund, idempotencyKey: `+key+`-refund-rejected}
    outcome: {status: FAILED, code: "402", message: "Refund rejected by the issuer"}
`)
		charge := func(suffix, pan string) {
			s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(key+suffix, "BR", pan), "callbackUrl", rv.URL+"/liquido"))
			s.advance(t, m, "0s") // one at a time: callbacks of two payments may overtake each other
		}
		refund := func(suffix string) map[string]any {
			got := s.post(t, m, "/v1/payments/charges/refund", lqRefund(key+suffix, key+"-paid", 100, "BR"))
			s.advance(t, m, "0s")
			return got
		}
		start := s.now(t, m)
		charge("-paid", "4242424242424242")
		charge("-declined", "4000001240000000")
		charge("-chargeback", "4242424242424242")
		refund("-refund-ok")
		if got := refund("-refund-rejected"); got["transferStatusCode"] != 402.0 || got["transferErrorMsg"] != "Refund rejected by the issuer" {
			t.Errorf("the scripted refund failure answered %v %v", got["transferStatusCode"], got["transferErrorMsg"])
		}
		if got := s.payment(t, m, key+"-chargeback"); got["transferStatus"] != "SETTLED" {
			t.Errorf("before the chargeback: %v", got["transferStatus"])
		}
		end := s.now(t, m)
		s.advance(t, m, "24h")

		evs := lqEvents(t, rv)
		want := []string{
			"CHARGE_SUCCEEDED " + key + "-paid SETTLED",
			"CHARGE_FAILED " + key + "-declined FAILED",
			"CHARGE_SUCCEEDED " + key + "-chargeback SETTLED",
			"CHARGE_REFUND_SUCCEEDED " + key + "-refund-ok SETTLED",
			"CHARGE_REFUND_FAILED " + key + "-refund-rejected FAILED",
			"CHARGE_CHARGED_BACK " + key + "-chargeback CHARGED_BACK",
		}
		if diff := cmp.Diff(want, lqSummary(evs)); diff != "" {
			t.Fatalf("callbacks (-want +got):\n%s", diff)
		}
		for i, ev := range evs {
			ts := lqCheckSigned(t, want[i], ev, m.secret, lqDefault.secret, retried.secret, m.apiKey)
			// Stamped with the merchant's virtual time of sending.
			from, to := start.Truncate(time.Second), end
			if i == len(evs)-1 {
				from, to = from.Add(24*time.Hour), end.Add(24*time.Hour)
			}
			if ts.Before(from) || ts.After(to) {
				t.Errorf("%s: timestamp %v, want between %v and %v", want[i], ts, from, to)
			}
		}
		// The shapes (reference §15.4, §5.9, §8.3).
		for i, ev := range evs {
			var top map[string]any
			_ = json.Unmarshal(ev.raw, &top)
			if len(top) != 2 || len(top["data"].(map[string]any)) != 1 {
				t.Errorf("%s: body %s; want exactly {eventType, data: {chargeDetails}}", want[i], ev.raw)
			}
		}
		if diff := cmp.Diff(s.payment(t, m, key+"-declined"), evs[1].Data.ChargeDetails); diff != "" {
			t.Errorf("CHARGE_FAILED chargeDetails vs GET (-GET +callback):\n%s", diff)
		}
		chargeback := s.payment(t, m, key+"-chargeback")
		if diff := cmp.Diff(chargeback, evs[5].Data.ChargeDetails); diff != "" {
			t.Errorf("CHARGE_CHARGED_BACK chargeDetails vs GET (-GET +callback):\n%s", diff)
		}
		want5 := []any{"CHARGED_BACK", 200.0, map[string]any{"category": "OTHER", "reasonCode": "1999", "reasonMessage": "Not Classified"}}
		if diff := cmp.Diff(want5, []any{chargeback["transferStatus"], chargeback["transferStatusCode"], lqAt(chargeback, "transferDetails.card.chargebackInfo")}); diff != "" {
			t.Errorf("the charged-back payment: status, code, chargebackInfo (-want +got):\n%s", diff)
		}
		for i, refund := range []string{"-refund-ok", "-refund-rejected"} {
			details := evs[3+i].Data.ChargeDetails
			if diff := cmp.Diff(s.get(t, m, "/v1/payments/charges/refund/"+key+refund), details); diff != "" {
				t.Errorf("%s chargeDetails vs GET (-GET +callback):\n%s", refund, diff)
			}
			if details["referenceId"] != key+"-paid" {
				t.Errorf("%s: referenceId %v, want the payment's key", refund, details["referenceId"])
			}
		}
	})

	t.Run("a failed delivery is retried with the same body, signed anew", func(t *testing.T) {
		t.Parallel()
		m := retried
		rv := callbacktest.New(t, 500, 200)
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(key, "BR", "4242424242424242"), "callbackUrl", rv.URL))
		s.advance(t, m, "0s")
		if n := len(rv.Received()); n != 1 {
			t.Fatalf("%d attempts before the retry is due, want 1", n)
		}
		s.advance(t, m, "1s") // the configured backoff starts at 1 s
		got := rv.Received()
		if len(got) != 2 {
			t.Fatalf("%d attempts after 1 s, want 2", len(got))
		}
		// Same body; the signature is made when each attempt is sent, so
		// the retry's timestamp is 1 s (virtual) later and it still verifies.
		if string(got[0].Body) != string(got[1].Body) {
			t.Errorf("the retry's body differs from the first attempt's")
		}
		ts := func(h string) int64 {
			for _, part := range strings.Split(h, ",") {
				if v, ok := strings.CutPrefix(part, "timestamp="); ok {
					n, _ := strconv.ParseInt(v, 10, 64)
					return n
				}
			}
			return 0
		}
		if d := ts(got[1].Header.Get("Liquido-Signature")) - ts(got[0].Header.Get("Liquido-Signature")); d != 1 {
			t.Errorf("the retry's timestamp is %d s after the first attempt's, want 1", d)
		}
		for i, ev := range lqEvents(t, rv) {
			lqCheckSigned(t, fmt.Sprintf("attempt %d", i+1), ev, m.secret)
		}
		log := s.callbacks(t, "merchant="+m.id)
		var statuses []int
		for _, cb := range log.Callbacks {
			for _, a := range cb.Attempts {
				statuses = append(statuses, a.ResponseStatus)
			}
		}
		if len(log.Callbacks) != 1 || log.Callbacks[0].Status != "delivered" || !cmp.Equal([]int{500, 200}, statuses) {
			t.Errorf("delivery log: %+v", log)
		}
	})

	t.Run("to the payment's callbackUrl, else the merchant's callback_url", func(t *testing.T) {
		t.Parallel()
		m := configured
		own := callbacktest.New(t)
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", lqCard(key+"-plain", "BR", "4242424242424242"))
		s.advance(t, m, "0s")
		s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(key+"-own", "BR", "4242424242424242"), "callbackUrl", own.URL+"/own"))
		s.advance(t, m, "0s")
		s.post(t, m, "/v1/payments/charges/refund", lqRefund(key+"-refund", key+"-plain", 100, "BR"))
		s.advance(t, m, "0s")
		var paths []string
		for _, rv := range []*callbacktest.Receiver{shop, own} {
			for _, r := range rv.Received() {
				paths = append(paths, r.Path)
			}
		}
		if diff := cmp.Diff([]string{"/shop", "/shop", "/own"}, paths); diff != "" {
			t.Errorf("where the callbacks went (-want +got):\n%s", diff)
		}
		want := []string{"CHARGE_SUCCEEDED " + key + "-plain SETTLED", "CHARGE_REFUND_SUCCEEDED " + key + "-refund SETTLED"}
		if diff := cmp.Diff(want, lqSummary(lqEvents(t, shop))); diff != "" {
			t.Errorf("at the merchant's callback_url (-want +got):\n%s", diff)
		}
		// The default merchant has no callback_url: nothing is sent.
		s.post(t, lqDefault, "/v1/payments/charges/card", lqCard(key+"-nowhere", "BR", "4242424242424242"))
		s.advance(t, lqDefault, "0s")
		if log := s.callbacks(t, "merchant="+lqDefault.id); len(log.Callbacks) != 0 {
			t.Errorf("%d callbacks without any URL", len(log.Callbacks))
		}
	})

	t.Run("a scripted wrong signature does not verify", func(t *testing.T) {
		t.Parallel()
		m := wrong
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		s.putScenarios(t, "lq-wrong-signature", m, `version: 1
provider: liquido
scenarios:
  - name: wrong key
    match: {idempotencyKey: `+key+`}
    outcome: {callbacks: {signature: wrong}}
`)
		s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(key, "BR", "4242424242424242"), "callbackUrl", rv.URL))
		s.advance(t, m, "0s")
		evs := lqEvents(t, rv)
		if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED " + key + " SETTLED"}, lqSummary(evs)); diff != "" {
			t.Fatalf("callbacks (-want +got):\n%s", diff)
		}
		if _, err := lqVerify(evs[0].signature, evs[0].raw, m.secret); err == nil || err.Error() != "the signature does not verify" {
			t.Errorf("a callback scripted with a wrong signature: %v", err)
		}
	})
}

// A Liquido scenario loaded at runtime overrides a test card, for its
// merchant only, until it is deleted.
func TestLiquidoRuntimeScenario(t *testing.T) {
	t.Parallel()
	scripted := lqNamed("lq-scripted")
	s := lqStart(t, scripted)
	const yaml = `version: 1
provider: liquido
scenarios:
  - name: insufficient funds paid
    match: {bin: "444444", last4: "4448"}
    outcome: {status: SETTLED}
  - name: do not honor
    match: {card: "4242424242424242", amount: {min: 500}}
    outcome: {status: FAILED, code: "2005", message: "Do not honor"}
  - name: gateway down
    match: {idempotencyKey: {regex: "^lb-"}}
    outcome: {fault: {type: http, status: 502}}
  - name: charged, but the answer was lost
    match: {idempotencyKey: {regex: "^lost-"}}
    outcome: {fault: {type: http, status: 504, processed: true}}
`
	r := s.send(t, http.MethodPut, "/_mockpay/scenarios/lq-override?merchant="+scripted.id, yaml, nil)
	if r.code != http.StatusOK {
		t.Fatalf("PUT: HTTP %d %s", r.code, r.body)
	}
	lqDiff(t, "PUT answer", `{"name":"lq-override","source":"runtime","merchant":"lq-scripted","scenarios":[
		{"name":"insufficient funds paid","provider":"liquido","line":4},{"name":"do not honor","provider":"liquido","line":7},
		{"name":"gateway down","provider":"liquido","line":10},{"name":"charged, but the answer was lost","provider":"liquido","line":13}]}`, r.json(t))

	status := func(m lqMerchant, key, pan string, amount int) []any {
		got := s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard(key, "BR", pan), "amount", amount))
		return []any{got["transferStatus"], got["transferStatusCode"], got["transferErrorMsg"]}
	}
	for _, tc := range []struct {
		name   string
		m      lqMerchant
		pan    string
		amount int
		want   []any
	}{
		{"the overridden test card", scripted, "4444444444444448", 10000, []any{"SETTLED", 200.0, nil}},
		{"a scripted decline", scripted, "4242424242424242", 50000, []any{"FAILED", 2005.0, "Do not honor"}},
		{"below the scripted amount", scripted, "4242424242424242", 49999, []any{"SETTLED", 200.0, nil}},
		{"another merchant's test card", lqDefault, "4444444444444448", 10000, []any{"FAILED", 400.0, "Insufficient funds"}},
		{"another merchant's decline", lqDefault, "4242424242424242", 50000, []any{"SETTLED", 200.0, nil}},
	} {
		if diff := cmp.Diff(tc.want, status(tc.m, lqKey(t, tc.name), tc.pan, tc.amount)); diff != "" {
			t.Errorf("%s: status, code, message (-want +got):\n%s", tc.name, diff)
		}
	}

	// Scripted faults answer as API Gateway does: before processing,
	// nothing is charged; after it, the charge stands and an idempotent
	// retry gets it.
	lqReplyDiff(t, "a 502 before processing", s.call(t, scripted, http.MethodPost, "/v1/payments/charges/card", lqCard("lb-1", "BR", "4242424242424242")),
		http.StatusBadGateway, `{"message":"Internal server error"}`)
	lqReplyDiff(t, "after the 502", s.call(t, scripted, http.MethodGet, "/v1/payments/charges/lb-1", nil), http.StatusNotFound,
		lqSpring(404, "/v1/payments/charges/lb-1", "No payment found with idempotencyKey lb-1"))
	rv := callbacktest.New(t)
	lost := lqWith(lqCard("lost-1", "BR", "4242424242424242"), "callbackUrl", rv.URL)
	lqReplyDiff(t, "a 504 after processing", s.call(t, scripted, http.MethodPost, "/v1/payments/charges/card", lost),
		http.StatusGatewayTimeout, `{"message":"Endpoint request timed out"}`)
	lqReplyDiff(t, "the retry", s.call(t, scripted, http.MethodPost, "/v1/payments/charges/card", lost), http.StatusOK,
		lqWantCard("lost-1", "4242424242424242", "VISA", "SETTLED", 200, nil, rv.URL, true))
	lqOneCallback(t, s, scripted, rv, "CHARGE_SUCCEEDED lost-1 SETTLED")

	// A misspelt status is refused with its position; nothing changes.
	bad := s.send(t, http.MethodPut, "/_mockpay/scenarios/lq-override?merchant="+scripted.id, strings.Replace(yaml, "SETTLED", "SETLED", 1), nil)
	if bad.code != http.StatusBadRequest {
		t.Errorf("PUT of a misspelt status: HTTP %d", bad.code)
	}
	lqDiff(t, "PUT of a misspelt status", `{"error":"invalid scenarios","errors":[{"line":6,"column":23,
		"message":"status \"SETLED\" is not a liquido status (INITIAL_STATUS, IN_PROGRESS, AUTHORIZED, SETTLED, FAILED, CANCELLED, EXPIRED, REFUNDING, REFUNDED, CHARGED_BACK, ACTIVE)"}]}`,
		bad.json(t))
	if diff := cmp.Diff([]any{"SETTLED", 200.0, nil}, status(scripted, lqKey(t, "after a refused PUT"), "4444444444444448", 10000)); diff != "" {
		t.Errorf("after a refused PUT (-want +got):\n%s", diff)
	}

	s.deleteScenarios(t, "lq-override", scripted)
	if diff := cmp.Diff([]any{"FAILED", 400.0, "Insufficient funds"}, status(scripted, lqKey(t, "after DELETE"), "4444444444444448", 10000)); diff != "" {
		t.Errorf("after DELETE (-want +got):\n%s", diff)
	}
}

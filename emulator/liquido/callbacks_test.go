package liquido_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/emulator/liquido"
)

// verifySignature checks a Liquido-Signature header the way the docs tell a
// merchant to (reference §15.2), written here from scratch:
// HMAC-SHA256("payload=<raw body>,timestamp=<ts>", client_secret), hex.
func verifySignature(header string, body []byte, secret string) error {
	parts := map[string]string{}
	for _, kv := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("malformed header %q", header)
		}
		parts[k] = v
	}
	if parts["algorithm"] != "HmacSHA256" {
		return fmt.Errorf("algorithm %q", parts["algorithm"])
	}
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "payload=%s,timestamp=%s", body, parts["timestamp"])
	want := hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(parts["signature"])) {
		return errors.New("signature does not verify")
	}
	return nil
}

func TestSignMatchesAnIndependentComputation(t *testing.T) {
	body := []byte(`{"eventType":"CHARGE_SUCCEEDED","data":{"chargeDetails":{"idempotencyKey":"x"}}}`)
	got := liquido.Sign("s3cret", body, 1709294400)
	mac := hmac.New(sha256.New, []byte("s3cret"))
	mac.Write([]byte("payload=" + string(body) + ",timestamp=1709294400"))
	want := "algorithm=HmacSHA256,timestamp=1709294400,signature=" + hex.EncodeToString(mac.Sum(nil))
	if got != want {
		t.Fatalf("Sign = %s\nwant   %s", got, want)
	}
}

func TestEveryEventTypeIsSignedAndSentWhenLiquidoSendsIt(t *testing.T) {
	e := newEnv(t)
	// A chargeback an hour after settling, and a refund the scenario fails.
	e.scenario(`
version: 1
provider: liquido
scenarios:
  - name: chargeback
    match: {idempotencyKey: cb-pay}
    outcome:
      then: [{after: 1h, status: CHARGED_BACK}]
  - name: refund-fails
    match: {action: refund, idempotencyKey: r-fail}
    outcome: {status: FAILED, code: "402", message: "Refund rejected by the issuer"}
`)
	// Settling after each request keeps the arrival order: callbacks of
	// different payments may overtake each other.
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("ok-pay", "BR", "4242424242424242"))
	e.settle(merchantA)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("bad-pay", "BR", "4000001240000000"))
	e.settle(merchantA)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("cb-pay", "BR", "4242424242424242"))
	e.settle(merchantA)
	e.post(merchantA, "/v1/payments/charges/refund", refund("r-ok", "ok-pay", 100, "BRL", "BR"))
	e.settle(merchantA)
	failedRefund := e.post(merchantA, "/v1/payments/charges/refund", refund("r-fail", "ok-pay", 100, "BRL", "BR"))
	if at(failedRefund, "transferStatus") != "FAILED" || at(failedRefund, "transferStatusCode") != float64(402) {
		t.Fatalf("scripted refund failure: %v", failedRefund)
	}
	e.advance(merchantA, time.Hour)

	got := e.recv.got("/a")
	want := []string{
		"CHARGE_SUCCEEDED ok-pay SETTLED",
		"CHARGE_FAILED bad-pay FAILED",
		"CHARGE_SUCCEEDED cb-pay SETTLED",
		"CHARGE_REFUND_SUCCEEDED r-ok SETTLED",
		"CHARGE_REFUND_FAILED r-fail FAILED",
		"CHARGE_CHARGED_BACK cb-pay CHARGED_BACK",
	}
	if diff := cmp.Diff(want, e.events("/a")); diff != "" {
		t.Fatalf("callbacks (-want +got):\n%s", diff)
	}
	for i, r := range got {
		if err := verifySignature(r.Header.Get("Liquido-Signature"), r.Body, merchantA.secret); err != nil {
			t.Errorf("callback %d (%s): %v", i, want[i], err)
		}
		if err := verifySignature(r.Header.Get("Liquido-Signature"), r.Body, merchantB.secret); err == nil {
			t.Errorf("callback %d verifies with another merchant's secret", i)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("callback %d Content-Type %q", i, ct)
		}
		// The timestamp is the merchant's virtual time of sending.
		wantTS := t0.Unix()
		if i == len(got)-1 {
			wantTS = t0.Add(time.Hour).Unix()
		}
		if !strings.Contains(r.Header.Get("Liquido-Signature"), "timestamp="+strconv.FormatInt(wantTS, 10)+",") {
			t.Errorf("callback %d header %q, want timestamp %d", i, r.Header.Get("Liquido-Signature"), wantTS)
		}
	}
	cb := got[len(got)-1].event(t).Data.ChargeDetails
	if diff := cmp.Diff(map[string]any{"category": "OTHER", "reasonCode": "1999", "reasonMessage": "Not Classified"},
		at(cb, "transferDetails.card.chargebackInfo")); diff != "" || cb["transferStatusCode"] != float64(200) {
		t.Errorf("chargeback details %v (-want +got):\n%s", cb["transferStatusCode"], diff)
	}
	if p := e.get(merchantA, "/v1/payments/charges/cb-pay"); at(p, "transferStatus") != "CHARGED_BACK" {
		t.Errorf("payment after the chargeback: %v", at(p, "transferStatus"))
	}
	// A refund callback carries the refund, pointing at the payment.
	rf := got[3].event(t).Data.ChargeDetails
	if rf["idempotencyKey"] != "r-ok" || rf["referenceId"] != "ok-pay" || rf["amount"] != float64(100) {
		t.Errorf("refund callback details %v", rf)
	}
	// The callback's chargeDetails is the payment exactly as the API shows it.
	_, api := e.call(merchantA, http.MethodGet, "/v1/payments/charges/bad-pay", nil)
	if diff := cmp.Diff(decode(t, api), got[1].event(t).Data.ChargeDetails); diff != "" {
		t.Errorf("chargeDetails vs GET (-api +callback):\n%s", diff)
	}
}

func TestCallbacksGoToThePaymentsCallbackURL(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", with(cardCharge("own-url", "BR", "4242424242424242"), "callbackUrl", e.recvURL+"/own"))
	e.settle(merchantA)
	if n, m := len(e.recv.got("/own")), len(e.recv.got("/a")); n != 1 || m != 0 {
		t.Fatalf("%d callbacks at the payment's callbackUrl, %d at the merchant's; want 1, 0", n, m)
	}
}

func TestScriptedCallbackFaults(t *testing.T) {
	e := newEnv(t)
	e.scenario(`
version: 1
provider: liquido
scenarios:
  - name: wrong-signature
    match: {idempotencyKey: wrong}
    outcome: {callbacks: {signature: wrong}}
  - name: foreign
    match: {idempotencyKey: foreign}
    outcome: {callbacks: {signature: foreign}}
  - name: twice
    match: {idempotencyKey: twice}
    outcome: {callbacks: {duplicate: 1}}
  - name: dropped
    match: {idempotencyKey: dropped}
    outcome: {callbacks: {drop: true}}
  - name: late
    match: {idempotencyKey: late}
    outcome: {callbacks: {delay: 10m}}
`)
	for _, key := range []string{"wrong", "foreign", "twice", "dropped", "late"} {
		e.post(merchantA, "/v1/payments/charges/card", cardCharge(key, "BR", "4242424242424242"))
		e.settle(merchantA) // callbacks of different payments may overtake each other
	}
	e.settle(merchantA)
	got := e.recv.got("/a")
	want := []string{
		"CHARGE_SUCCEEDED wrong SETTLED",
		"CHARGE_SUCCEEDED wrong SETTLED", // foreign: the latest other payment, "wrong"
		"CHARGE_SUCCEEDED twice SETTLED",
		"CHARGE_SUCCEEDED twice SETTLED",
	}
	if diff := cmp.Diff(want, e.events("/a")); diff != "" {
		t.Fatalf("callbacks (-want +got):\n%s", diff)
	}
	if err := verifySignature(got[0].Header.Get("Liquido-Signature"), got[0].Body, merchantA.secret); err == nil {
		t.Errorf("signature: wrong verified")
	}
	if err := verifySignature(got[1].Header.Get("Liquido-Signature"), got[1].Body, merchantA.secret); err != nil {
		t.Errorf("signature: foreign must be validly signed: %v", err)
	}
	e.advance(merchantA, 10*time.Minute)
	if diff := cmp.Diff(append(want, "CHARGE_SUCCEEDED late SETTLED"), e.events("/a")); diff != "" {
		t.Fatalf("after 10 min (-want +got):\n%s", diff)
	}
}

func TestBeforeResponseCallbackArrivesBeforeTheAnswer(t *testing.T) {
	e := newEnv(t)
	e.scenario(`
version: 1
provider: liquido
scenarios:
  - name: early
    match: {idempotencyKey: early}
    outcome: {callbacks: {before_response: true}}
`)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("early", "BR", "4242424242424242"))
	// No settle: the callback must already be there.
	if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED early SETTLED"}, e.events("/a")); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestNoCallbackWithoutAURL(t *testing.T) {
	e := newEnv(t, func(o *liquido.Options) { o.Merchants[0].CallbackURL = "" })
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("silent", "BR", "4242424242424242"))
	e.settle(merchantA)
	if n := len(e.cb.List(callbackFilter(e.tenant(merchantA).ID))); n != 0 {
		t.Fatalf("%d callbacks enqueued without any URL", n)
	}
}

func TestCallbackLabels(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("lab", "BR", "4242424242424242"))
	e.post(merchantA, "/v1/payments/charges/refund", refund("lab-r", "lab", 10, "BRL", "BR"))
	e.settle(merchantA)
	list := e.cb.List(callbackFilter(e.tenant(merchantA).ID))
	var got []map[string]string
	for _, c := range list {
		got = append(got, c.Labels)
		if c.OrderKey != "lab" || c.Provider != "liquido" {
			t.Errorf("order key %q provider %q", c.OrderKey, c.Provider)
		}
	}
	want := []map[string]string{
		{"idempotency_key": "lab", "reference_id": "lab", "status": "SETTLED", "event": "CHARGE_SUCCEEDED"},
		{"idempotency_key": "lab-r", "reference_id": "lab", "status": "SETTLED", "event": "CHARGE_REFUND_SUCCEEDED"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("labels (-want +got):\n%s", diff)
	}
}

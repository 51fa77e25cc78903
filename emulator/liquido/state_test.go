package liquido_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liquidotest"
	"github.com/mockpay/mockpay/internal/trigger"
)

// TestStateRoundTrip saves one emulator's state and restores it into a
// fresh one: the snapshot, every answer and the idempotent replays are the
// same, and what was scheduled (a local method's finalisation, PSE's
// paymentUrl, an asynchronous refund) still happens on the new clock.
func TestStateRoundTrip(t *testing.T) {
	src := newEnv(t)
	m := merchantA
	charges := map[string]map[string]any{
		"card":      liquidotest.CardCharge("card", "BR", "4242424242424242"),
		"auth":      with(liquidotest.CardCharge("auth", "MX", "4242424242424242"), "capture", false),
		"pix":       liquidotest.LocalCharge("pix", "BR", "PIX_DYNAMIC_QR"),
		"boleto":    liquidotest.LocalCharge("boleto", "BR", "BOLETO"),
		"pse":       with(liquidotest.LocalCharge("pse", "CO", "PSE"), "pse", map[string]any{"personType": "NATURAL", "financialInstitutionCode": "1007"}),
		"refunding": liquidotest.LocalCharge("refunding", "BR", "PIX_STATIC_QR"),
	}
	paths := map[string]string{"card": "card", "auth": "card", "pix": "pix", "boleto": "boleto", "pse": "pse", "refunding": "pix"}
	for key, body := range charges {
		src.post(m, "/v1/payments/charges/"+paths[key], body)
	}
	// Settle "refunding" at once and start an asynchronous refund of it.
	if _, err := src.lq.Trigger(m.id, "refunding", trigger.Event{Name: trigger.Settle}); err != nil {
		t.Fatal(err)
	}
	src.post(m, "/v1/payments/charges/refund", map[string]any{"idempotencyKey": "r1", "referenceId": "refunding",
		"amount": 1000, "currency": "BRL", "country": "BR"})
	src.settle(m)

	raw, err := src.lq.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	dst := newEnv(t)
	if err := dst.lq.Restore(raw); err != nil {
		t.Fatal(err)
	}
	again, err := dst.lq.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("snapshot is not JSON: %v", err)
	}
	if err := json.Unmarshal(again, &b); err != nil {
		t.Fatalf("snapshot after restore is not JSON: %v", err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("snapshot after restore (-before +after):\n%s", diff)
	}
	for key := range charges {
		if diff := cmp.Diff(src.get(m, "/v1/payments/charges/"+key), dst.get(m, "/v1/payments/charges/"+key)); diff != "" {
			t.Errorf("GET %s (-before +after):\n%s", key, diff)
		}
	}
	if diff := cmp.Diff(src.get(m, "/v1/payments/charges/refund/r1"), dst.get(m, "/v1/payments/charges/refund/r1")); diff != "" {
		t.Errorf("GET refund (-before +after):\n%s", diff)
	}
	// The same body under the same key is a replay, not a conflict: the
	// fingerprint key came back too.
	if code, body := dst.call(m, http.MethodPost, "/v1/payments/charges/card", charges["card"]); code != http.StatusOK {
		t.Errorf("replay after restore: HTTP %d %s", code, body)
	}
	// What was scheduled happens on the restored clock, with its callbacks.
	dst.advance(m, 10*time.Minute)
	for key, want := range map[string]string{"pix": "SETTLED", "boleto": "SETTLED", "refunding": "SETTLED"} {
		if got := dst.get(m, "/v1/payments/charges/"+key)["transferStatus"]; got != want {
			t.Errorf("%s after 10 minutes: %v, want %s", key, got, want)
		}
	}
	if got := at(dst.get(m, "/v1/payments/charges/pse"), "transferDetails.pse.paymentUrl"); got == nil || got == "" {
		t.Errorf("PSE paymentUrl never appeared after the restore")
	}
	if got := dst.get(m, "/v1/payments/charges/refund/r1")["transferStatus"]; got != "SETTLED" {
		t.Errorf("refund after 10 minutes: %v, want SETTLED", got)
	}
	wantEvents := []string{"CHARGE_SUCCEEDED pix SETTLED", "CHARGE_SUCCEEDED boleto SETTLED", "CHARGE_REFUND_SUCCEEDED r1 SETTLED"}
	got := dst.events("/a")
	for _, w := range wantEvents {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("no callback %q after the restore; got %v", w, got)
		}
	}
}

func TestStateRestoreRejectsGarbage(t *testing.T) {
	e := newEnv(t)
	for _, raw := range []string{
		`{`,
		`{"merchants": {"sandbox-client-id": {"payments": [null], "hash_key": "AAAA"}}}`,
		`{"merchants": {"sandbox-client-id": {"hash_key": "AAAA", "refunds": [{"key": "r", "payment": "nope"}]}}}`,
		`{"merchants": {"sandbox-client-id": {"payments": []}}}`,
	} {
		if err := e.lq.Restore(json.RawMessage(raw)); err == nil {
			t.Errorf("Restore(%s): no error", raw)
		}
	}
}

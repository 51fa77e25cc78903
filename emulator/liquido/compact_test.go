package liquido_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/trigger"
)

// TestStateFileOfBeforeTheCompaction: a state file written before the
// stored payment was compacted (testdata/state-before-compaction.json, made
// by the build of 1d253d1 with card charges of every flow — settled,
// authorised, captured, declined, 3-D Secure and REDIRECT pending, Colombian
// withholding, USD, a scenario's field overrides, a chargeback — Pix,
// boleto and PSE settled and still in progress, and two refunds) restores,
// answers every GET as that build did, is written back the same (times as
// the same instants), and what it had scheduled still happens.
func TestStateFileOfBeforeTheCompaction(t *testing.T) {
	raw, err := os.ReadFile("testdata/state-before-compaction.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		State   json.RawMessage           `json:"state"`
		Answers map[string]map[string]any `json:"answers"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	m := merchantA
	if err := e.lq.Restore(file.State); err != nil {
		t.Fatal(err)
	}
	for key, want := range file.Answers {
		path := "/v1/payments/charges/" + key
		if len(key) > 7 && key[:7] == "refund " {
			path = "/v1/payments/charges/refund/" + key[7:]
		}
		if diff := cmp.Diff(want, e.get(m, path)); diff != "" {
			t.Errorf("GET %s after the restore (-before +after):\n%s", key, diff)
		}
	}

	again, err := e.lq.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var before, after any
	if err := json.Unmarshal(file.State, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again, &after); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(instants(before), instants(after)); diff != "" {
		t.Errorf("state written back (-before +after):\n%s", diff)
	}

	// What was scheduled happens on the restored clock.
	e.advance(m, 3*time.Hour)
	if got := e.get(m, "/v1/payments/charges/pix-late")["transferStatus"]; got != "SETTLED" {
		t.Errorf("pix-late after 3 hours: %v, want SETTLED", got)
	}
	if got := at(e.get(m, "/v1/payments/charges/pse-late"), "transferDetails.pse.paymentUrl"); got == nil || got == "" {
		t.Errorf("pse-late's paymentUrl never appeared after the restore")
	}
}

// instants writes every RFC 3339 time in v in UTC: a state file's times are
// instants, written in the zone the process runs in.
func instants(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = instants(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = instants(e)
		}
		return out
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

// TestSharedPartsStayTheirOwn: payments made alike share their common
// strings, payer, card and card details (shared.go, common.go); a change to
// one — a capture, a chargeback — leaves the others' answers as they were.
func TestSharedPartsStayTheirOwn(t *testing.T) {
	e := newEnv(t)
	m := merchantA
	for _, key := range []string{"a", "b"} {
		e.post(m, "/v1/payments/charges/card", with(cardCharge(key, "BR", "4242424242424242"), "capture", false))
	}
	before := e.get(m, "/v1/payments/charges/b")
	if _, err := e.lq.Trigger(m.id, "a", trigger.Event{Name: trigger.Chargeback}); err == nil {
		t.Fatal("a chargeback of an authorised payment was accepted")
	}
	e.post(m, "/v1/payments/charges/card/capture/a", map[string]any{"amount": 4000})
	if _, err := e.lq.Trigger(m.id, "a", trigger.Event{Name: trigger.Chargeback}); err != nil {
		t.Fatal(err)
	}
	a := e.get(m, "/v1/payments/charges/a")
	if at(a, "transferDetails.card.chargebackInfo") == nil || a["transferStatus"] != "CHARGED_BACK" || a["finalAmount"] != 4000.0 {
		t.Errorf("a after its capture and chargeback: %v", a)
	}
	if diff := cmp.Diff(before, e.get(m, "/v1/payments/charges/b")); diff != "" {
		t.Errorf("b changed with a (-before +after):\n%s", diff)
	}
}

package liqpay

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/liqpayclient"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

// newStateServer is a LiqPay emulator on a fixed wall clock with the test
// cards' scenarios, served over httptest.
func newStateServer(t *testing.T, yaml ...string) (*Server, *tenant.Registry, *liqpayclient.Client) {
	t.Helper()
	wall := func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }
	reg := tenant.NewRegistry(7, wall)
	t.Cleanup(reg.Close)
	eng := scenarios.NewEngine(nil, []scenarios.Vocabulary{Vocabulary()})
	if err := eng.AddDefaults("default:liqpay", TestCardScenarios()); err != nil {
		t.Fatal(err)
	}
	for _, y := range yaml {
		set, err := scenarios.Parse("test.yaml", []byte(y), []scenarios.Vocabulary{Vocabulary()})
		if err != nil {
			t.Fatal(err)
		}
		eng.Put(set)
	}
	merchant := config.LiqPayMerchant{PublicKey: "pk", PrivateKey: "sk"}
	s := New(Options{Merchants: []config.LiqPayMerchant{merchant}, Tenants: reg, Settings: config.Default().LiqPay, Scenarios: eng})
	r := mux.NewRouter()
	s.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return s, reg, &liqpayclient.Client{BaseURL: srv.URL, PublicKey: "pk", PrivateKey: "sk", Encoding: liqpayclient.Go, HTTP: srv.Client()}
}

func doLiqPay(t *testing.T, c *liqpayclient.Client, params map[string]any) map[string]any {
	t.Helper()
	resp, body, err := c.Do(context.Background(), "request", params)
	if err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return resp
}

func TestStateRoundTrip(t *testing.T) {
	src, _, c := newStateServer(t)
	pay := func(order, card string, kv ...any) map[string]any {
		p := map[string]any{"version": 3, "action": "pay", "amount": "12.34", "currency": "UAH", "description": "d",
			"order_id": order, "card": card, "card_exp_month": "12", "card_exp_year": "99", "card_cvv": "123"}
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i].(string)] = kv[i+1]
		}
		return doLiqPay(t, c, p)
	}
	pay("paid", "4242424242424242", "recurringbytoken", "1")
	pay("held", "4242424242424242", "action", "hold")
	threeDS := pay("3ds", "4000000000003063")
	pay("failed", "4000000000000002")
	pay("failed", "4242424242424242") // a failed order_id may be reused: the newest wins
	doLiqPay(t, c, map[string]any{"version": 3, "action": "refund", "order_id": "paid", "amount": "1"})

	raw, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	dst, reg, c2 := newStateServer(t)
	if err := dst.Restore(raw); err != nil {
		t.Fatal(err)
	}
	again, err := dst.Snapshot()
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
	// Every lookup works as before: by order_id, by payment_id, by token.
	for _, order := range []string{"paid", "held", "3ds", "failed"} {
		st := map[string]any{"version": 3, "action": "status", "order_id": order}
		want := doLiqPay(t, c, st)
		got := doLiqPay(t, c2, st)
		if diff := cmp.Diff(want, got, cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k == "redirect_to" })); diff != "" {
			t.Errorf("status of %s (-before +after):\n%s", order, diff)
		}
	}
	token := threeDS["token"].(string)
	if got := doLiqPay(t, c2, map[string]any{"version": 3, "action": "confirm", "confirm_token": token}); got["status"] != "3ds_verify" {
		t.Errorf("confirm by the restored token: %v", got)
	}
	// The 3-DS deadline was re-armed on the restored clock.
	tn, _ := reg.Get("liqpay", "pk")
	tn.Clock.Advance(16 * time.Minute)
	if got := doLiqPay(t, c2, map[string]any{"version": 3, "action": "status", "order_id": "3ds"}); got["err_code"] != "expired_3ds" {
		t.Errorf("after the deadline: %v", got)
	}
	// New payments continue the id sequence.
	if got := pay("new", "4242424242424242"); got["payment_id"].(json.Number).String() != "2100000006" {
		t.Errorf("next payment_id %v, want 2100000006", got["payment_id"])
	}
}

func TestStateRestoreRejectsGarbage(t *testing.T) {
	s, _, _ := newStateServer(t)
	for _, raw := range []string{`{`, `{"shops": {"pk": {"payments": [null]}}}`, `{"shops": {"pk": {"payments": [{"payment": {"Amount": "x"}}]}}}`} {
		if err := s.Restore(json.RawMessage(raw)); err == nil {
			t.Errorf("Restore(%s): no error", raw)
		}
	}
}

// A scenario's then-steps still to play survive a restore: the second step
// of a two-step script plays on the restored clock, counted from the first.
func TestStateRestoresThenSteps(t *testing.T) {
	const script = `version: 1
provider: liqpay
scenarios:
  - name: secure-then-reversed
    match: {order_id: scripted}
    outcome:
      status: wait_secure
      then:
        - {after: 1m, status: success}
        - {after: 1h, status: reversed}
`
	src, srcReg, c := newStateServer(t, script)
	doLiqPay(t, c, map[string]any{"version": 3, "action": "pay", "amount": "5", "currency": "UAH", "description": "d",
		"order_id": "scripted", "card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "99", "card_cvv": "123"})
	st, _ := srcReg.Get("liqpay", "pk")
	st.Clock.Advance(2 * time.Minute) // the first step played: success
	raw, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	dst, reg, c2 := newStateServer(t) // no scenarios: the plan comes from the state
	if err := reg.Restore(mustSnapshot(t, srcReg)); err != nil {
		t.Fatal(err)
	}
	if err := dst.Restore(raw); err != nil {
		t.Fatal(err)
	}
	status := func() any {
		return doLiqPay(t, c2, map[string]any{"version": 3, "action": "status", "order_id": "scripted"})["status"]
	}
	if got := status(); got != "success" {
		t.Fatalf("after the restore: %v, want success", got)
	}
	tn, _ := reg.Get("liqpay", "pk")
	tn.Clock.Advance(58 * time.Minute)
	if got := status(); got != "success" {
		t.Errorf("before the second step is due: %v", got)
	}
	tn.Clock.Advance(2 * time.Minute)
	if got := status(); got != "reversed" {
		t.Errorf("after the second step is due: %v, want reversed", got)
	}
}

func mustSnapshot(t *testing.T, r *tenant.Registry) json.RawMessage {
	t.Helper()
	raw, err := r.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// slowRetries is a configuration whose retry comes 10 virtual minutes
// after a failed attempt: virtual clocks run at wall speed, so a shorter
// backoff could fall due on its own while the test restarts mockpay.
func slowRetries(t *testing.T) string {
	return writeFile(t, "mockpay.yaml", "callbacks:\n  backoff: [10m]\n")
}

// stop sends SIGTERM and waits for a clean exit.
func (m *mockpay) stop(t *testing.T) {
	t.Helper()
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-m.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("mockpay did not stop within 10 s of SIGTERM")
	}
	if m.err != nil {
		t.Fatalf("exit after SIGTERM: %v", m.err)
	}
}

// clockOffset is a tenant's clock offset as GET /_mockpay/clock reports it.
func (s *lqServer) clockOffset(t *testing.T, merchant string) string {
	t.Helper()
	r := s.send(t, http.MethodGet, "/_mockpay/clock?merchant="+merchant, nil, nil)
	var out struct {
		Clocks []struct {
			Offset string `json:"offset"`
		} `json:"clocks"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || len(out.Clocks) != 1 {
		t.Fatalf("GET /_mockpay/clock: %v %s", err, r.body)
	}
	return out.Clocks[0].Offset
}

// TestStateFileSurvivesARestart makes payments of both providers, leaves a
// callback waiting for its retry, stops mockpay with SIGTERM and starts it
// again on the same state file: every payment answers exactly as before,
// the clocks and runtime scenarios are back, and the pending callback is
// delivered when the restored clock reaches its retry.
func TestStateFileSurvivesARestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	cfg := slowRetries(t)
	s := &lqServer{mockpay: start(t, "--state-file", path, "--config", cfg), tokens: map[string]string{}}
	rv := newReceiver(t, http.StatusInternalServerError) // the first attempt fails; the retry waits

	orders := map[string]map[string]any{
		"p-paid":     set(payParams("p-paid", "4242424242424242"), "server_url", rv.URL),
		"p-held":     set(payParams("p-held", "4242424242424242"), "action", "hold"),
		"p-3ds":      payParams("p-3ds", "4000000000003063"),
		"p-failed":   payParams("p-failed", "4000000000000002"),
		"p-refunded": set(payParams("p-refunded", "4242424242424242"), "amount", "5"),
	}
	for _, p := range orders {
		s.do(t, p)
	}
	s.do(t, map[string]any{"version": 3, "action": "refund", "order_id": "p-refunded", "amount": "2"})
	m := lqDefault
	lqKeys := map[string]string{"l-card": "card", "l-auth": "card", "l-pix": "pix"}
	s.post(t, m, "/v1/payments/charges/card", lqCard("l-card", "BR", "4242424242424242"))
	s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard("l-auth", "MX", "4242424242424242"), "capture", false))
	s.post(t, m, "/v1/payments/charges/pix", lqLocal("l-pix", "BR", "PIX_DYNAMIC_QR"))
	s.putScenarios(t, "kept", m, "version: 1\nprovider: liquido\nscenarios:\n  - name: big-fails\n    match: {amount: {min: 90}}\n    outcome: {status: FAILED}\n")
	s.mockpay.advance(t, "0s") // the first attempt of p-paid's callback fails
	s.advance(t, m, "30s")

	status := func(s *lqServer) map[string]any {
		out := map[string]any{}
		for order := range orders {
			out[order] = s.do(t, map[string]any{"version": 3, "action": "status", "order_id": order})
		}
		for key := range lqKeys {
			out[key] = s.payment(t, m, key)
		}
		return out
	}
	before := status(s)
	offset := s.clockOffset(t, m.id)
	log := s.callbacks(t, "merchant="+publicKey)
	if len(log.Callbacks) != 1 || log.Callbacks[0].Status != "pending" || len(rv.Received()) != 1 {
		t.Fatalf("before the restart: want one pending callback with one failed attempt; log %+v, received %d", log, len(rv.Received()))
	}
	s.stop(t)
	if !strings.Contains(s.stderr.String(), "state saved") {
		t.Errorf("no \"state saved\" in the log:\n%s", tail(s.stderr.String(), 2048))
	}

	s2 := &lqServer{mockpay: start(t, "--state-file", path, "--config", cfg), tokens: map[string]string{}}
	if !strings.Contains(s2.stderr.String(), "state restored") {
		t.Errorf("no \"state restored\" in the log:\n%s", tail(s2.stderr.String(), 2048))
	}
	if diff := cmp.Diff(before, status(s2)); diff != "" {
		t.Errorf("payments after the restart (-before +after):\n%s", diff)
	}
	if got := s2.clockOffset(t, m.id); got != offset {
		t.Errorf("Liquido clock offset %s after the restart, want %s", got, offset)
	}
	// The runtime scenario still decides.
	got := s2.post(t, m, "/v1/payments/charges/card", lqWith(lqCard("l-big", "BR", "4242424242424242"), "amount", 9500))
	if got["transferStatus"] != "FAILED" {
		t.Errorf("the runtime scenario did not survive: %v", got["transferStatus"])
	}
	// The pending callback is delivered once the restored clock reaches its retry.
	if len(rv.Received()) != 1 {
		t.Fatalf("the retry was sent before its time: %d requests", len(rv.Received()))
	}
	s2.mockpay.advance(t, "10m")
	seen := rv.seen()
	if len(seen) != 2 || seen[1].data != seen[0].data || !verify(3, seen[1].data, seen[1].signature) {
		t.Fatalf("after the restart and 10 minutes: %d callbacks %+v; want the same callback again, validly signed", len(seen), seen)
	}
	if log := s2.callbacks(t, "merchant="+publicKey); len(log.Callbacks) != 1 || log.Callbacks[0].Status != "delivered" || len(log.Callbacks[0].Attempts) != 2 {
		t.Errorf("callback log after delivery: %+v", log)
	}
	// New payments do not collide with restored ones.
	if got := s2.do(t, payParams("p-new", "4242424242424242")); got["payment_id"] == before["p-refunded"].(map[string]any)["payment_id"] || got["status"] != "success" {
		t.Errorf("a new payment after the restart: %v", got)
	}
}

// TestLiquidoPendingCallbackSurvivesARestart: a Liquido callback signed at
// each attempt is signed again, validly, after the restart.
func TestLiquidoPendingCallbackSurvivesARestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	cfg := slowRetries(t)
	s := &lqServer{mockpay: start(t, "--state-file", path, "--config", cfg), tokens: map[string]string{}}
	rv := callbacktest.New(t, http.StatusServiceUnavailable)
	m := lqDefault
	s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard("cb-1", "BR", "4242424242424242"), "callbackUrl", rv.URL))
	s.advance(t, m, "0s")
	s.stop(t)

	s2 := &lqServer{mockpay: start(t, "--state-file", path, "--config", cfg), tokens: map[string]string{}}
	if n := len(rv.Received()); n != 1 {
		t.Fatalf("%d callbacks before the restored clock reached the retry, want 1", n)
	}
	s2.advance(t, m, "10m")
	evs := lqEvents(t, rv)
	if len(evs) != 2 {
		t.Fatalf("%d callbacks, want the failed one and its retry", len(evs))
	}
	for i, ev := range evs {
		if _, err := lqVerify(ev.signature, ev.raw, m.secret); err != nil {
			t.Errorf("callback %d: %v", i, err)
		}
	}
	if evs[1].EventType != "CHARGE_SUCCEEDED" || evs[1].Data.ChargeDetails["idempotencyKey"] != "cb-1" {
		t.Errorf("the retry: %s", evs[1].raw)
	}
}

// TestCorruptStateFileIsSetAside: a truncated state file is reported, moved
// aside as FILE.corrupt-TIME with its content intact, and mockpay starts
// empty; at shutdown a fresh state file is written.
func TestCorruptStateFileIsSetAside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	const truncated = `{"format":"mockpay-state","version":1,"parts":{"liqpay":{"shops":{"sandbox_i0000`
	if err := os.WriteFile(path, []byte(truncated), 0o600); err != nil {
		t.Fatal(err)
	}
	s := start(t, "--state-file", path)
	if !strings.Contains(s.stderr.String(), "state file unusable") {
		t.Errorf("the corrupt file was not reported:\n%s", tail(s.stderr.String(), 2048))
	}
	aside, _ := filepath.Glob(path + ".corrupt-*")
	if len(aside) != 1 {
		t.Fatalf("set-aside files: %v, want one %s.corrupt-TIME", aside, path)
	}
	if got, _ := os.ReadFile(aside[0]); string(got) != truncated {
		t.Errorf("the set-aside file holds %q, want the original", got)
	}
	if got := s.do(t, map[string]any{"version": 3, "action": "status", "order_id": "anything"}); got["err_code"] != "payment_not_found" {
		t.Errorf("mockpay did not start empty: %v", got)
	}
	s.do(t, payParams("after", "4242424242424242"))
	s.stop(t)
	raw, err := os.ReadFile(path)
	if err != nil || !json.Valid(raw) || !strings.Contains(string(raw), `"OrderID":"after"`) {
		t.Errorf("no fresh state file after shutdown: %v %.200s", err, raw)
	}
}

// TestStateFileFromEnvironmentAndPeriodicSave: MOCKPAY_STATE_FILE names the
// file and it is written while mockpay runs, every --state-interval.
func TestStateFileFromEnvironmentAndPeriodicSave(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	m := startWith(t, []string{"MOCKPAY_STATE_FILE=" + path, "MOCKPAY_STATE_INTERVAL=1s"}, "serve", "--addr", "127.0.0.1:0", "--seed", seed)
	m.do(t, payParams("periodic", "4242424242424242"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		raw, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(raw), `"OrderID":"periodic"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the state file was not saved within 5 s of the payment: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // waiting for a real-time ticker, not for virtual time
	}
}

// A state file in a folder that does not exist stops start-up at once
// instead of failing every save.
func TestStateFileInAMissingFolderIsAnError(t *testing.T) {
	t.Parallel()
	code, _, stderr := run(t, nil, "serve", "--addr", "127.0.0.1:0", "--state-file", filepath.Join(t.TempDir(), "no", "such", "state.json"))
	if code != 2 || !strings.Contains(stderr, "folder does not exist") {
		t.Errorf("exit %d, stderr %q; want 2 naming the missing folder", code, stderr)
	}
}

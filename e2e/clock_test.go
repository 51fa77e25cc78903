package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// Five callbacks hung on a receiver that never answers once made
// `advance 10s` take about 30 s: the advance waited for every in-flight
// attempt at each step. Its waiting is now bounded (10 s in all).
func TestClockAdvanceWithHungReceiverIsBounded(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	rv.Hang()
	t.Cleanup(rv.Release)
	for i := range 5 {
		resp := m.do(t, set(payParams(fmt.Sprintf("%s-%d", orderID(t), i), "4242424242424242"), "server_url", rv.URL+"/cb"))
		if resp["status"] != "success" {
			t.Fatalf("payment %d: %v", i, resp)
		}
	}
	began := time.Now()
	slow := &http.Client{Timeout: 30 * time.Second} // the point is to measure, not to cut it short
	resp, err := slow.Post(m.base+"/_mockpay/clock/advance", "application/json",
		strings.NewReader(`{"duration":"10s","merchant":"`+publicKey+`"}`))
	took := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("advance: HTTP %d %v %v", resp.StatusCode, out, err)
	}
	if took >= 15*time.Second {
		t.Errorf("advance took %s with five hung callbacks, want under 15 s", took)
	}
	if out["settled"] != false {
		t.Errorf("settled = %v, want false: the receiver never answered", out["settled"])
	}
	if n := len(out["unsettled_callbacks"].([]any)); n != 5 {
		t.Errorf("unsettled_callbacks has %d ids, want 5: %v", n, out["unsettled_callbacks"])
	}
}

func clockNow(t *testing.T, m *mockpay, query string) time.Time {
	t.Helper()
	code, out := m.send(t, http.MethodGet, "/_mockpay/clock?"+query, "", "")
	if code != http.StatusOK {
		t.Fatalf("clock: HTTP %d %v", code, out)
	}
	clocks := out["clocks"].([]any)
	now, err := time.Parse(time.RFC3339Nano, clocks[0].(map[string]any)["now"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return now
}

func TestClockSet(t *testing.T) {
	t.Parallel()
	m := start(t)
	target := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)

	// A 3-D Secure step expires after 15 minutes: setting the clock past
	// its deadline runs the expiry, as an advance would.
	order := orderID(t)
	if resp := m.do(t, payParams(order, "4000000000003063")); resp["status"] != "3ds_verify" {
		t.Fatalf("pay: %v", resp)
	}
	code, out := m.send(t, http.MethodPost, "/_mockpay/clock/set", "application/json",
		`{"time":"`+target.Format(time.RFC3339)+`","merchant":"`+publicKey+`"}`)
	if code != http.StatusOK || out["settled"] != true {
		t.Fatalf("set: HTTP %d %v", code, out)
	}
	if got := clockNow(t, m, "merchant="+publicKey); got.Sub(target) < 0 || got.Sub(target) > 5*time.Second {
		t.Errorf("clock at %s after set, want %s", got, target)
	}
	if st := call(t, m.client(liqpayclient.Go), "request", map[string]any{"version": 3, "action": "status", "order_id": order}); st["status"] != "failure" {
		t.Errorf("3-D Secure payment after set: %v, want failure (expired)", st["status"])
	}

	// Backwards is refused, and nothing moves.
	code, out = m.send(t, http.MethodPost, "/_mockpay/clock/set", "application/json",
		`{"time":"`+target.Add(-time.Hour).Format(time.RFC3339)+`","merchant":"`+publicKey+`"}`)
	if code != http.StatusConflict || out["error"] == nil {
		t.Errorf("set backwards: HTTP %d %v, want 409", code, out)
	}

	// Epoch milliseconds, for every merchant at once (no merchant named).
	later := target.Add(time.Hour)
	code, out = m.send(t, http.MethodPost, "/_mockpay/clock/set", "application/json",
		`{"time":`+strconv.FormatInt(later.UnixMilli(), 10)+`}`)
	if code != http.StatusOK {
		t.Fatalf("global set: HTTP %d %v", code, out)
	}
	for _, c := range out["clocks"].([]any) {
		now, _ := time.Parse(time.RFC3339Nano, c.(map[string]any)["now"].(string))
		if now.Sub(later) < 0 || now.Sub(later) > 5*time.Second {
			t.Errorf("%v at %s, want %s", c.(map[string]any)["tenant"], now, later)
		}
	}

	for _, body := range []string{`{"time":"yesterday"}`, `not json`, `{}`} {
		if code, out := m.send(t, http.MethodPost, "/_mockpay/clock/set", "application/json", body); code != http.StatusBadRequest || out["error"] == nil {
			t.Errorf("set %s: HTTP %d %v, want 400", body, code, out)
		}
	}
	if code, _ := m.send(t, http.MethodPost, "/_mockpay/clock/set", "application/json", `{"time":"2099-01-01T00:00:00Z","merchant":"nobody"}`); code != http.StatusNotFound {
		t.Errorf("set for an unknown merchant: HTTP %d, want 404", code)
	}
}

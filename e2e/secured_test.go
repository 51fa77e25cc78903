package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// virtualNow is the default merchant's virtual time.
func (m *mockpay) virtualNow(t *testing.T) time.Time {
	t.Helper()
	code, body := m.send(t, http.MethodGet, "/_mockpay/clock?merchant="+publicKey, "", "")
	raw, _ := json.Marshal(body)
	var out struct {
		Clocks []struct {
			NowMS int64 `json:"now_ms"`
		} `json:"clocks"`
	}
	if err := json.Unmarshal(raw, &out); code != http.StatusOK || err != nil || len(out.Clocks) != 1 {
		t.Fatalf("clock: HTTP %d %v", code, body)
	}
	return time.UnixMilli(out.Clocks[0].NowMS).UTC()
}

// A secured payment (seed 000) through each of its endings, each step with
// its signed callback.
func TestSecuredPaymentEndings(t *testing.T) {
	t.Parallel()
	m := start(t)
	lcDay := func() string { return m.virtualNow(t).Add(72 * time.Hour).Format(time.DateTime) }
	onOrder := func(order, action string, kv ...any) map[string]any {
		return m.do(t, set(map[string]any{"version": 3, "action": action, "order_id": order}, kv...))
	}
	tests := []struct {
		name      string
		end       func(order, token string) map[string]any
		wantSteps []string // statuses of the callbacks after wait_lc
	}{
		{"the merchant confirms", func(_, token string) map[string]any {
			return m.do(t, map[string]any{"version": 3, "action": "confirm", "confirm_token": token})
		}, []string{"success"}},
		{"the date passes", func(order, _ string) map[string]any {
			m.advance(t, "71h")
			checkFields(t, "before the date", map[string]any{"status": "wait_lc"}, m.statusOf(t, order))
			m.advance(t, "2h")
			return m.statusOf(t, order)
		}, []string{"success"}},
		{"dispute resolved for the customer", func(order, _ string) map[string]any {
			checkFields(t, "dispute", map[string]any{"result": "ok", "status": "dispute"}, onOrder(order, "mockpay_lc_dispute"))
			m.advance(t, "96h") // the date no longer counts
			checkFields(t, "disputed past the date", map[string]any{"status": "dispute"}, m.statusOf(t, order))
			return onOrder(order, "mockpay_lc_resolve", "resolution", "customer")
		}, []string{"dispute", "reversed"}},
		{"dispute resolved for the merchant", func(order, _ string) map[string]any {
			checkFields(t, "dispute", map[string]any{"result": "ok", "status": "dispute"}, onOrder(order, "mockpay_lc_dispute"))
			return onOrder(order, "mockpay_lc_resolve", "resolution", "merchant")
		}, []string{"dispute", "success"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rv := newReceiver(t)
			order := orderID(t)
			got := m.do(t, set(payParams(order, "4242424242424242"), "letter_of_credit", 1, "letter_of_credit_date", lcDay(),
				"server_url", rv.URL+"/cb"))
			checkFields(t, "charge", map[string]any{"result": "ok", "action": "pay", "status": "wait_lc"}, got)
			token, _ := got["token"].(string)
			if token == "" {
				t.Fatalf("wait_lc answer has no token: %v", got)
			}
			end := tt.end(order, token)
			want := tt.wantSteps[len(tt.wantSteps)-1]
			checkFields(t, "ending", map[string]any{"status": want}, end)
			m.advance(t, "0s")
			var statuses []string
			for _, cb := range rv.seen() {
				if !verify(3, cb.data, cb.signature) {
					t.Errorf("callback %v: signature does not verify", cb.payment["status"])
				}
				statuses = append(statuses, cb.payment["status"].(string))
			}
			wantCBs := append([]string{"wait_lc"}, tt.wantSteps...)
			if len(statuses) != len(wantCBs) {
				t.Fatalf("callbacks %v, want %v", statuses, wantCBs)
			}
			for i := range wantCBs {
				if statuses[i] != wantCBs[i] {
					t.Errorf("callbacks %v, want %v", statuses, wantCBs)
					break
				}
			}
			checkFields(t, "status", map[string]any{"status": want}, m.statusOf(t, order))
		})
	}
}

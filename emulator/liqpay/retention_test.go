package liqpay

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/config"
)

// Forget (retention) drops a finished payment with its order id, its
// confirm token and its page; a payment something can still happen to — a
// hold, an active subscription, a scenario step still due — is kept until
// it finishes.
func TestForgetFinishedPaymentsOnly(t *testing.T) {
	cases := []struct {
		name    string
		request map[string]any
		// kept: Forget refuses at first; then finish moves it on and
		// Forget must drop it.
		kept   bool
		finish func(tb *testbed)
	}{
		{name: "success", request: payRequest("ok-1", "4242424242424242")},
		{name: "failure", request: payRequest("fail-1", "4000000000000002")},
		{name: "3-D Secure expired: its page goes too", request: payRequest("tds-1", "4000000000003063"),
			kept: true, finish: func(tb *testbed) { tb.advanceTo(testStart.Add(48 * time.Hour)) }},
		{name: "hold, until completed", request: payRequest("hold-1", "4242424242424242", "action", "hold"),
			kept: true, finish: func(tb *testbed) {
				tb.do(map[string]any{"action": "hold_completion", "order_id": "hold-1"})
			}},
		{name: "subscription, until unsubscribed", request: payRequest("sub-1", "4242424242424242", "action", "subscribe", "subscribe", "1",
			"subscribe_date_start", "2027-01-31 10:00:00", "subscribe_periodicity", "month"),
			kept: true, finish: func(tb *testbed) { tb.do(map[string]any{"action": "unsubscribe", "order_id": "sub-1"}) }},
		{name: "scenario step still due", request: payRequest("then-1", "4242424242424242"),
			kept: true, finish: func(tb *testbed) { tb.advanceTo(testStart.Add(2 * time.Hour)) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTestbed(t, `version: 1
provider: liqpay
scenarios:
  - name: reversed an hour later
    match: {order_id: then-1}
    outcome: {status: success, then: [{after: 1h, status: reversed}]}
`)
			r := mux.NewRouter()
			tb.s.Routes(r)
			tb.do(payRequest("other", "4242424242424242"))
			got := tb.do(tc.request)
			id := fields(got, "payment_id")["payment_id"]
			order := tc.request["order_id"].(string)
			sh := tb.s.shop(config.DefaultLiqPayPublicKey)
			sh.mu.Lock()
			token := sh.byID[mustInt(t, id)].Token
			sh.mu.Unlock()
			if tc.kept {
				if tb.s.Forget(config.DefaultLiqPayPublicKey, id) {
					t.Fatalf("Forget dropped a live payment (%v)", got["status"])
				}
				tc.finish(tb)
			}
			if !tb.s.Forget(config.DefaultLiqPayPublicKey, id) {
				st := tb.do(map[string]any{"action": "status", "order_id": order})
				t.Fatalf("Forget kept a finished payment (%v)", st["status"])
			}
			if st := tb.do(map[string]any{"action": "status", "order_id": order}); st["err_code"] != "payment_not_found" {
				t.Errorf("status after Forget: %v", st)
			}
			if st := tb.do(map[string]any{"action": "status", "order_id": "other"}); st["status"] != "success" {
				t.Errorf("an unrelated payment after Forget: %v", st)
			}
			sh.mu.Lock()
			held := len(sh.byID) + len(sh.byOrder) + len(sh.byToken)
			sh.mu.Unlock()
			tb.s.mu.RLock()
			_, tokenLeft := tb.s.tokens[token]
			tb.s.mu.RUnlock()
			if held != 2 || (token != "" && tokenLeft) {
				t.Errorf("after Forget: %d index entries (want 2, the other payment's), page token left %v", held, tokenLeft)
			}
			if token != "" {
				if code := get(r, "/api/3ds/request/"+token); code != http.StatusNotFound {
					t.Errorf("3-D Secure page after Forget: HTTP %d", code)
				}
			}
			if !tb.s.Forget(config.DefaultLiqPayPublicKey, id) || !tb.s.Forget("nobody", id) {
				t.Errorf("Forget of nothing reported a live payment")
			}
		})
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range strings.TrimSpace(s) {
		if c < '0' || c > '9' {
			t.Fatalf("payment_id %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// awaitJSON sends a long-poll and decodes its answer.
func awaitJSON(t *testing.T, m *mockpay, path string) (int, map[string]any) {
	t.Helper()
	resp, err := httpClient.Get(m.base + path)
	if err != nil {
		t.Errorf("GET %s: %v", path, err)
		return 0, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Errorf("GET %s: %v", path, err)
	}
	return resp.StatusCode, out
}

// The waiter is started before the payment exists; it answers when the
// status is reached, and the callback waiter when the receiver has it —
// with no sleep anywhere.
func TestAwaitPaymentAndCallback(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	order := orderID(t)
	type reply struct {
		code int
		out  map[string]any
	}
	status, callbacks := make(chan reply, 1), make(chan reply, 1)
	base := goroutines(t, m)
	go func() {
		code, out := awaitJSON(t, m, "/_mockpay/await/payment?merchant="+publicKey+"&order_id="+order+"&status=success&timeout=8s")
		status <- reply{code, out}
	}()
	go func() {
		code, out := awaitJSON(t, m, "/_mockpay/await/callbacks?merchant="+publicKey+"&order_id="+order+"&count=1&timeout=8s")
		callbacks <- reply{code, out}
	}()
	// Both waiters must be waiting before the payment is made: an await
	// that answered only because it came late would prove nothing. The
	// goroutine gauge says when they are parked.
	waitGoroutines(t, m, func(n int) bool { return n >= base+2 })
	resp := m.do(t, set(payParams(order, "4242424242424242"), "server_url", rv.URL+"/cb"))
	if resp["status"] != "success" {
		t.Fatalf("pay: %v", resp)
	}
	st := <-status
	if st.code != http.StatusOK || st.out["payment"].(map[string]any)["status"] != "success" {
		t.Errorf("await payment: HTTP %d %v", st.code, st.out)
	}
	cb := <-callbacks
	if cb.code != http.StatusOK || len(cb.out["callbacks"].([]any)) != 1 {
		t.Fatalf("await callbacks: HTTP %d %v", cb.code, cb.out)
	}
	if got := len(rv.seen()); got != 1 {
		t.Errorf("receiver has %d callbacks when the await answered, want 1", got)
	}

	// Already there: answers at once.
	if code, out := awaitJSON(t, m, "/_mockpay/await/payment?merchant="+publicKey+"&payment_id="+asNumber(resp["payment_id"]).String()+"&status=success"); code != http.StatusOK {
		t.Errorf("await a status already reached: HTTP %d %v", code, out)
	}
	// Never reached: 408 saying what was awaited and what was seen.
	code, out := awaitJSON(t, m, "/_mockpay/await/payment?merchant="+publicKey+"&order_id="+order+"&status=reversed&timeout=300ms")
	if code != http.StatusRequestTimeout || out["seen"].(map[string]any)["status"] != "success" || !strings.Contains(out["error"].(string), "reversed") {
		t.Errorf("await timing out: HTTP %d %v", code, out)
	}
	code, out = awaitJSON(t, m, "/_mockpay/await/callbacks?merchant="+publicKey+"&order_id="+order+"&count=2&timeout=300ms")
	if code != http.StatusRequestTimeout || out["seen"].(map[string]any)["delivered"] != float64(1) {
		t.Errorf("await 2 callbacks timing out: HTTP %d %v", code, out)
	}
	for _, q := range []string{"await/payment?merchant=" + publicKey, "await/payment?order_id=x&timeout=soon", "await/callbacks?status=pending", "await/callbacks?count=0"} {
		if code, out := awaitJSON(t, m, "/_mockpay/"+q); code != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d %v, want 400", q, code, out)
		}
	}
	if code, _ := awaitJSON(t, m, "/_mockpay/await/payment?merchant=nobody&order_id=x"); code != http.StatusNotFound {
		t.Errorf("unknown merchant: HTTP %d, want 404", code)
	}
}

// goroutines reads the server's goroutine gauge from its metrics.
func goroutines(t *testing.T, m *mockpay) int {
	t.Helper()
	resp, err := httpClient.Get(m.base + "/_mockpay/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatal("metrics have no go_goroutines")
	return 0
}

// waitGoroutines polls the server's goroutine gauge until ok holds: the
// server's own state, not virtual time, so a short real wait is right.
func waitGoroutines(t *testing.T, m *mockpay, ok func(int) bool) int {
	t.Helper()
	var n int
	for range 200 {
		if n = goroutines(t, m); ok(n) {
			return n
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("goroutine count stuck at %d", n)
	return n
}

// A waiter whose client goes away is released at once: the server's
// goroutine count comes back to its baseline.
func TestAwaitReleasesDisconnectedWaiters(t *testing.T) {
	t.Parallel()
	m := start(t)
	base := goroutines(t, m)
	const waiters = 20
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2*waiters)
	for i := range 2 * waiters {
		path := "/_mockpay/await/payment?order_id=never&status=success&timeout=60s"
		if i%2 == 1 {
			path = "/_mockpay/await/callbacks?order_id=never&timeout=60s"
		}
		go func() {
			defer func() { done <- struct{}{} }()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.base+path, nil)
			c := &http.Client{Transport: &http.Transport{}} // own connection each
			if resp, err := c.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	waitGoroutines(t, m, func(n int) bool { return n >= base+2*waiters })
	cancel()
	for range 2 * waiters {
		<-done
	}
	n := waitGoroutines(t, m, func(n int) bool { return n <= base+1 })
	t.Logf("goroutines: baseline %d, after the clients left %d", base, n)
}

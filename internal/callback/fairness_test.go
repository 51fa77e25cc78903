package callback

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHungReceiverLeavesOtherMerchantsOnTime checks fairness between
// tenants: merchant A's receiver never answers while 1,500 of its callbacks
// are due, and merchant B's callbacks still arrive as fast as when A was
// quiet. Both figures come from the same run, so only their ratio is checked.
func TestHungReceiverLeavesOtherMerchantsOnTime(t *testing.T) {
	const (
		hungCallbacks = 1500
		samples       = 200
		maxRatio      = 2.0
	)
	clk := newClock(t)
	d := newDispatcher(t, Options{})

	var hungGot atomic.Int64
	hung := newReceiver(t, func(int, received) int { hungGot.Add(1); return hang })

	arrived := make(chan struct{}, 1)
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
		arrived <- struct{}{}
	}))
	t.Cleanup(fast.Close)

	// latency enqueues B's callbacks one at a time and returns the median
	// time from Enqueue to the receiver seeing each.
	latency := func(phase string) time.Duration {
		t.Helper()
		var got []time.Duration
		for i := range samples {
			start := time.Now()
			d.Enqueue(clk, Request{Tenant: "merchant-b", Provider: "liqpay", URL: fast.URL, Body: benchBody,
				OrderKey: fmt.Sprintf("%s-%d", phase, i)})
			select {
			case <-arrived:
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: merchant B's callback %d not delivered within 5s", phase, i)
			}
			got = append(got, time.Since(start))
		}
		slices.Sort(got)
		return got[len(got)/2]
	}

	_ = latency("warm-up") // connections to B's receiver open, goroutines warm
	unloaded := latency("unloaded")

	long := Policy{Backoff: []time.Duration{time.Hour}, Timeout: time.Minute}
	for i := range hungCallbacks {
		d.Enqueue(clk, Request{Tenant: "merchant-a", Provider: "liqpay", URL: hung.URL, Body: benchBody,
			OrderKey: fmt.Sprintf("a-%d", i), Policy: long})
	}
	// Wait until A's share of the dispatcher is hung on its receiver.
	deadline := time.Now().Add(10 * time.Second)
	for hungGot.Load() < int64(d.maxPerTenant) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := hungGot.Load(); n < int64(d.maxPerTenant) {
		t.Fatalf("hung receiver got %d requests, want %d in flight", n, d.maxPerTenant)
	}
	loaded := latency("loaded")

	ratio := float64(loaded) / float64(unloaded)
	t.Logf("merchant B median delivery: unloaded %v, with %d of A's callbacks hung %v: ratio %.2f (A in flight: %d)",
		unloaded, hungCallbacks, loaded, ratio, hungGot.Load())
	if ratio > maxRatio {
		t.Errorf("merchant B's callbacks are %.2f× slower while A's receiver hangs, want at most %.1f×", ratio, maxRatio)
	}
	if n := hungGot.Load(); n > int64(d.maxPerTenant) {
		t.Errorf("A has %d attempts in flight, more than its share of %d", n, d.maxPerTenant)
	}
}

// TestTenantsTakeTurns checks that, with every slot busy, tenants with a
// backlog are served in turn rather than in enqueue order.
func TestTenantsTakeTurns(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{MaxInFlight: 1, MaxInFlightPerTenant: 1})
	release := make(chan struct{})
	var mu sync.Mutex
	var order []string
	var first atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if first.CompareAndSwap(false, true) {
			<-release // hold the only slot until everything is queued
		}
		mu.Lock()
		order = append(order, r.URL.Query().Get("t"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)

	d.Enqueue(clk, Request{Tenant: "a", URL: srv.URL + "?t=a"})
	for range 3 {
		d.Enqueue(clk, Request{Tenant: "a", URL: srv.URL + "?t=a"})
	}
	for range 3 {
		d.Enqueue(clk, Request{Tenant: "b", URL: srv.URL + "?t=b"})
	}
	close(release)
	settle(t, d, "")
	mu.Lock()
	defer mu.Unlock()
	want := []string{"a", "b", "a", "b", "a", "b", "a"} // b had been waiting when the first a finished
	if !slices.Equal(order, want) {
		t.Errorf("delivery order %v, want %v", order, want)
	}
}

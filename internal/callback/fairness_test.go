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
// tenants: merchants whose receivers never answer have 1,500 callbacks due
// between them, and merchant B's callbacks still arrive as fast as when they
// were quiet. With five hung merchants their shares add up to more than
// every slot, and B must still get one at once. Both figures come from the
// same run, so only their ratio is checked.
func TestHungReceiverLeavesOtherMerchantsOnTime(t *testing.T) {
	for _, hungMerchants := range []int{1, 5} {
		t.Run(fmt.Sprintf("%d hung", hungMerchants), func(t *testing.T) {
			hungReceiverFairness(t, hungMerchants)
		})
	}
}

func hungReceiverFairness(t *testing.T, hungMerchants int) {
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
		d.Enqueue(clk, Request{Tenant: fmt.Sprintf("hung-%d", i%hungMerchants), Provider: "liqpay", URL: hung.URL,
			Body: benchBody, OrderKey: fmt.Sprintf("a-%d", i), Policy: long})
	}
	// Wait until the hung merchants hold what they may: each its share, but
	// all of them together no more than every slot (their callbacks are
	// interleaved, so none is left with nothing in flight).
	want := int64(min(min(d.maxPerTenant, hungCallbacks/hungMerchants)*hungMerchants, d.maxInFlight))
	deadline := time.Now().Add(10 * time.Second)
	for hungGot.Load() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := hungGot.Load(); n < want {
		t.Fatalf("hung receiver got %d requests, want %d in flight", n, want)
	}
	loaded := latency("loaded")

	// Delivery on loopback takes tens of microseconds, where parking a
	// thousand goroutines alone moves a median by 2×; starving B costs
	// seconds. So the ratio is taken against at least noiseFloor.
	const noiseFloor = 500 * time.Microsecond
	ratio := float64(loaded) / float64(max(unloaded, noiseFloor))
	t.Logf("merchant B median delivery: unloaded %v, with %d callbacks of %d merchants hung %v: ratio %.2f (hung in flight: %d)",
		unloaded, hungCallbacks, hungMerchants, loaded, ratio, hungGot.Load())
	if ratio > maxRatio {
		t.Errorf("merchant B's callbacks are %.2f× slower while %d receivers hang, want at most %.1f×", ratio, hungMerchants, maxRatio)
	}
	// A merchant that found every slot taken may get one beyond them.
	if n := hungGot.Load(); n > want+int64(hungMerchants) {
		t.Errorf("hung merchants have %d attempts in flight, more than their shares of %d", n, want)
	}
}

// TestTenantsTakeTurns checks that, with every slot busy, tenants with a
// backlog are served in turn rather than in enqueue order. Every tenant
// holds a goroutine of its own whatever the cap (so none can be starved),
// so the turns show on the one goroutine left free to cycle: a1 is
// released first, a2 and b1 stay held until the backlogs are through.
func TestTenantsTakeTurns(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{MaxInFlight: 2, MaxInFlightPerTenant: 2})
	held := map[string]chan struct{}{"a1": make(chan struct{}), "a2": make(chan struct{}), "b1": make(chan struct{})}
	var mu sync.Mutex
	var order []string
	var arrivedHeld sync.WaitGroup
	arrivedHeld.Add(len(held))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("t")
		if c := held[name]; c != nil {
			arrivedHeld.Done()
			<-c
		}
		mu.Lock()
		order = append(order, name)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	enqueue := func(tenant, name string) {
		d.Enqueue(clk, Request{Tenant: tenant, URL: srv.URL + "?t=" + name})
	}

	enqueue("a", "a1")
	enqueue("a", "a2")
	enqueue("b", "b1") // every slot is taken, but b has nothing in flight
	arrivedHeld.Wait()
	for _, name := range []string{"a3", "a4", "a5"} {
		enqueue("a", name)
	}
	for _, name := range []string{"b2", "b3", "b4"} {
		enqueue("b", name)
	}
	close(held["a1"])
	want := []string{"a1", "b2", "a3", "b3", "a4", "b4", "a5"} // b had been waiting when a1 finished
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(order)
		mu.Unlock()
		if n >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(held["a2"])
	close(held["b1"])
	settle(t, d, "")
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(order[:min(len(order), len(want))], want) {
		t.Errorf("delivery order %v, want %v first", order, want)
	}
}

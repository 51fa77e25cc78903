package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Five merchants share one receiver that never answers (a suite whose
// tests, each with its own merchant, point at one hung receiver): their
// shares add up to every slot the dispatcher has, and a merchant made
// afterwards must still get its callbacks at once.
func TestFiveHungMerchantsLeaveANewMerchantServed(t *testing.T) {
	t.Parallel()
	const (
		hungMerchants = 5
		paysEach      = 300
		samples       = 10
	)
	m := start(t)

	hung, fast, hungGot, arrived := fairnessReceivers(t)

	var wg sync.WaitGroup
	for k := range hungMerchants {
		c := makeLiqPayMerchant(t, m, hung.URL, "60s")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range paysEach {
				call(t, c, "request", payParams(fmt.Sprintf("hung-%d-%d", k, i), "4242424242424242"))
			}
		}()
	}
	wg.Wait()
	// 1,024 slots, a quarter each at most: the first four fill them all.
	const full = 1024
	deadline := time.Now().Add(15 * time.Second)
	for hungGot.Load() < full && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // another process filling its slots
	}
	if n := hungGot.Load(); n < full {
		t.Fatalf("the hung receiver holds only %d callbacks, want every slot (%d)", n, full)
	}

	fresh := makeLiqPayMerchant(t, m, fast.URL, "10s")
	var slowest time.Duration
	for i := range samples {
		begin := time.Now()
		checkFields(t, "the new merchant's pay", map[string]any{"status": "success"},
			call(t, fresh, "request", payParams(fmt.Sprintf("fresh-%d", i), "4242424242424242")))
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatalf("the new merchant's callback %d not delivered within 10 s while %d hang", i, hungGot.Load())
		}
		slowest = max(slowest, time.Since(begin))
	}
	t.Logf("new merchant: slowest pay→callback %v with %d callbacks hung over %d merchants", slowest, hungGot.Load(), hungMerchants)
}

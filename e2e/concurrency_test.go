package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// A merchant retrying a pay, or two app servers racing, must never charge an
// order twice: exactly one of many simultaneous pays with one order_id wins.
func TestConcurrentPaysWithOneOrderIDChargeOnce(t *testing.T) {
	t.Parallel()
	m := start(t)
	const n = 100
	orderID := orderID(t)
	params := payParams(orderID, "4242424242424242")
	c := m.client(liqpayclient.PHP)

	answers := make([]map[string]any, n)
	errs := make([]error, n)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready // release all at once
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			answers[i], _, errs[i] = c.Do(ctx, "request", params)
		}()
	}
	close(ready)
	wg.Wait()

	counts := map[string]int{}
	var winner, duplicate map[string]any
	for i, a := range answers {
		if errs[i] != nil {
			t.Errorf("request %d: %v", i, errs[i])
			continue
		}
		counts[fmt.Sprintf("%v/%v/%v", a["result"], a["status"], a["err_code"])]++
		switch {
		case a["result"] == "ok":
			winner = a
		case a["err_code"] == "order_id_duplicate":
			duplicate = a
		}
	}
	want := map[string]int{"ok/success/<nil>": 1, "error/error/order_id_duplicate": n - 1}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Fatalf("answers by result/status/err_code (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(errorBody("order_id_duplicate", "Такий order_id вже існує"), duplicate); diff != "" {
		t.Errorf("duplicate body (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(winner, m.statusOf(t, orderID)); diff != "" {
		t.Errorf("status is not the one successful payment (-pay +status):\n%s", diff)
	}
}

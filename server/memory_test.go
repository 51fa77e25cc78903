package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/server"
)

// storedPayments is how many payments TestStoredPaymentHeap stores: enough
// that the maps' growth steps average out, few enough to run in a second or two.
const storedPayments = 20_000

// TestStoredPaymentHeap stores payments through the whole pipeline (LiqPay
// pay with a card, a new order each time, no retention, as
// `go run ./bench -memory` does) and fails when what the server keeps live
// per payment grows past testdata/memory.json's bound. A count of bytes,
// not a timing: the heap after a collection is the same on any machine.
// A million stored payments must fit in 1 GiB of RSS, and RSS runs at
// about twice the live heap and more (docs/benchmarks.md, Memory).
func TestStoredPaymentHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 20,000 payments")
	}
	raw, err := os.ReadFile("testdata/memory.json")
	if err != nil {
		t.Fatal(err)
	}
	var bounds map[string]float64
	if err := json.Unmarshal(raw, &bounds); err != nil {
		t.Fatalf("testdata/memory.json: %v", err)
	}
	const name = "liqpay pay: live heap bytes per stored payment"
	bound, ok := bounds[name]
	if !ok {
		t.Fatalf("no bound for %q in testdata/memory.json", name)
	}
	cfg := config.Default()
	cfg.Seed = 1
	cfg.RetainPayments = 0
	srv, err := server.New(cfg, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	forms := make([]string, storedPayments)
	for i := range forms {
		forms[i], _, _ = liqpayForm(payParams(fmt.Sprintf("bench-1-%d", i)))
	}
	// One payment first, so what every server sets up once (the shop, its
	// maps' first buckets, the ledger's tenant) is not counted.
	serve(t, h, formRequest(forms[0]), `"status":"success"`)
	before := liveHeap()
	for _, f := range forms[1:] {
		serve(t, h, formRequest(f), `"status":"success"`)
	}
	after := liveHeap()
	runtime.KeepAlive(srv)
	runtime.KeepAlive(forms) // counted in before, so in after too
	per := float64(after-before) / float64(len(forms)-1)
	t.Logf("live heap: %.0f bytes per stored payment (bound %.0f)", per, bound)
	if per > bound {
		t.Errorf("a stored payment keeps %.0f bytes of heap, over the bound of %.0f (testdata/memory.json)", per, bound)
	}
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

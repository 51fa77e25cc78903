package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/liquidotest"
	"github.com/mockpay/mockpay/server"
)

// storedPayments is how many LiqPay payments TestStoredPaymentHeap stores
// (Liquido's, slower to make, half as many): enough that the maps' growth
// steps average out, few enough to run in seconds.
const storedPayments = 20_000

// storing is one provider's way of storing payments: requests returns the
// requests that each store a new one, and what each answer must contain.
type storing struct {
	name     string // its bound's name in testdata/memory.json
	n        int    // how many to store
	requests func(t *testing.T, h http.Handler, n int) ([]*http.Request, string)
}

var storings = []storing{
	{"liqpay pay: live heap bytes per stored payment", storedPayments, liqpayPays},
	{"liquido card charge: live heap bytes per stored payment", storedPayments / 2, liquidoCharges},
}

// liqpayPays are LiqPay pays with a card, a new order each time, as
// `go run ./bench -memory` sends them.
func liqpayPays(_ *testing.T, _ http.Handler, n int) ([]*http.Request, string) {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		form, _, _ := liqpayForm(payParams(fmt.Sprintf("bench-1-%d", i)))
		reqs[i] = formRequest(form)
	}
	return reqs, `"status":"success"`
}

// liquidoCharges are Liquido card charges, a new idempotency key each time.
func liquidoCharges(t *testing.T, h http.Handler, n int) ([]*http.Request, string) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {config.DefaultLiquidoClientID},
		"client_secret": {config.DefaultLiquidoClientSecret}}
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/oauth2/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("no token: %v %s", err, rec.Body)
	}
	reqs := make([]*http.Request, n)
	for i := range reqs {
		raw, _ := json.Marshal(liquidotest.CardCharge(fmt.Sprintf("k-%d", i), "BR", "4242424242424242"))
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/v1/payments/charges/card", strings.NewReader(string(raw)))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		r.Header.Set("X-Api-Key", config.DefaultLiquidoAPIKey)
		reqs[i] = r
	}
	return reqs, `"transferStatus"`
}

// TestStoredPaymentHeap stores payments through the whole pipeline, with
// no retention, and fails when what the server keeps live per payment
// grows past its bound in testdata/memory.json. A count of bytes, not a
// timing: the heap after a collection is the same on any machine. A
// million stored payments must fit in 1 GiB of RSS, and RSS runs at two to
// three times the live heap (docs/benchmarks.md, Memory). The figure
// includes the journal's capped 1,000 entries, spread over the payments.
func TestStoredPaymentHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 30,000 payments")
	}
	raw, err := os.ReadFile("testdata/memory.json")
	if err != nil {
		t.Fatal(err)
	}
	var bounds map[string]float64
	if err := json.Unmarshal(raw, &bounds); err != nil {
		t.Fatalf("testdata/memory.json: %v", err)
	}
	for _, st := range storings {
		t.Run(st.name, func(t *testing.T) {
			bound, ok := bounds[st.name]
			if !ok {
				t.Fatalf("no bound for %q in testdata/memory.json", st.name)
			}
			cfg := config.Default()
			cfg.Seed = 1
			cfg.RetainPayments = 0
			srv, err := server.New(cfg, quiet, nil)
			if err != nil {
				t.Fatal(err)
			}
			h := srv.Handler()
			reqs, want := st.requests(t, h, st.n)
			// One payment first, so what every server sets up once (the
			// merchant, its maps' first buckets, the ledger's tenant) is
			// not counted.
			serve(t, h, reqs[0], want)
			before := liveHeap()
			for _, r := range reqs[1:] {
				serve(t, h, r, want)
			}
			after := liveHeap()
			runtime.KeepAlive(srv)
			runtime.KeepAlive(reqs) // counted in before, so in after too
			per := float64(after-before) / float64(len(reqs)-1)
			t.Logf("live heap: %.0f bytes per stored payment (bound %.0f)", per, bound)
			if per > bound {
				t.Errorf("a stored payment keeps %.0f bytes of heap, over the bound of %.0f (testdata/memory.json)", per, bound)
			}
		})
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

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// TestHungReceiverLeavesOtherMerchantsOnTime against the binary: merchant
// A's receiver never answers while 1,500 of its callbacks are due; merchant
// B's callbacks (B made the same way, with a receiver that answers at once)
// must arrive within twice the time they take when A is quiet. The quiet
// figure is taken on a second, identical mockpay at the same moments — one
// sample there, one on the loaded one, in turn — so that whatever else the
// machine is doing (other tests run in parallel) lands on both; only the
// ratio of the two medians is checked.
func TestHungReceiverLeavesOtherMerchantsOnTime(t *testing.T) {
	t.Parallel()
	const (
		hungCallbacks = 1500
		samples       = 40
		maxRatio      = 2.0
	)
	m, quiet := start(t), start(t)

	hung, fast, hungGot, arrived := fairnessReceivers(t)
	_, fastQ, _, arrivedQ := fairnessReceivers(t)

	// Each merchant made through the control plane, as parallel test jobs do.
	a := makeLiqPayMerchant(t, m, hung.URL, "30s")
	b := makeLiqPayMerchant(t, m, fast.URL, "10s")
	bq := makeLiqPayMerchant(t, quiet, fastQ.URL, "10s")

	// sample is the time from one of B's pays to its callback.
	sample := func(c *liqpayclient.Client, arrived chan struct{}, order string) time.Duration {
		t.Helper()
		begin := time.Now()
		checkFields(t, "B's pay", map[string]any{"status": "success"},
			call(t, c, "request", payParams(order, "4242424242424242")))
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: merchant B's callback not delivered within 10 s", order)
		}
		return time.Since(begin)
	}
	// medians samples B on the loaded mockpay and on the quiet one in turn.
	medians := func(phase string) (loaded, quiet time.Duration) {
		t.Helper()
		var onM, onQuiet []time.Duration
		for i := range samples {
			onQuiet = append(onQuiet, sample(bq, arrivedQ, fmt.Sprintf("fair-q-%s-%d", phase, i)))
			onM = append(onM, sample(b, arrived, fmt.Sprintf("fair-b-%s-%d", phase, i)))
		}
		slices.Sort(onM)
		slices.Sort(onQuiet)
		return onM[len(onM)/2], onQuiet[len(onQuiet)/2]
	}

	_, _ = medians("warm")
	before, _ := medians("before")

	// A's payments, each with a callback to the hung receiver.
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > hungCallbacks {
					return
				}
				call(t, a, "request", payParams(fmt.Sprintf("fair-a-%d", i), "4242424242424242"))
			}
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for hungGot.Load() < 200 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // another process filling its slots
	}
	if n := hungGot.Load(); n < 200 {
		t.Fatalf("A's receiver holds only %d callbacks", n)
	}
	loaded, unloaded := medians("loaded")

	ratio := float64(loaded) / float64(unloaded)
	t.Logf("merchant B: pay→callback median %v with %d of A's callbacks due and %d hung at A's receiver, %v on a quiet mockpay at the same time (%v before A's load): ratio %.2f",
		loaded, hungCallbacks, hungGot.Load(), unloaded, before, ratio)
	if ratio > maxRatio {
		t.Errorf("merchant B's callbacks are %.2f× slower while A's receiver hangs, want at most %.1f×", ratio, maxRatio)
	}
}

// makeLiqPayMerchant makes a LiqPay shop through the control plane with
// serverURL and a callback timeout, and returns a client signing as it.
func makeLiqPayMerchant(t *testing.T, m *mockpay, serverURL, timeout string) *liqpayclient.Client {
	t.Helper()
	spec, _ := json.Marshal(map[string]any{
		"liqpay":    map[string]any{"server_url": serverURL},
		"callbacks": map[string]any{"timeout": timeout, "backoff": []string{"1h"}},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, m.base+"/_mockpay/merchants", bytes.NewReader(spec))
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var made struct {
		LiqPay struct {
			PublicKey  string `json:"public_key"`
			PrivateKey string `json:"private_key"`
		} `json:"liqpay"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&made); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("making a merchant: HTTP %d, %v", resp.StatusCode, err)
	}
	return &liqpayclient.Client{BaseURL: m.base, PublicKey: made.LiqPay.PublicKey, PrivateKey: made.LiqPay.PrivateKey,
		Encoding: liqpayclient.Go, HTTP: httpClient}
}

// fairnessReceivers starts a receiver that never answers (counting the
// callbacks that reach it) and one that answers at once (signalling each
// arrival), both closed with the test.
func fairnessReceivers(t *testing.T) (hung, fast *httptest.Server, hungGot *atomic.Int64, arrived chan struct{}) {
	t.Helper()
	stop := make(chan struct{})
	hungGot = new(atomic.Int64)
	hung = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hungGot.Add(1)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	arrived = make(chan struct{}, 1)
	fast = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
		select {
		case arrived <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(func() {
		close(stop)
		hung.Close()
		fast.Close()
	})
	return hung, fast, hungGot, arrived
}

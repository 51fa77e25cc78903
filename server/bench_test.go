package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/server"
)

// BenchmarkPayWithCallback measures the whole path: signed pay requests
// from 32 concurrent clients, each payment's callback delivered to a local
// receiver. It reports the API rate and the callback delivery rate and fails
// if a callback is lost.
//
//	go test -run '^$' -bench PayWithCallback -benchtime 20000x ./server/
func BenchmarkPayWithCallback(b *testing.B) {
	var delivered atomic.Int64
	rv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		delivered.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rv.Close()
	cfg := config.Default()
	cfg.Seed = 1
	srv, err := server.New(cfg, quiet, nil)
	if err != nil {
		b.Fatal(err)
	}
	api := httptest.NewServer(srv.Handler())
	defer api.Close()
	defer srv.Close(context.Background())

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	bodies := make([]string, b.N)
	for i := range bodies {
		raw, _ := json.Marshal(map[string]any{"public_key": config.DefaultLiqPayPublicKey, "version": 3, "action": "pay",
			"amount": "1", "currency": "UAH", "description": "bench", "order_id": fmt.Sprintf("bench-%d", i),
			"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123", "server_url": rv.URL})
		data := base64.StdEncoding.EncodeToString(raw)
		bodies[i] = url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA1, config.DefaultLiqPayPrivateKey, data)}}.Encode()
	}
	b.ResetTimer()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				resp, err := client.Post(api.URL+"/api/request", "application/x-www-form-urlencoded", strings.NewReader(bodies[i]))
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	apiDone := time.Since(start)
	deadline := time.Now().Add(60 * time.Second)
	for delivered.Load() < int64(b.N) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	all := time.Since(start)
	b.StopTimer()
	if got := delivered.Load(); got != int64(b.N) {
		b.Fatalf("%d of %d callbacks delivered", got, b.N)
	}
	b.ReportMetric(float64(b.N)/apiDone.Seconds(), "pays/s")
	b.ReportMetric(float64(b.N)/all.Seconds(), "callbacks/s")
}

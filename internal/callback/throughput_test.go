package callback

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// countingReceiver answers 204 to everything and counts the callbacks it
// got and the connections they came on.
func countingReceiver(tb testing.TB) (srv *httptest.Server, callbacks, conns *atomic.Int64) {
	callbacks, conns = new(atomic.Int64), new(atomic.Int64)
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		callbacks.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv, callbacks, conns
}

var benchBody = []byte(`data=eyJhY3Rpb24iOiJwYXkiLCJzdGF0dXMiOiJzdWNjZXNzIiwib3JkZXJfaWQiOiJvcmRlci0xIn0%3D&signature=3sHqGmAQp1bUhy1VYYN7W8xJFwI%3D`)

func BenchmarkDeliver(b *testing.B) {
	srv, received, _ := countingReceiver(b)
	clk := newClock(b)
	d := newDispatcher(b, Options{})
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		d.Enqueue(clk, Request{
			Tenant: "bench", Provider: "liqpay", URL: srv.URL, Header: header, Body: benchBody,
			OrderKey: "order-" + strconv.Itoa(i),
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := d.Settle(ctx, "bench"); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if got := received.Load(); got != int64(b.N) {
		b.Fatalf("receiver got %d callbacks, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "callbacks/s")
}

// TestThroughputAtLeast2000PerSecond checks the design target: at least
// 2,000 deliveries a second to a local receiver, none lost. Under the race
// detector it sends fewer and checks only that none is lost.
func TestThroughputAtLeast2000PerSecond(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const (
		keys  = 1000
		limit = 20 * time.Second
		want  = 2000.0
	)
	total := 20000
	if raceEnabled {
		total = 4000
	}
	srv, received, conns := countingReceiver(t)
	clk := newClock(t)
	d := newDispatcher(t, Options{MaxRecordsPerTenant: total})
	// The order keys make it a realistic load: 1,000 payments, each with a
	// chain of callbacks that must arrive one after another.
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

	start := time.Now()
	for i := range total {
		d.Enqueue(clk, Request{
			Tenant: "load", Provider: "liqpay", URL: srv.URL, Header: header, Body: benchBody,
			OrderKey: fmt.Sprintf("order-%d", i%keys),
			Labels:   map[string]string{"order_id": fmt.Sprintf("order-%d", i%keys)},
		})
	}
	enqueued := time.Since(start)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := d.Settle(ctx, "load"); err != nil {
		t.Fatalf("not all delivered within %v: receiver got %d of %d", limit, received.Load(), total)
	}
	elapsed := time.Since(start)

	if got := received.Load(); got != int64(total) {
		t.Errorf("receiver got %d callbacks, want %d", got, total)
	}
	delivered := d.List(Filter{Tenant: "load", Status: StatusDelivered})
	if len(delivered) != total {
		t.Errorf("%d records delivered, want %d", len(delivered), total)
	}
	for _, cb := range delivered {
		if len(cb.Attempts) != 1 {
			t.Fatalf("%s took %d attempts, want 1", cb.ID, len(cb.Attempts))
		}
	}
	rate := float64(total) / elapsed.Seconds()
	t.Logf("%d callbacks over %d order keys on %d connections: enqueued in %v, delivered in %v: %.0f/s",
		total, keys, conns.Load(), enqueued, elapsed, rate)
	if rate < want && !raceEnabled {
		t.Errorf("delivered %.0f callbacks/s, want at least %.0f", rate, want)
	}
}

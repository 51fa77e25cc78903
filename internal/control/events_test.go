package control

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/events"
	"github.com/mockpay/mockpay/internal/tenant"
)

// stream opens GET target on srv and returns the event names (and ping
// comments) it reads, one at a time, until ctx ends.
func stream(t *testing.T, ctx context.Context, url string) (<-chan string, *http.Response) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				lines <- strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				lines <- strings.TrimPrefix(line, "data: ")
			case line == ": ping":
				lines <- "ping"
			}
		}
	}()
	return lines, resp
}

func next(t *testing.T, lines <-chan string) string {
	t.Helper()
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatal("stream ended")
		}
		return l
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return ""
}

func waitSubscribers(t *testing.T, hub *events.Hub, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); hub.Subscribers() != n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers, want %d", hub.Subscribers(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEventsAreScopedByMerchant(t *testing.T) {
	reg := tenant.NewRegistry(1, nil)
	t.Cleanup(reg.Close)
	reg.Add("liqpay", "shop-a")
	reg.Add("liqpay", "shop-b")
	hub := &events.Hub{}
	srv := httptest.NewServer(Events{Hub: hub, Tenants: reg})
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	tests := []struct {
		name, query string
		want        []string
	}{
		{"every merchant", "", []string{"payment", `{"n":1}`, "payment", `{"n":2}`, "reset", `{"n":3}`}},
		{"one merchant", "?merchant=shop-a", []string{"payment", `{"n":1}`, "reset", `{"n":3}`}},
		{"one merchant and provider", "?merchant=shop-b&provider=liqpay", []string{"payment", `{"n":2}`, "reset", `{"n":3}`}},
		{"another provider", "?provider=liquido", []string{"reset", `{"n":3}`}},
	}
	feeds := make([]<-chan string, len(tests))
	for i, tt := range tests {
		lines, resp := stream(t, ctx, srv.URL+tt.query)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
			t.Fatalf("%s: Content-Type %q", tt.name, ct)
		}
		feeds[i] = lines
	}
	waitSubscribers(t, hub, len(tests))
	hub.PublishJSON(events.Payment, "liqpay:shop-a", map[string]int{"n": 1})
	hub.PublishJSON(events.Payment, "liqpay:shop-b", map[string]int{"n": 2})
	hub.PublishJSON(events.Reset, "", map[string]int{"n": 3}) // global: everyone
	for i, tt := range tests {
		var got []string
		for range tt.want {
			got = append(got, next(t, feeds[i]))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestEventsUnknownMerchantIsNotFound(t *testing.T) {
	reg := tenant.NewRegistry(1, nil)
	t.Cleanup(reg.Close)
	w := httptest.NewRecorder()
	Events{Hub: &events.Hub{}, Tenants: reg}.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/_mockpay/events?merchant=nope", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("HTTP %d, want 404", w.Code)
	}
}

func TestEventsHeartbeat(t *testing.T) {
	hub := &events.Hub{}
	srv := httptest.NewServer(Events{Hub: hub, Heartbeat: 20 * time.Millisecond})
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines, _ := stream(t, ctx, srv.URL)
	if got := next(t, lines); got != "ping" {
		t.Errorf("first line %q, want a ping comment", got)
	}
}

// A client that goes away releases its goroutine and its subscription.
func TestEventsClientDisconnectReleasesGoroutine(t *testing.T) {
	hub := &events.Hub{}
	srv := httptest.NewServer(Events{Hub: hub})
	t.Cleanup(srv.Close)
	http.DefaultClient.CloseIdleConnections()
	base := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	const clients = 5
	for range clients {
		stream(t, ctx, srv.URL)
	}
	waitSubscribers(t, hub, clients)
	cancel()
	waitSubscribers(t, hub, 0)
	srv.CloseClientConnections()
	http.DefaultClient.CloseIdleConnections()
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > base; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after the clients left, %d before", runtime.NumGoroutine(), base)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// slowWriter is a client that reads nothing until let go: every write
// blocks.
type slowWriter struct {
	header http.Header
	gate   chan struct{}
	mu     sync.Mutex
	body   strings.Builder
	wrote  chan struct{}
	once   sync.Once
}

func (s *slowWriter) Header() http.Header { return s.header }
func (s *slowWriter) WriteHeader(int)     {}
func (s *slowWriter) Flush()              {}
func (s *slowWriter) Write(b []byte) (int, error) {
	s.once.Do(func() { close(s.wrote) })
	<-s.gate
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.body.Write(b)
}

func (s *slowWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.body.String()
}

// A client too slow for the events gets "resync" in place of what it missed,
// and publishing never waits for it.
func TestEventsSlowClientGetsResync(t *testing.T) {
	hub := &events.Hub{Buffer: 4}
	w := &slowWriter{header: http.Header{}, gate: make(chan struct{}), wrote: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Events{Hub: hub}.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/_mockpay/events", nil).WithContext(ctx))
	}()
	<-w.wrote // stuck writing its first bytes
	waitSubscribers(t, hub, 1)
	began := time.Now()
	for i := range 100 {
		hub.PublishJSON(events.Payment, "liqpay:k", map[string]int{"n": i})
	}
	if took := time.Since(began); took > time.Second {
		t.Errorf("publishing to a stuck client took %s", took)
	}
	close(w.gate) // the client reads again
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(w.String(), "event: resync"); {
		if time.Now().After(deadline) {
			t.Fatalf("no resync event; got:\n%s", w.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if n := strings.Count(w.String(), "event: payment"); n > 4 {
		t.Errorf("%d payment events reached a client buffered for 4", n)
	}
	if hub.Subscribers() != 0 {
		t.Error("subscription left behind")
	}
}

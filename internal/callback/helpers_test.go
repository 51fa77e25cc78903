package callback

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
)

// t0 is where every test clock starts; its wall function never moves, so
// virtual time changes only with Advance.
var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func newClock(t testing.TB) *clock.Virtual {
	t.Helper()
	c := clock.New(func() time.Time { return t0 })
	t.Cleanup(func() { c.Close() })
	return c
}

func newDispatcher(t testing.TB, opts Options) *Dispatcher {
	t.Helper()
	d := New(opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		d.Close(ctx)
	})
	return d
}

// settle waits for in-flight attempts, failing the test if they take long.
func settle(t *testing.T, d *Dispatcher, tenant string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Settle(ctx, tenant); err != nil {
		t.Fatalf("Settle(%q): %v", tenant, err)
	}
}

// playOut advances c from one scheduled attempt of tenant to the next,
// settling in between, until nothing is scheduled.
func playOut(t *testing.T, d *Dispatcher, c *clock.Virtual, tenant string) {
	t.Helper()
	for range 50 {
		settle(t, d, tenant)
		next, ok := d.NextAttemptAt(tenant)
		if !ok {
			return
		}
		c.Advance(next.Sub(c.Now()))
	}
	t.Fatal("attempts still scheduled after 50 steps")
}

func get(t *testing.T, d *Dispatcher, id string) Callback {
	t.Helper()
	cb, ok := d.Get(id)
	if !ok {
		t.Fatalf("Get(%q): not found", id)
	}
	return cb
}

// received is one request as the receiver saw it.
type received struct {
	Method string
	Path   string
	Header http.Header
	Body   string
}

// hang, as a receiver's answer, holds the request until the client gives up.
const hang = -1

// receiver is a merchant's callback endpoint on loopback that records what
// arrives and answers what respond says.
type receiver struct {
	*httptest.Server
	respond func(n int, got received) int // n counts requests from 0
	stop    chan struct{}                 // closed when the test ends, releasing hung requests

	mu  sync.Mutex
	got []received
}

func newReceiver(t *testing.T, respond func(n int, got received) int) *receiver {
	t.Helper()
	rc := &receiver{respond: respond, stop: make(chan struct{})}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(func() {
		close(rc.stop)
		rc.Close()
	})
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	got := received{Method: r.Method, Path: r.URL.Path, Header: r.Header, Body: string(body)}
	rc.mu.Lock()
	n := len(rc.got)
	rc.got = append(rc.got, got)
	rc.mu.Unlock()

	status := rc.respond(n, got)
	if status == hang {
		select {
		case <-r.Context().Done():
		case <-rc.stop:
		}
		return
	}
	w.Header().Set("X-Receiver", "test")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, "ok")
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func (rc *receiver) bodies() []string {
	var out []string
	for _, r := range rc.requests() {
		out = append(out, r.Body)
	}
	return out
}

// statuses answers the n-th request with codes[n], repeating the last code.
func statuses(codes ...int) func(int, received) int {
	return func(n int, _ received) int { return codes[min(n, len(codes)-1)] }
}

// refusedURL is a loopback URL nothing listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/callback"
}

// logBuffer collects log output; slog's handlers serialise their writes,
// the mutex guards reading while they write.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

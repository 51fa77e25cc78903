package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/server"
)

// lockedBuffer is a log sink the server's goroutines may write at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A merchant that puts a card number in its order id does not find it in
// the server's log: every line is masked before it is written.
func TestLogMasksCardNumbersMerchantsSend(t *testing.T) {
	var logs lockedBuffer
	cfg := config.Default()
	cfg.Seed = 42
	s, err := server.New(cfg, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.Close(ctx)
	})
	if r := post(t, ts.URL, pay("o-5555555555554444", "4242424242424242")); r["status"] != "success" {
		t.Fatalf("pay: %v", r)
	}
	out := logs.String()
	if !strings.Contains(out, "555555******4444") {
		t.Fatalf("the pay was not logged with its masked order id:\n%s", out)
	}
	if strings.Contains(out, "5555555555554444") || strings.Contains(out, "4242424242424242") {
		t.Errorf("the log holds a card number:\n%s", out)
	}
}

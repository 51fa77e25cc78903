package e2e

import (
	"bufio"
	"context"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// An open live feed (a dashboard left open) must not hold up a SIGTERM:
// the stream ends as shutdown starts and mockpay exits 0 well within the
// 5 s grace period.
func TestSIGTERMWithLiveFeedOpenExitsAtOnce(t *testing.T) {
	t.Parallel()
	m := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.base+"/_mockpay/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_mockpay/events: status %d", resp.StatusCode)
	}
	// The stream's first comment shows the handler is running.
	if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	select {
	case <-m.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("mockpay still runs 10 s after SIGTERM")
	}
	took := time.Since(began)
	if m.err != nil {
		t.Errorf("exit after SIGTERM with a live feed open: %v, want status 0", m.err)
	}
	t.Logf("exited %v after SIGTERM with a live feed open", took.Round(10*time.Millisecond))
	if took > 2*time.Second {
		t.Errorf("exit took %v with a live feed open, want well under the 5 s grace period", took)
	}
}

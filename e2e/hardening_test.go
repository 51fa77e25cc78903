package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// Unclean paths are served as their clean form, never with gorilla/mux's
// empty 301 that a client follows as a GET without the POST's body.
func TestUncleanPathsAreServedWithoutRedirect(t *testing.T) {
	t.Parallel()
	m := start(t)
	c := m.client(liqpayclient.Go)
	for _, path := range []string{"//api/request", "/api//request", "/./api/request", "/api/./request", "/x/../api/request"} {
		t.Run(path, func(t *testing.T) {
			order := orderID(t)
			form, _, _ := c.Encode(payParams(order, "4242424242424242"))
			resp, err := noRedirects.Post(m.base+path, "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("POST %s: HTTP %d (Location %q), want 200", path, resp.StatusCode, resp.Header.Get("Location"))
			}
			got, err := liqpayclient.DecodeJSON(raw)
			if err != nil {
				t.Fatalf("POST %s: %v: %q", path, err, raw)
			}
			checkFields(t, "POST "+path, map[string]any{"result": "ok", "status": "success", "order_id": order}, got)
		})
	}
	for _, path := range []string{"//_mockpay/health", "/./_mockpay/health", "/_mockpay//health"} {
		resp, err := noRedirects.Get(m.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: HTTP %d, want 200", path, resp.StatusCode)
		}
	}
}

// RFC 9112 §6.1: a request with both Content-Length and Transfer-Encoding
// may be a smuggling attempt; it is refused with 400 and the connection
// closed, so the bytes after it are never read as a second request.
func TestContentLengthWithTransferEncodingIsRefused(t *testing.T) {
	t.Parallel()
	m := start(t)
	conn, err := net.DialTimeout("tcp", m.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	smuggled := "GET /_mockpay/health HTTP/1.1\r\nHost: x\r\n\r\n"
	body := "0\r\n\r\n" + smuggled
	req := "POST /api/request HTTP/1.1\r\nHost: " + m.addr + "\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n", len(body)) +
		"Transfer-Encoding: chunked\r\n\r\n" + body
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !resp.Close {
		t.Errorf("HTTP %d, Connection close %v; want 400 and the connection closed", resp.StatusCode, resp.Close)
	}
	// Nothing more comes: the smuggled request is never answered.
	if rest, err := io.ReadAll(br); err != nil || len(rest) > 0 {
		t.Errorf("after the 400: read %q, %v; want the connection closed", rest, err)
	}

	// A plain chunked request (no Content-Length) is still served.
	c := m.client(liqpayclient.Go)
	form, _, _ := c.Encode(payParams(orderID(t), "4242424242424242"))
	r2, err := http.NewRequest(http.MethodPost, m.base+"/api/request", io.NopCloser(strings.NewReader(form)))
	if err != nil {
		t.Fatal(err)
	}
	r2.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r2.ContentLength = -1 // sent chunked
	resp2, err := httpClient.Do(r2)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp2.Body)
	resp2.Body.Close()
	got, err := liqpayclient.DecodeJSON(raw)
	if err != nil {
		t.Fatalf("chunked pay: HTTP %d: %q", resp2.StatusCode, raw)
	}
	checkFields(t, "chunked pay", map[string]any{"result": "ok", "status": "success"}, got)
}

// SIGTERM while a scripted hang holds a request: the grace period runs out,
// the request is cut, and mockpay exits 0 as asked.
func TestSIGTERMWithRequestInFlightExitsZero(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "hang.yaml")
	yaml := "version: 1\nprovider: liqpay\nscenarios:\n  - name: hang\n    match:\n      order_id: {regex: \"^hang-\"}\n" +
		"    outcome:\n      fault: {type: hang, duration: 60s}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	m := start(t, "--scenarios", file)
	c := m.client(liqpayclient.Go)
	form, _, _ := c.Encode(payParams("hang-1", "4242424242424242"))

	answered := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, m.base+"/api/request", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()
	// Wait until the request is in flight: the scenario's match is logged
	// only once the request is being handled.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(m.stderr.String(), "hang-1") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // waiting for another process, not virtual time
	}
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	select {
	case <-m.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("mockpay still runs 10 s after SIGTERM (grace period 5 s)")
	}
	if m.err != nil {
		t.Errorf("exit after SIGTERM with a request in flight: %v, want status 0", m.err)
	}
	t.Logf("exited %v after SIGTERM", time.Since(began).Round(100*time.Millisecond))
	select {
	case err := <-answered:
		if err == nil {
			t.Log("the hung request was answered before the exit")
		}
	case <-time.After(5 * time.Second):
		t.Error("the hung request neither answered nor cut after the exit")
	}
}

// LiqPay's order_id is a string of at most 255 characters; NUL and other
// control characters are refused as a malformed parameter (err_wrong).
func TestOrderIDWithControlCharactersIsRefused(t *testing.T) {
	t.Parallel()
	m := start(t)
	for _, id := range []string{"nul\x00byte", "line\nbreak", "tab\there", "esc\x1b[31m", "del\x7f"} {
		got := m.do(t, payParams(id, "4242424242424242"))
		checkFields(t, fmt.Sprintf("pay with order_id %q", id),
			map[string]any{"result": "error", "err_code": "err_wrong"}, got)
	}
	checkFields(t, "pay with a clean order_id", map[string]any{"result": "ok", "status": "success"},
		m.do(t, payParams("clean-"+orderID(t), "4242424242424242")))
}

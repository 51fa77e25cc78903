package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// The server's documented defaults (README, reference §8).
const (
	publicKey  = "sandbox_i00000000"
	privateKey = "sandbox_private_key"
	seed       = "20261121"
)

// binary is the mockpay executable TestMain built.
var binary string

// raceEnabled is set by race_test.go when the tests run with -race.
var raceEnabled bool

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mockpay-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "mockpay")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.CommandContext(ctx, "go", append(args, "github.com/mockpay/mockpay/cmd/mockpay")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	err = build.Run()
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building mockpay:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// httpClient is for every request a test sends; nothing may hang a test.
var httpClient = &http.Client{Timeout: 10 * time.Second}

// noRedirects sees a redirect instead of following it, as a test of the
// 3-D Secure page must.
var noRedirects = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// mockpay is one running server process.
type mockpay struct {
	base   string // http://127.0.0.1:PORT
	addr   string // 127.0.0.1:PORT
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	exited chan struct{}
	err    error // cmd.Wait's result, set before exited closes
}

var bannerRE = regexp.MustCompile(`listening on http://(127\.0\.0\.1:\d+)`)

// start runs `mockpay serve` on a free loopback port with the fixed seed
// plus args, waits until /_mockpay/health answers 200, and kills the
// process when the test ends.
func start(t *testing.T, args ...string) *mockpay {
	t.Helper()
	return startWith(t, nil, append([]string{"serve", "--addr", "127.0.0.1:0", "--seed", seed}, args...)...)
}

// startWith runs the binary with exactly args and extra environment
// variables. Port 0 lets the kernel pick a free port; the banner says which.
func startWith(t *testing.T, env []string, args ...string) *mockpay {
	t.Helper()
	m := &mockpay{stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	m.cmd = exec.Command(binary, args...)
	m.cmd.Env = append(os.Environ(), env...)
	m.cmd.Stdout, m.cmd.Stderr = m.stdout, m.stderr
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("starting mockpay: %v", err)
	}
	go func() {
		m.err = m.cmd.Wait()
		close(m.exited)
	}()
	t.Cleanup(func() {
		m.kill()
		if _, report, found := strings.Cut(m.stderr.String(), "WARNING: DATA RACE"); found {
			t.Errorf("the race detector found a data race inside mockpay:\n%s", report[:min(len(report), 8192)])
		}
		if t.Failed() {
			t.Logf("mockpay stdout:\n%s\nmockpay stderr (last 4 KiB):\n%s", m.stdout, tail(m.stderr.String(), 4096))
		}
	})

	deadline := time.Now().Add(10 * time.Second)
	for m.addr == "" {
		if match := bannerRE.FindStringSubmatch(m.stdout.String()); match != nil {
			m.addr = match[1]
			break
		}
		select {
		case <-m.exited:
			t.Fatalf("mockpay exited before listening: %v\nstderr:\n%s", m.err, m.stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("mockpay printed no banner within 10 s; stdout:\n%s", m.stdout)
		}
	}
	m.base = "http://" + m.addr
	for i := 0; ; i++ {
		resp, err := httpClient.Get(m.base + "/_mockpay/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m
			}
		}
		if i == 50 {
			t.Fatalf("mockpay health never answered 200: %v", err)
		}
		time.Sleep(50 * time.Millisecond) // waiting for a process to come up, not for virtual time
	}
}

// kill stops the process if it still runs and waits for it (bounded).
func (m *mockpay) kill() {
	select {
	case <-m.exited:
		return
	default:
	}
	_ = m.cmd.Process.Kill()
	select {
	case <-m.exited:
	case <-time.After(5 * time.Second):
	}
}

// client is a LiqPay client of the default merchant with one SDK's encoding.
func (m *mockpay) client(enc liqpayclient.Encoding) *liqpayclient.Client {
	return &liqpayclient.Client{BaseURL: m.base, PublicKey: publicKey, PrivateKey: privateKey, Encoding: enc, HTTP: httpClient}
}

// do sends params to /api/request with sdk-go's encoding and returns the
// decoded answer.
func (m *mockpay) do(t *testing.T, params map[string]any) map[string]any {
	t.Helper()
	return call(t, m.client(liqpayclient.Go), "request", params)
}

// call sends params through c and fails the test on a transport problem.
func call(t *testing.T, c *liqpayclient.Client, path string, params map[string]any) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, body, err := c.Do(ctx, path, params)
	if err != nil {
		t.Fatalf("%s %s: %v (body %q)", c.Encoding, path, err, body)
	}
	return resp
}

// send sends a raw body to path and returns the status and the decoded
// JSON answer, failing the test unless the answer is JSON.
func (m *mockpay) send(t *testing.T, method, path, contentType, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, m.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	got, err := liqpayclient.DecodeJSON(raw)
	if err != nil {
		t.Fatalf("%s %s: HTTP %d, answer is not a JSON object (%v): %q", method, path, resp.StatusCode, err, raw)
	}
	return resp.StatusCode, got
}

// advance moves the default merchant's virtual clock forward; the server
// runs everything that fell due before answering.
func (m *mockpay) advance(t *testing.T, d string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"duration": d, "merchant": publicKey})
	resp, err := httpClient.Post(m.base+"/_mockpay/clock/advance", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("advancing the clock: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("advancing the clock: HTTP %d: %s", resp.StatusCode, raw)
	}
}

// payParams is a complete, valid card payment; set and drop adjust it.
func payParams(orderID, card string) map[string]any {
	return map[string]any{
		"version":        3,
		"action":         "pay",
		"amount":         "1",
		"currency":       "UAH",
		"description":    "e2e payment",
		"order_id":       orderID,
		"card":           card,
		"card_exp_month": "12",
		"card_exp_year":  "99",
		"card_cvv":       "123",
	}
}

// set returns a copy of m with the key/value pairs kv set.
func set(m map[string]any, kv ...any) map[string]any {
	out := maps.Clone(m)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// drop returns a copy of m without keys.
func drop(m map[string]any, keys ...string) map[string]any {
	out := maps.Clone(m)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// statusOf asks for a payment's status by order_id.
func (m *mockpay) statusOf(t *testing.T, orderID string) map[string]any {
	t.Helper()
	return m.do(t, map[string]any{"version": 3, "action": "status", "order_id": orderID})
}

// pick keeps the keys of want from got (absent keys as nil), so a test can
// cmp.Diff just the fields it is about.
func pick(got map[string]any, want map[string]any) map[string]any {
	out := make(map[string]any, len(want))
	for k := range want {
		out[k] = got[k]
	}
	return out
}

// checkFields fails the test when the fields of want differ in got.
func checkFields(t *testing.T, what string, want, got map[string]any) {
	t.Helper()
	if diff := cmp.Diff(want, pick(got, want)); diff != "" {
		t.Errorf("%s: fields mismatch (-want +got):\n%s\nwhole answer: %v", what, diff, got)
	}
}

// errorBody is LiqPay's error envelope (reference §6.1, A.2).
func errorBody(code, description string) map[string]any {
	return map[string]any{"result": "error", "status": "error", "code": code, "err_code": code, "err_description": description}
}

// num writes a JSON number as the server must write it (UseNumber).
func num(s string) json.Number { return json.Number(s) }

// orderID names an order after the running (sub)test, unique per server.
func orderID(t *testing.T) string {
	return "e2e-" + strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
}

// syncBuffer is a bytes.Buffer safe for the process's writer goroutine and
// the test reading it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

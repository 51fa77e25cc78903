// Package mockpaytest runs mockpay inside a Go test: Start serves it on a
// free loopback port for the test's lifetime and makes a fresh merchant of
// each provider, so every test (parallel ones included) has its own
// payments, callbacks, scenarios and clocks. The returned *Server signs
// LiqPay requests, gets Liquido tokens, awaits payment statuses and
// callbacks, moves the virtual clock and loads scenarios, failing the test
// that started it on any problem.
//
//	func TestCheckout(t *testing.T) {
//		t.Parallel()
//		srv := mockpaytest.Start(t)
//		shop := myshop.New(srv.URL(), srv.LiqPayKeys().PublicKey, srv.LiqPayKeys().PrivateKey)
//		…
//		srv.AwaitPayment(mockpaytest.ProviderLiqPay, orderID, "success")
//	}
//
// With At, Start uses a mockpay already running (a container, a process
// shared by a package's tests) and still makes a fresh merchant there,
// which is what keeps tests on one server apart.
package mockpaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/server"
)

// TB is what Start needs of a test; *testing.T, *testing.B and *testing.F
// satisfy it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
}

// Providers, as ProviderOnly, AwaitPayment and AwaitCallbacks name them.
const (
	ProviderLiqPay  = "liqpay"
	ProviderLiquido = "liquido"
)

// Option changes how Start runs mockpay or makes the merchant.
type Option func(*options)

type options struct {
	at         string
	seed       int64
	adminToken string
	providers  []string
	scenarios  string
	callback   string
	policy     *policy
	await      time.Duration
}

type policy struct {
	Timeout string   `json:"timeout,omitempty"`
	Backoff []string `json:"backoff"`
}

// Seed makes generated values (payment ids, auth codes, RRNs) repeat run to
// run; without it a random seed is used and logged when the test fails.
// Ignored with At (the running server has its seed).
func Seed(n int64) Option { return func(o *options) { o.seed = n } }

// AdminToken protects the control plane of the started server with this
// token (--admin-token); with At, it is the running server's token, used to
// make the merchant.
func AdminToken(token string) Option { return func(o *options) { o.adminToken = token } }

// ProviderOnly makes a merchant of these providers only (default: both).
func ProviderOnly(providers ...string) Option {
	return func(o *options) { o.providers = append([]string(nil), providers...) }
}

// Scenarios installs a scenario file (YAML, as in mockpay's README) for the
// merchant at creation.
func Scenarios(yaml string) Option { return func(o *options) { o.scenarios = yaml } }

// CallbackURL is the merchant's default callback URL: LiqPay's server_url
// and Liquido's callback_url, used when a request names none.
func CallbackURL(url string) Option { return func(o *options) { o.callback = url } }

// CallbackPolicy is the merchant's callback delivery policy: each attempt
// times out after timeout, and a failed one is retried after each backoff
// delay in turn (none: a single attempt). Retries run on the virtual clock.
func CallbackPolicy(timeout time.Duration, backoff ...time.Duration) Option {
	return func(o *options) {
		p := &policy{Timeout: timeout.String(), Backoff: []string{}}
		for _, d := range backoff {
			p.Backoff = append(p.Backoff, d.String())
		}
		o.policy = p
	}
}

// AwaitTimeout is how long AwaitPayment and AwaitCallbacks wait (default
// 10 s, at most 60 s).
func AwaitTimeout(d time.Duration) Option { return func(o *options) { o.await = d } }

// At uses the mockpay serving at baseURL (e.g. "http://127.0.0.1:8470")
// instead of starting one; the merchant is still made fresh and deleted
// when the test ends.
func At(baseURL string) Option {
	return func(o *options) { o.at = strings.TrimRight(baseURL, "/") }
}

// LiqPayKeys are the LiqPay merchant's credentials.
type LiqPayKeys struct{ PublicKey, PrivateKey string }

// LiquidoKeys are the Liquido merchant's credentials.
type LiquidoKeys struct{ ClientID, ClientSecret, APIKey string }

// Server is a running mockpay and the merchant made for one test.
type Server struct {
	t       TB
	base    string
	http    *http.Client
	token   string // the merchant-scoped control-plane token
	liqpay  *LiqPayKeys
	liquido *LiquidoKeys
	await   time.Duration

	mu           sync.Mutex
	liquidoToken string
}

// Start runs mockpay for the test (or joins the one At names), makes a fresh
// merchant, and stops and removes both when the test ends.
func Start(t TB, opts ...Option) *Server {
	t.Helper()
	o := options{providers: []string{ProviderLiqPay, ProviderLiquido}, await: 10 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{t: t, base: o.at, await: min(o.await, 60*time.Second),
		http: &http.Client{Timeout: o.await + 30*time.Second}}
	if s.base == "" {
		s.base = startLocal(t, o)
	}
	s.makeMerchant(o)
	return s
}

// startLocal runs mockpay in this process on a free loopback port and
// returns its base URL; the test's cleanup shuts it down.
func startLocal(t TB, o options) string {
	t.Helper()
	cfg := config.Default()
	cfg.Seed = o.seed
	if cfg.Seed == 0 {
		cfg.Seed = time.Now().UnixNano() & (1<<62 - 1)
	}
	cfg.AdminToken = o.adminToken
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := server.New(cfg, log, nil)
	if err != nil {
		t.Fatalf("mockpaytest: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mockpaytest: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Logf("mockpaytest: stopping mockpay: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Logf("mockpaytest: mockpay did not stop within 15 s")
		}
		if t.Failed() {
			t.Logf("mockpaytest: mockpay ran with seed %d (mockpaytest.Seed(%d) repeats it); its log:\n%s", cfg.Seed, cfg.Seed, logs.tail(16<<10))
		}
	})
	return "http://" + ln.Addr().String()
}

// makeMerchant creates the test's merchant with POST /_mockpay/merchants
// and deletes it (with all its state) when the test ends.
func (s *Server) makeMerchant(o options) {
	s.t.Helper()
	spec := map[string]any{}
	for _, p := range o.providers {
		switch p {
		case ProviderLiqPay:
			spec["liqpay"] = map[string]any{"server_url": o.callback}
		case ProviderLiquido:
			spec["liquido"] = map[string]any{"callback_url": o.callback}
		default:
			s.t.Fatalf("mockpaytest: unknown provider %q (want %q or %q)", p, ProviderLiqPay, ProviderLiquido)
		}
	}
	if len(spec) == 0 {
		s.t.Fatalf("mockpaytest: ProviderOnly named no provider")
	}
	if o.scenarios != "" {
		spec["scenarios"] = o.scenarios
	}
	if o.policy != nil {
		spec["callbacks"] = o.policy
	}
	var created struct {
		Token  string `json:"token"`
		LiqPay *struct {
			PublicKey  string `json:"public_key"`
			PrivateKey string `json:"private_key"`
		} `json:"liqpay"`
		Liquido *struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
			APIKey       string `json:"api_key"`
		} `json:"liquido"`
	}
	code, body := s.send(http.MethodPost, "/_mockpay/merchants", o.adminToken, "application/json", s.jsonBody(spec))
	if code != http.StatusCreated {
		s.t.Fatalf("mockpaytest: making a merchant: HTTP %d %s", code, body)
	}
	if err := json.Unmarshal(body, &created); err != nil {
		s.t.Fatalf("mockpaytest: making a merchant: %v in %s", err, body)
	}
	s.token = created.Token
	if m := created.LiqPay; m != nil {
		s.liqpay = &LiqPayKeys{PublicKey: m.PublicKey, PrivateKey: m.PrivateKey}
	}
	if m := created.Liquido; m != nil {
		s.liquido = &LiquidoKeys{ClientID: m.ClientID, ClientSecret: m.ClientSecret, APIKey: m.APIKey}
	}
	s.t.Cleanup(func() {
		// One key removes the merchant of every provider that has it; the
		// two keys differ, so each is deleted.
		for _, key := range s.keys() {
			code, body := s.send(http.MethodDelete, "/_mockpay/merchants/"+key+"?merchant="+key, s.token, "", nil)
			if code != http.StatusNoContent && code != 0 {
				s.t.Logf("mockpaytest: deleting merchant %s: HTTP %d %s", key, code, body)
			}
		}
	})
}

// URL is mockpay's base URL, e.g. http://127.0.0.1:41234: LiqPay requests
// go to URL()+"/api/request", Liquido's to URL()+"/v1/…" and
// URL()+"/oauth2/token".
func (s *Server) URL() string { return s.base }

// Token is the merchant's control-plane token, for calls of your own to
// /_mockpay/… (Authorization: Bearer …, with ?merchant=KEY).
func (s *Server) Token() string { return s.token }

// LiqPayKeys are the test's LiqPay merchant's keys.
func (s *Server) LiqPayKeys() LiqPayKeys {
	s.t.Helper()
	return *s.liqpayMerchant()
}

// LiquidoKeys are the test's Liquido merchant's credentials.
func (s *Server) LiquidoKeys() LiquidoKeys {
	s.t.Helper()
	return *s.liquidoMerchant()
}

func (s *Server) liqpayMerchant() *LiqPayKeys {
	s.t.Helper()
	if s.liqpay == nil {
		s.t.Fatalf("mockpaytest: this server has no LiqPay merchant (see ProviderOnly)")
	}
	return s.liqpay
}

func (s *Server) liquidoMerchant() *LiquidoKeys {
	s.t.Helper()
	if s.liquido == nil {
		s.t.Fatalf("mockpaytest: this server has no Liquido merchant (see ProviderOnly)")
	}
	return s.liquido
}

// keys are the merchant keys made, LiqPay's first.
func (s *Server) keys() []string {
	var out []string
	if s.liqpay != nil {
		out = append(out, s.liqpay.PublicKey)
	}
	if s.liquido != nil {
		out = append(out, s.liquido.ClientID)
	}
	return out
}

// merchantOf is the key of provider's merchant.
func (s *Server) merchantOf(provider string) string {
	s.t.Helper()
	switch provider {
	case ProviderLiqPay:
		return s.liqpayMerchant().PublicKey
	case ProviderLiquido:
		return s.liquidoMerchant().ClientID
	}
	s.t.Fatalf("mockpaytest: unknown provider %q (want %q or %q)", provider, ProviderLiqPay, ProviderLiquido)
	return ""
}

// send makes one request and returns the status and body; a transport
// failure fails the test (status 0 only during cleanup, when the server
// may be gone).
func (s *Server) send(method, path, token, contentType string, body []byte) (int, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatalf("mockpaytest: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		if method == http.MethodDelete {
			return 0, nil
		}
		s.t.Fatalf("mockpaytest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		s.t.Fatalf("mockpaytest: %s %s: reading the answer: %v", method, path, err)
	}
	return resp.StatusCode, out
}

func (s *Server) jsonBody(v any) []byte {
	s.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		s.t.Fatalf("mockpaytest: %v", err)
	}
	return b
}

// syncBuffer collects the in-process server's log for a failing test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Bounded: a long test keeps the last few megabytes, not everything.
	if b.buf.Len() > 4<<20 {
		rest := append([]byte(nil), b.buf.Bytes()[b.buf.Len()-(1<<20):]...)
		b.buf.Reset()
		b.buf.Write(rest)
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	return s[max(0, len(s)-n):]
}

package liquido_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/emulator/liquido"
	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/liquidotest"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

// t0 is the wall clock of every test: it never moves, so virtual time
// changes only when a test advances a merchant's clock.
var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// The times t0 is written as in answers (GMT-08:00) and Spring errors (UTC).
const (
	t0Liquido = "2024-03-01 04:00:00 GMT-08:00"
	t0Spring  = "2024-03-01T12:00:00.000+00:00"
)

// merchant is one set of credentials the tests use.
type merchant struct {
	id, secret, apiKey string
}

var (
	merchantA = merchant{config.DefaultLiquidoClientID, config.DefaultLiquidoClientSecret, config.DefaultLiquidoAPIKey}
	merchantB = merchant{"merchant-b", "secret-of-b", "api-key-of-b"}
)

// env is one emulator behind an HTTP server, with a real tenant registry,
// scenario engine (Liquido's defaults), callback dispatcher, and a receiver
// standing in for the merchants' callback endpoints (/a and /b).
type env struct {
	t      *testing.T
	srv    *httptest.Server
	reg    *tenant.Registry
	cb     *callback.Dispatcher
	engine *scenarios.Engine
	lq     *liquido.Server
	recv   *receiver
	// recvURL is the receiver's base URL; merchants A and B get callbacks
	// at /a and /b under it.
	recvURL string

	mu     sync.Mutex
	tokens map[string]string
	expiry map[string]time.Time
}

type envOption func(*liquido.Options)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, recv: &receiver{}, tokens: map[string]string{}, expiry: map[string]time.Time{}}
	recvSrv := httptest.NewServer(e.recv)
	t.Cleanup(recvSrv.Close)
	e.recvURL = recvSrv.URL
	e.reg = tenant.NewRegistry(42, func() time.Time { return t0 })
	t.Cleanup(e.reg.Close)
	log := slog.New(slog.DiscardHandler)
	e.engine = scenarios.NewEngine(log, []scenarios.Vocabulary{liquido.Vocabulary()})
	if err := e.engine.AddDefaults("default:liquido", liquido.TestCardScenarios()); err != nil {
		t.Fatal(err)
	}
	e.cb = callback.New(callback.Options{Policy: callback.Policy{Timeout: 5 * time.Second, Backoff: []time.Duration{}}})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		e.cb.Close(ctx)
	})
	o := liquido.Options{
		Merchants: []config.LiquidoMerchant{
			{ClientID: merchantA.id, ClientSecret: merchantA.secret, APIKey: merchantA.apiKey, CallbackURL: recvSrv.URL + "/a"},
			{ClientID: merchantB.id, ClientSecret: merchantB.secret, APIKey: merchantB.apiKey, CallbackURL: recvSrv.URL + "/b"},
		},
		Tenants:   e.reg,
		Logger:    log,
		Callbacks: e.cb,
		Scenarios: e.engine,
	}
	for _, f := range opts {
		f(&o)
	}
	e.lq = liquido.New(o)
	r := mux.NewRouter()
	e.lq.Routes(r)
	r.NotFoundHandler = http.HandlerFunc(e.lq.NotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(e.lq.NotFound)
	e.srv = httptest.NewServer(r)
	t.Cleanup(e.srv.Close)
	return e
}

// scenario installs a runtime scenario set (YAML) for every merchant.
func (e *env) scenario(yaml string) {
	e.t.Helper()
	set, err := scenarios.Parse("test.yaml", []byte(yaml), []scenarios.Vocabulary{liquido.Vocabulary()})
	if err != nil {
		e.t.Fatalf("scenario: %v", err)
	}
	e.engine.Put(set)
}

func (e *env) tenant(m merchant) *tenant.Tenant {
	t, ok := e.reg.Get("liquido", m.id)
	if !ok {
		e.t.Fatalf("no tenant for %s", m.id)
	}
	return t
}

// token gets (and caches) an access token for m.
func (e *env) token(m merchant) string {
	e.t.Helper()
	// Like the SDK, get a new token when the cached one has expired on the
	// merchant's clock.
	now := e.tenant(m).Clock.Now()
	e.mu.Lock()
	tok, ok := e.tokens[m.id]
	fresh := now.Before(e.expiry[m.id])
	e.mu.Unlock()
	if ok && fresh {
		return tok
	}
	code, body := e.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {m.id}, "client_secret": {m.secret}}, nil)
	if code != http.StatusOK {
		e.t.Fatalf("token for %s: %d %s", m.id, code, body)
	}
	var resp struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &resp); err != nil || resp.AccessToken == "" {
		e.t.Fatalf("token answer %s: %v", body, err)
	}
	e.mu.Lock()
	e.tokens[m.id] = resp.AccessToken
	e.expiry[m.id] = now.Add(time.Hour)
	e.mu.Unlock()
	return resp.AccessToken
}

func (e *env) tokenRequest(form url.Values, header http.Header) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return e.do(req)
}

// call sends an authenticated API request as m; body is JSON-encoded unless
// it is a string or []byte.
func (e *env) call(m merchant, method, path string, body any) (int, []byte) {
	e.t.Helper()
	return e.callWith(method, path, body, http.Header{
		"Authorization": {"Bearer " + e.token(m)},
		"X-Api-Key":     {m.apiKey},
	})
}

func (e *env) callWith(method, path string, body any, header http.Header) (int, []byte) {
	e.t.Helper()
	req, err := liquidotest.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return e.do(req)
}

func (e *env) do(req *http.Request) (int, []byte) {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// post sends an API call and wants 200; it returns the decoded answer.
func (e *env) post(m merchant, path string, body any) map[string]any {
	e.t.Helper()
	code, b := e.call(m, http.MethodPost, path, body)
	if code != http.StatusOK {
		e.t.Fatalf("POST %s: HTTP %d: %s", path, code, b)
	}
	return decode(e.t, b)
}

func (e *env) get(m merchant, path string) map[string]any {
	e.t.Helper()
	code, b := e.call(m, http.MethodGet, path, nil)
	if code != http.StatusOK {
		e.t.Fatalf("GET %s: HTTP %d: %s", path, code, b)
	}
	return decode(e.t, b)
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("answer is not a JSON object: %v: %s", err, b)
	}
	return m
}

// advance moves m's clock by d the way the control API does: to each due
// timer in turn, letting the callbacks it starts finish before the next.
func (e *env) advance(m merchant, d time.Duration) {
	e.t.Helper()
	c := e.tenant(m).Clock
	target := c.Now().Add(d)
	e.settle(m)
	for range 10000 {
		next, ok := c.NextDue()
		if !ok || next.After(target) {
			break
		}
		c.Advance(max(0, next.Sub(c.Now())))
		e.settle(m)
	}
	c.Advance(max(0, target.Sub(c.Now())))
	e.settle(m)
}

// settle runs what is due now (callbacks without a delay) and waits for the
// attempts to finish.
func (e *env) settle(m merchant) {
	e.t.Helper()
	t := e.tenant(m)
	for range 5 {
		t.Clock.Advance(0)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := e.cb.Settle(ctx, t.ID)
		cancel()
		if err != nil {
			e.t.Fatalf("settle: %v", err)
		}
		if next, ok := t.Clock.NextDue(); !ok || next.After(t.Clock.Now()) {
			return
		}
	}
}

// receiver records the callbacks it is sent.
type receiver struct {
	mu   sync.Mutex
	reqs []received
	// status answers each callback (200 when zero).
	status int
}

type received struct {
	Path   string
	Header http.Header
	Body   []byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, received{Path: r.URL.Path, Header: r.Header.Clone(), Body: b})
	status := rc.status
	rc.mu.Unlock()
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
}

// got returns the callbacks received on path ("/a" or "/b").
func (rc *receiver) got(path string) []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []received
	for _, r := range rc.reqs {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// event is a decoded callback body.
type event = liquidotest.Event

func (r received) event(t *testing.T) event {
	t.Helper()
	var ev event
	if err := json.Unmarshal(r.Body, &ev); err != nil {
		t.Fatalf("callback body: %v: %s", err, r.Body)
	}
	return ev
}

// events lists "EVENT key status" of the callbacks on path, in arrival order.
func (e *env) events(path string) []string {
	var out []string
	for _, r := range e.recv.got(path) {
		ev := r.event(e.t)
		out = append(out, ev.EventType+" "+str(ev.Data.ChargeDetails["idempotencyKey"])+" "+str(ev.Data.ChargeDetails["transferStatus"]))
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// at reads a dotted path of a decoded answer.
func at(m map[string]any, path string) any { return liquidotest.At(m, path) }

func with(body map[string]any, kv ...any) map[string]any { return liquidotest.With(body, kv...) }

// noRedirect sends page requests without following the redirect back to the merchant.
var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// page requests a hosted page URL (absolute) and returns status, Location and body.
func (e *env) page(method, u string, form url.Values) (int, string, string) {
	e.t.Helper()
	var req *http.Request
	if method == http.MethodPost {
		req, _ = http.NewRequest(method, u, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, _ = http.NewRequest(method, u, nil)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func callbackFilter(tenant string) callback.Filter { return callback.Filter{Tenant: tenant} }

// The valid request bodies come from internal/liquidotest, shared with the
// end-to-end suite.
var (
	payer       = liquidotest.Payer
	cardCharge  = liquidotest.CardCharge
	localCharge = liquidotest.LocalCharge
)

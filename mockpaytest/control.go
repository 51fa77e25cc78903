package mockpaytest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// control sends a request to the control plane as the test's merchant.
func (s *Server) control(method, path string, q url.Values, body any) (int, []byte) {
	s.t.Helper()
	var raw []byte
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		raw, ct = []byte(b), "application/yaml"
	default:
		raw, ct = s.jsonBody(b), "application/json"
	}
	return s.send(method, path+"?"+q.Encode(), s.token, ct, raw)
}

// AwaitPayment waits until the merchant's payment ref (LiqPay's order_id,
// Liquido's idempotencyKey) exists and, with statuses, has one
// of them, and returns it as GET /_mockpay/payments shows it. Waiting is a
// long-poll on the server, not a sleep. A timeout fails the test with what
// was seen.
func (s *Server) AwaitPayment(provider, ref string, statuses ...string) map[string]any {
	s.t.Helper()
	q := url.Values{"merchant": {s.merchantOf(provider)}, "provider": {provider}, "timeout": {s.await.String()}}
	q.Set("order_id", ref) // LiqPay's order_id or Liquido's idempotencyKey
	if len(statuses) > 0 {
		q.Set("status", strings.Join(statuses, ","))
	}
	var out struct {
		Payment map[string]any `json:"payment"`
	}
	s.awaitJSON("/_mockpay/await/payment", q, &out)
	return out.Payment
}

// AwaitCallbacks waits until count callbacks about the payment ref (LiqPay's
// order_id, Liquido's idempotencyKey) have been delivered, and returns them
// as the callback log shows them (url, body, attempts, …).
func (s *Server) AwaitCallbacks(provider, ref string, count int) []map[string]any {
	s.t.Helper()
	q := url.Values{"merchant": {s.merchantOf(provider)}, "provider": {provider}, "timeout": {s.await.String()},
		"count": {strconv.Itoa(count)}}
	if provider == ProviderLiquido {
		q.Set("idempotency_key", ref)
	} else {
		q.Set("order_id", ref)
	}
	var out struct {
		Callbacks []map[string]any `json:"callbacks"`
	}
	s.awaitJSON("/_mockpay/await/callbacks", q, &out)
	return out.Callbacks
}

func (s *Server) awaitJSON(path string, q url.Values, out any) {
	s.t.Helper()
	code, body := s.control(http.MethodGet, path, q, nil)
	if code != http.StatusOK {
		s.t.Fatalf("mockpaytest: %s?%s: HTTP %d %s", path, q.Encode(), code, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		s.t.Fatalf("mockpaytest: %s: %v in %s", path, err, body)
	}
}

// Advance moves the virtual clocks of the test's merchants forward by d,
// running everything that falls due (expiries, settlements, callback
// retries) in order, and returns once the callbacks that started have
// finished (see the README's Clock section).
func (s *Server) Advance(d time.Duration) {
	s.t.Helper()
	for _, key := range s.keys() {
		s.clock("/_mockpay/clock/advance", key, map[string]any{"duration": d.String(), "merchant": key})
	}
}

// SetClock moves the test's merchants' clocks forward to at; a clock
// already past it fails the test (clocks never go back).
func (s *Server) SetClock(at time.Time) {
	s.t.Helper()
	for _, key := range s.keys() {
		s.clock("/_mockpay/clock/set", key, map[string]any{"time": at.UTC().Format(time.RFC3339Nano), "merchant": key})
	}
}

// Now is the virtual time of the provider's merchant.
func (s *Server) Now(provider string) time.Time {
	s.t.Helper()
	code, body := s.control(http.MethodGet, "/_mockpay/clock", url.Values{"merchant": {s.merchantOf(provider)}, "provider": {provider}}, nil)
	var out struct {
		Clocks []struct {
			Now time.Time `json:"now"`
		} `json:"clocks"`
	}
	if err := json.Unmarshal(body, &out); code != http.StatusOK || err != nil || len(out.Clocks) != 1 {
		s.t.Fatalf("mockpaytest: clock: HTTP %d %s", code, body)
	}
	return out.Clocks[0].Now
}

func (s *Server) clock(path, key string, body map[string]any) {
	s.t.Helper()
	code, out := s.control(http.MethodPost, path, url.Values{"merchant": {key}}, body)
	if code != http.StatusOK {
		s.t.Fatalf("mockpaytest: %s for %s: HTTP %d %s", path, key, code, out)
	}
}

// LoadScenarios installs a scenario file (YAML) as the runtime set name for
// the test's merchant of the file's provider (both merchants when the file
// names none), replacing a set of that name. Problems fail the test with
// their line and column.
func (s *Server) LoadScenarios(name, yamlText string) {
	s.t.Helper()
	var head struct {
		Provider string `yaml:"provider"`
	}
	_ = yaml.Unmarshal([]byte(yamlText), &head) // a broken file is reported by the server
	keys := s.keys()
	switch head.Provider {
	case ProviderLiqPay, ProviderLiquido:
		keys = []string{s.merchantOf(head.Provider)}
	}
	for _, key := range keys {
		code, body := s.control(http.MethodPut, "/_mockpay/scenarios/"+url.PathEscape(name), url.Values{"merchant": {key}}, yamlText)
		if code/100 != 2 {
			s.t.Fatalf("mockpaytest: scenarios %s: HTTP %d %s", name, code, body)
		}
	}
}

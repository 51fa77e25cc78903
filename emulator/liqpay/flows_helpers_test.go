package liqpay

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

// recorder is a Dispatcher that keeps the callbacks instead of sending them.
type recorder struct {
	mu   sync.Mutex
	sent []map[string]any
}

func (r *recorder) Enqueue(_ callback.Scheduler, req callback.Request) string {
	form, _ := url.ParseQuery(string(req.Body))
	raw, _ := base64.StdEncoding.DecodeString(form.Get("data"))
	var p map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	_ = dec.Decode(&p)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, p)
	return ""
}

func (r *recorder) Settle(context.Context, string) error { return nil }

// callbacks returns "action status" of every callback so far.
func (r *recorder) callbacks() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, p := range r.sent {
		out = append(out, p["action"].(string)+" "+p["status"].(string))
	}
	return out
}

// testbed is one LiqPay emulator in-process with the default merchant, its
// test cards and user scenarios, at a fixed wall time.
type testbed struct {
	t   *testing.T
	s   *Server
	rec *recorder
	eng *scenarios.Engine
}

var testStart = time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC)

func newTestbed(t *testing.T, userScenarios string) *testbed {
	t.Helper()
	eng := scenarios.NewEngine(slog.New(slog.DiscardHandler), []scenarios.Vocabulary{Vocabulary()})
	if err := eng.AddDefaults("default:liqpay", TestCardScenarios()); err != nil {
		t.Fatal(err)
	}
	if userScenarios != "" {
		set, err := scenarios.Parse("test.yaml", []byte(userScenarios), eng.Vocabulary())
		if err != nil {
			t.Fatal(err)
		}
		eng.Put(set)
	}
	reg := tenant.NewRegistry(1, func() time.Time { return testStart })
	t.Cleanup(reg.Close)
	rec := &recorder{}
	s := New(Options{
		Merchants: []config.LiqPayMerchant{{PublicKey: config.DefaultLiqPayPublicKey, PrivateKey: config.DefaultLiqPayPrivateKey,
			ServerURL: "http://merchant.test/cb"}},
		Tenants:   reg,
		Settings:  config.Default().LiqPay,
		Callbacks: rec,
		Scenarios: eng,
	})
	return &testbed{t: t, s: s, rec: rec, eng: eng}
}

// do signs params with the default keys and returns the decoded answer.
func (b *testbed) do(params map[string]any) map[string]any {
	b.t.Helper()
	params["public_key"] = config.DefaultLiqPayPublicKey
	if _, ok := params["version"]; !ok {
		params["version"] = 3
	}
	raw, _ := json.Marshal(params)
	data := base64.StdEncoding.EncodeToString(raw)
	form := url.Values{"data": {data}, "signature": {Sign(SHA1, config.DefaultLiqPayPrivateKey, data)}}
	req := httptest.NewRequest(http.MethodPost, "/api/request", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	b.s.handleRequest(w, req)
	var out map[string]any
	dec := json.NewDecoder(w.Body)
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		b.t.Fatalf("answer is not JSON: %v", err)
	}
	return out
}

// advance moves the merchant's virtual clock, running what falls due.
func (b *testbed) advanceTo(t time.Time) {
	b.s.shop(config.DefaultLiqPayPublicKey).tenant.Clock.AdvanceTo(t)
}

func payRequest(order, card string, kv ...any) map[string]any {
	p := map[string]any{"action": "pay", "amount": "100", "currency": "UAH", "description": "unit", "order_id": order,
		"card": card, "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1]
	}
	return p
}

// fields keeps the keys of want from got, as strings, for cmp.Diff.
func fields(got map[string]any, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := got[k]; ok {
			switch v := v.(type) {
			case string:
				out[k] = v
			case json.Number:
				out[k] = v.String()
			default:
				b, _ := json.Marshal(v)
				out[k] = string(b)
			}
		}
	}
	return out
}

package server_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/liquidotest"
	"github.com/mockpay/mockpay/scenarios"
	"github.com/mockpay/mockpay/server"
)

// The hot paths' allocations per operation, run by `go test -bench . -benchmem`
// (timings) and checked against testdata/allocs.json by TestAllocationBounds
// (counts, not timings, so the check holds on any machine). A change that
// makes one allocate more than its bound fails CI; raise a bound only on
// purpose, in the same commit as the change, saying why.

// hotPath is one measured operation; setup returns the op to repeat.
type hotPath struct {
	name  string
	setup func(tb testing.TB) func()
}

var hotPaths = []hotPath{
	{"liqpay codec: decode and verify", liqpayCodec},
	{"scenario matching, 1000 scenarios", scenarioMatching},
	{"liqpay pay, whole pipeline", liqpayPipeline},
	{"liqpay status, whole pipeline", liqpayStatusPipeline},
	{"liquido card charge, whole pipeline", liquidoPipeline},
}

func liqpayForm(params map[string]any) (form, data, sig string) {
	raw, _ := json.Marshal(params)
	data = base64.StdEncoding.EncodeToString(raw)
	sig = liqpay.Sign(liqpay.SHA1, config.DefaultLiqPayPrivateKey, data)
	return url.Values{"data": {data}, "signature": {sig}}.Encode(), data, sig
}

func payParams(order string) map[string]any {
	return map[string]any{"public_key": config.DefaultLiqPayPublicKey, "version": 3, "action": "pay",
		"amount": "1", "currency": "UAH", "description": "bench", "order_id": order,
		"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"}
}

func liqpayCodec(tb testing.TB) func() {
	form, _, _ := liqpayForm(payParams("o-1"))
	body := []byte(form)
	return func() {
		env := liqpay.DecodeEnvelope(body, nil)
		if _, err := liqpay.DecodeData(env.Data); err != nil {
			tb.Fatal(err)
		}
		if !liqpay.VerifySignature(liqpay.SHA1, config.DefaultLiqPayPrivateKey, env.Data, env.Signature) {
			tb.Fatal("signature did not verify")
		}
	}
}

func scenarioMatching(tb testing.TB) func() {
	var y strings.Builder
	y.WriteString("version: 1\nprovider: liqpay\nscenarios:\n")
	for i := range 1000 {
		fmt.Fprintf(&y, "  - name: s%d\n    match:\n      order_id: order-%d\n      amount: {min: %d}\n    outcome:\n      status: failure\n", i, i, i)
	}
	e := scenarios.NewEngine(quiet, server.Vocabulary())
	set, err := scenarios.Parse("bench.yaml", []byte(y.String()), server.Vocabulary())
	if err != nil {
		tb.Fatal(err)
	}
	e.Put(set)
	amount := 1.0
	// Matches none of them: every scenario is looked at.
	req := scenarios.Request{Provider: "liqpay", Merchant: config.DefaultLiqPayPublicKey, Action: "pay", Method: "card",
		Card: "4242424242424242", Currency: "UAH", OrderID: "nobody", Amount: &amount}
	return func() {
		if sc := e.Decide("liqpay:"+config.DefaultLiqPayPublicKey, req); sc != nil {
			tb.Fatalf("matched %s", sc.Name)
		}
	}
}

func newHandler(tb testing.TB) http.Handler {
	cfg := config.Default()
	cfg.Seed = 1
	srv, err := server.New(cfg, quiet, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return srv.Handler()
}

func serve(tb testing.TB, h http.Handler, req *http.Request, want string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), want) {
		tb.Fatalf("%s %s: HTTP %d %.300s (wanted %s)", req.Method, req.URL.Path, rec.Code, rec.Body, want)
	}
}

func formRequest(form string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/api/request", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func liqpayPipeline(tb testing.TB) func() {
	h := newHandler(tb)
	forms := make([]string, 0, 4096)
	i := 0
	return func() {
		// Bodies are made outside the measured handler where possible;
		// a new order each time, as a test suite pays.
		if len(forms) == 0 {
			for j := range cap(forms) {
				f, _, _ := liqpayForm(payParams(fmt.Sprintf("o-%d-%d", i, j)))
				forms = append(forms, f)
			}
			i++
		}
		f := forms[len(forms)-1]
		forms = forms[:len(forms)-1]
		serve(tb, h, formRequest(f), `"status":"success"`)
	}
}

func liqpayStatusPipeline(tb testing.TB) func() {
	h := newHandler(tb)
	pay, _, _ := liqpayForm(payParams("o-status"))
	serve(tb, h, formRequest(pay), `"status":"success"`)
	status, _, _ := liqpayForm(map[string]any{"public_key": config.DefaultLiqPayPublicKey, "version": 3, "action": "status", "order_id": "o-status"})
	return func() { serve(tb, h, formRequest(status), `"status":"success"`) }
}

func liquidoPipeline(tb testing.TB) func() {
	h := newHandler(tb)
	rec := httptest.NewRecorder()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {config.DefaultLiquidoClientID},
		"client_secret": {config.DefaultLiquidoClientSecret}}
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/oauth2/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, r)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		tb.Fatalf("no token: %v %s", err, rec.Body)
	}
	i := 0
	return func() {
		i++
		raw, _ := json.Marshal(liquidotest.CardCharge(fmt.Sprintf("k-%d", i), "BR", "4242424242424242"))
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/v1/payments/charges/card", strings.NewReader(string(raw)))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		r.Header.Set("X-Api-Key", config.DefaultLiquidoAPIKey)
		serve(tb, h, r, `"transferStatus"`)
	}
}

// BenchmarkHotPaths: go test -run '^$' -bench HotPaths -benchmem ./server/
func BenchmarkHotPaths(b *testing.B) {
	for _, hp := range hotPaths {
		b.Run(hp.name, func(b *testing.B) {
			op := hp.setup(b)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				op()
			}
		})
	}
}

// TestAllocationBounds fails when a hot path allocates more per operation
// than testdata/allocs.json allows.
func TestAllocationBounds(t *testing.T) {
	raw, err := os.ReadFile("testdata/allocs.json")
	if err != nil {
		t.Fatal(err)
	}
	var bounds map[string]float64
	if err := json.Unmarshal(raw, &bounds); err != nil {
		t.Fatal(err)
	}
	for _, hp := range hotPaths {
		t.Run(hp.name, func(t *testing.T) {
			bound, ok := bounds[hp.name]
			if !ok {
				t.Fatalf("no bound for %q in testdata/allocs.json", hp.name)
			}
			bound *= allocSlack
			op := hp.setup(t)
			op() // first-use allocations (maps, tenants) are not per operation
			got := testing.AllocsPerRun(200, op)
			t.Logf("%.0f allocations per operation (bound %.0f)", got, bound)
			if got > bound {
				t.Errorf("%.0f allocations per operation, more than the bound of %.0f in testdata/allocs.json", got, bound)
			}
		})
	}
}

package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/config"
)

// FuzzControlPlaneBodies throws arbitrary JSON (and YAML) bodies at the
// control plane's decoders through the whole handler: merchant create,
// clock advance and set, a payment trigger, a scenario upload, a reset.
// Every answer is a success or a 4xx {"error": "…"}; a 500 (what the recover
// middleware makes of a panic) fails.
func FuzzControlPlaneBodies(f *testing.F) {
	// Endpoint numbers index endpoints below.
	seeds := []struct {
		endpoint uint8
		body     string
	}{
		{0, `{"liqpay":{"server_url":"http://127.0.0.1:9000/liqpay"},"liquido":{}}`},
		{0, `{"liquido":{"callback_url":"javascript:x"},"callbacks":{"timeout":"2s","backoff":["1s","-1h"]},"scenarios":"version: 1\nprovider: liqpay\nscenarios: []\n"}`},
		{0, `{"liqpay":{"server_url":"` + strings.Repeat("k", 3000) + `"}}`},
		{1, `{"duration":"1h","merchant":"sandbox_i00000000"}`},
		{1, `{"duration":"9223372036854775807ns"}`},
		{1, `{"duration":1e309}`},
		{2, `{"time":"2030-01-01T00:00:00Z","merchant":"sandbox-client-id"}`},
		{2, `{"time":"0001-01-01T00:00:00Z"}`},
		{3, `{"event":"next_charge","merchant":"sandbox_i00000000"}`},
		{3, `{"event":"chargeback","merchant":"sandbox-client-id","amount":-1}`},
		{4, "version: 1\nprovider: liqpay\nscenarios:\n  - name: x\n    match: {order_id: {regex: \"(\"}}\n"},
		{4, "version: 1\nprovider: liquido\nscenarios:\n  - name: y\n    outcome: {status: FAILED}\n"},
		{5, `{"merchant":["a"]}`}, {5, `[]`}, {1, `null`},
	}
	for _, s := range seeds {
		f.Add(s.endpoint, []byte(s.body))
	}
	// The wall clock stands still, so an input that moves the clocks
	// (clock/set to a date, clock/advance) is answered the same on any day
	// it is re-run, and no timer fires in the background between inputs.
	wall := func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	s, err := New(config.Default(), slog.New(slog.DiscardHandler), wall)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.Close(ctx)
	})
	h := s.Handler()
	endpoints := []struct{ method, path, contentType string }{
		{http.MethodPost, "/_mockpay/merchants", "application/json"},
		{http.MethodPost, "/_mockpay/clock/advance", "application/json"},
		{http.MethodPost, "/_mockpay/clock/set", "application/json"},
		{http.MethodPost, "/_mockpay/payments/fuzz-order/trigger", "application/json"},
		{http.MethodPut, "/_mockpay/scenarios/fuzz", "application/yaml"},
		{http.MethodPost, "/_mockpay/reset", "application/json"},
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		ep := endpoints[int(which)%len(endpoints)]
		req := httptest.NewRequest(ep.method, "http://127.0.0.1"+ep.path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", ep.contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if testing.Verbose() {
			t.Logf("%s %s: HTTP %d %.200s", ep.method, ep.path, rec.Code, rec.Body)
		}
		if rec.Code == http.StatusForbidden {
			t.Fatalf("the guard refused the fuzz request itself: %s", rec.Body)
		}
		if rec.Code < 400 {
			return
		}
		var e struct {
			Error string `json:"error"`
		}
		if rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error == "" {
			t.Fatalf("%s %s %q: HTTP %d %s", ep.method, ep.path, body, rec.Code, rec.Body)
		}
	})
}

package control

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/journal"
	"github.com/mockpay/mockpay/internal/ledger"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

type fixedSets []scenarios.SetExpectations

func (f fixedSets) Expectations() []scenarios.SetExpectations { return f }

// fakeLog is a callback log of fixed callbacks; List filters by tenant and labels.
type fakeLog []callback.Callback

func (l fakeLog) List(f callback.Filter) []callback.Callback {
	var out []callback.Callback
next:
	for _, cb := range l {
		if f.Tenant != "" && cb.Tenant != f.Tenant {
			continue
		}
		for k, v := range f.Labels {
			if cb.Labels[k] != v {
				continue next
			}
		}
		out = append(out, cb)
	}
	return out
}
func (l fakeLog) Get(string) (callback.Callback, bool) { return callback.Callback{}, false }
func (l fakeLog) Redeliver(string) (callback.Callback, error) {
	return callback.Callback{}, callback.ErrNotFound
}
func (l fakeLog) Wait(context.Context, string) error { return nil }

func TestExpectationsScopeAndJudgement(t *testing.T) {
	t.Parallel()
	ts := tenant.NewRegistry(1, nil)
	t.Cleanup(ts.Close)
	for _, k := range []string{"a", "b", "idle"} {
		ts.Add("liqpay", k)
	}
	ts.Add("liquido", "q")
	led, jr := ledger.New(), journal.New(10)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	led.Publish(ledger.Record{Provider: "liqpay", Merchant: "a", Tenant: "liqpay:a", ID: "1", OrderID: "o-1", Status: "success", Created: now, Updated: now})
	led.Publish(ledger.Record{Provider: "liqpay", Merchant: "b", Tenant: "liqpay:b", ID: "2", OrderID: "o-1", Status: "failure", Created: now, Updated: now})
	led.Publish(ledger.Record{Provider: "liquido", Merchant: "q", Tenant: "liquido:q", ID: "k-1", OrderID: "k-1", Status: "SETTLED", Created: now, Updated: now})
	jr.Add(&journal.Entry{Provider: "liqpay", Tenant: "liqpay:a", RequestData: json.RawMessage(`{"version":3}`)})
	jr.Add(&journal.Entry{Provider: "liqpay", Tenant: "liqpay:b", RequestData: json.RawMessage(`{"version":"7"}`)})
	jr.Add(&journal.Entry{Provider: "liqpay", Tenant: "liqpay:b", ErrorCode: "invalid_signature", Error: true})
	jr.Add(&journal.Entry{Provider: "liqpay", Tenant: "liqpay:b", Path: "/apipay/x"}) // no data: no version to judge
	jr.Add(&journal.Entry{Provider: "liquido", Tenant: "liquido:q", Status: http.StatusUnauthorized})
	cbs := fakeLog{
		{Tenant: "liquido:q", Status: callback.StatusDelivered, Labels: map[string]string{"idempotency_key": "k-1", "event": "CHARGE_SUCCEEDED"}},
		{Tenant: "liquido:q", Status: callback.StatusFailed, Labels: map[string]string{"idempotency_key": "k-1", "event": "CHARGE_SUCCEEDED"}},
	}
	one := 1
	sets := fixedSets{
		{Set: "f.yaml", Source: "file", Expect: []scenarios.Expectation{
			{Line: 1, Provider: "liqpay", Order: "o-1", Ends: "success"},
			{Line: 2, Provider: "liqpay", LiqPayVersion: 3},
			{Line: 3, NoBadSignatures: true},
			{Line: 4, Provider: "liquido", Order: "k-1", CallbacksDelivered: &one, Event: "CHARGE_SUCCEEDED"},
			{Line: 5, Merchant: "b", Provider: "liqpay", Order: "o-1", Ends: "failure"},
			{Line: 6, Provider: "liqpay", Merchant: "nobody-here", NoBadSignatures: true},
		}},
		{Set: "only-a", Source: "runtime", Merchant: "a", Expect: []scenarios.Expectation{{Line: 1, Provider: "liqpay", Order: "o-1", Ends: "success"}}},
	}
	x := Expectations{Sets: sets, Ledger: led, Journal: jr, Log: cbs, Tenants: ts}
	type row struct {
		Set    string
		Line   int
		Tenant string
		Met    bool
		Seen   string
	}
	rows := func(rep ExpectationReport) []row {
		var out []row
		for _, r := range rep.Expectations {
			out = append(out, row{r.Set, r.Line, r.Tenant, r.Met, r.Seen})
		}
		return out
	}
	want := []row{
		{"f.yaml", 1, "liqpay:a", true, "payment 1 is success"},
		{"f.yaml", 1, "liqpay:b", false, "payment 2 is failure"},
		{"f.yaml", 2, "liqpay:a", true, "0 of 1 LiqPay requests used another version"},
		{"f.yaml", 2, "liqpay:b", false, "1 of 1 LiqPay requests used another version: req_000000000002 version 7"},
		{"f.yaml", 3, "liqpay:a", true, "0 of 1 requests with a bad signature or credentials"},
		{"f.yaml", 3, "liqpay:b", false, "1 of 3 requests with a bad signature or credentials: req_000000000003"},
		{"f.yaml", 3, "liquido:q", false, "1 of 1 requests with a bad signature or credentials: req_000000000005"},
		{"f.yaml", 4, "liquido:q", true, "1 delivered (of 2: 0 pending, 1 failed)"},
		{"f.yaml", 5, "liqpay:b", true, "payment 2 is failure"},
		{"f.yaml", 6, "", false, "no merchant it applies to made a request"},
		{"only-a", 1, "liqpay:a", true, "payment 1 is success"},
	}
	if diff := cmp.Diff(want, rows(x.Report(nil, true))); diff != "" {
		t.Errorf("every active merchant (-want +got):\n%s", diff)
	}
	// One merchant, even an idle one: what applies to it is judged.
	idle, _ := ts.Get("liqpay", "idle")
	wantIdle := []row{
		{"f.yaml", 1, "liqpay:idle", false, "no payment for order o-1"},
		{"f.yaml", 2, "liqpay:idle", true, "0 of 0 LiqPay requests used another version"},
		{"f.yaml", 3, "liqpay:idle", true, "0 of 0 requests with a bad signature or credentials"},
	}
	if diff := cmp.Diff(wantIdle, rows(x.Report([]*tenant.Tenant{idle}, false))); diff != "" {
		t.Errorf("the idle merchant (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		query string
		code  int
	}{
		{"?format=xml", http.StatusBadRequest},
		{"?merchant=zzz", http.StatusNotFound},
		{"?merchant=a&format=junit", http.StatusOK},
		{"?merchant=a", http.StatusOK},
	} {
		w := httptest.NewRecorder()
		x.Get(w, httptest.NewRequest(http.MethodGet, "/_mockpay/expectations"+tc.query, nil))
		if w.Code != tc.code {
			t.Errorf("%s: HTTP %d, want %d: %s", tc.query, w.Code, tc.code, w.Body)
		}
	}
}

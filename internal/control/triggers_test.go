package control

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/internal/trigger"
)

// fakeProvider answers Trigger from a script and records what it was asked.
type fakeProvider struct {
	status string
	err    error
	got    []string
}

func (f *fakeProvider) Trigger(merchant, id string, ev trigger.Event) (string, error) {
	f.got = append(f.got, strings.Join([]string{merchant, id, ev.Name, ev.Amount, ev.Code, ev.Reason}, "|"))
	return f.status, f.err
}

func TestTriggerHandler(t *testing.T) {
	for _, tc := range []struct {
		name     string
		query    string
		body     string
		provider fakeProvider
		code     int
		answer   string
		asked    []string
		settled  []string
	}{
		{name: "applied", body: `{"event":"Settle","merchant":"shop","amount":1.5,"code":"42","reason":"r"}`, provider: fakeProvider{status: "success"},
			code: 200, answer: `{"provider":"liqpay","merchant":"shop","id":"p1","event":"settle","status":"success"}`,
			asked: []string{"shop|p1|settle|1.5|42|r"}, settled: []string{"liqpay:shop"}},
		{name: "merchant from the query", query: "?merchant=shop", body: `{"event":"refund"}`, provider: fakeProvider{status: "reversed"},
			code: 200, answer: `{"provider":"liqpay","merchant":"shop","id":"p1","event":"refund","status":"reversed"}`,
			asked: []string{"shop|p1|refund|||"}, settled: []string{"liqpay:shop"}},
		{name: "conflict", body: `{"event":"settle","merchant":"shop"}`, provider: fakeProvider{status: "success", err: trigger.Conflict("success", "no")},
			code: 409, answer: `{"error":"no","status":"success"}`, asked: []string{"shop|p1|settle|||"}},
		{name: "unknown event", body: `{"event":"nope","merchant":"shop"}`, provider: fakeProvider{err: &trigger.UnknownEventError{Provider: "liqpay", Event: "nope", Valid: []string{"b", "a"}}},
			code: 400, answer: `{"error":"liqpay has no trigger event \"nope\"; valid events: b, a","events":["a","b"]}`, asked: []string{"shop|p1|nope|||"}},
		{name: "unknown payment", body: `{"event":"settle","merchant":"shop"}`, provider: fakeProvider{err: trigger.ErrNotFound},
			code: 404, answer: `{"error":"merchant shop has no payment p1"}`, asked: []string{"shop|p1|settle|||"}},
		{name: "bad argument", body: `{"event":"refund","merchant":"shop","amount":"x"}`, code: 400, answer: ""},
		{name: "bad amount from the provider", body: `{"event":"refund","merchant":"shop","amount":"7"}`, provider: fakeProvider{err: &trigger.ArgError{Msg: "too much"}},
			code: 400, answer: `{"error":"too much"}`, asked: []string{"shop|p1|refund|7||"}},
		{name: "unknown merchant", body: `{"event":"settle","merchant":"nobody"}`, code: 404, answer: `{"error":"no such merchant: nobody"}`},
		{name: "merchant of two providers", body: `{"event":"settle","merchant":"both"}`, code: 400,
			answer: `{"error":"merchant both exists for several providers: name the provider"}`},
		{name: "provider named", body: `{"event":"settle","merchant":"both","provider":"liqpay"}`, provider: fakeProvider{status: "success"}, code: 200,
			answer: `{"provider":"liqpay","merchant":"both","id":"p1","event":"settle","status":"success"}`, asked: []string{"both|p1|settle|||"}, settled: []string{"liqpay:both"}},
		{name: "no event", body: `{"merchant":"shop"}`, code: 400, answer: `{"error":"event is required"}`},
		{name: "no merchant", body: `{"event":"settle"}`, code: 400, answer: `{"error":"merchant is required (the LiqPay public_key or the Liquido client_id)"}`},
		{name: "unknown field", body: `{"event":"settle","merchant":"shop","amout":1}`, code: 400},
		{name: "not JSON", body: `event=settle`, code: 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := tenant.NewRegistry(1, func() time.Time { return time.Unix(0, 0) })
			defer reg.Close()
			reg.Add("liqpay", "shop")
			reg.Add("liqpay", "both")
			reg.Add("liquido", "both")
			fake := tc.provider
			var settled []string
			h := Triggers{Tenants: reg, Providers: map[string]Triggerer{"liqpay": &fake},
				Settle: func(_ context.Context, id string) error { settled = append(settled, id); return nil }}
			r := mux.NewRouter()
			r.HandleFunc("/_mockpay/payments/{id}/trigger", h.Trigger)
			w := httptest.NewRecorder()
			r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/_mockpay/payments/p1/trigger"+tc.query, strings.NewReader(tc.body)))
			if w.Code != tc.code {
				t.Fatalf("HTTP %d %s, want %d", w.Code, w.Body, tc.code)
			}
			var got map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got["error"] == "" && w.Code >= 400 {
				t.Fatalf("answer %s is not JSON with an error: %v", w.Body, err)
			}
			if tc.answer != "" {
				var want map[string]any
				_ = json.Unmarshal([]byte(tc.answer), &want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("answer (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(tc.asked, fake.got); diff != "" {
				t.Errorf("provider asked (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.settled, settled); diff != "" {
				t.Errorf("settled (-want +got):\n%s", diff)
			}
		})
	}
}

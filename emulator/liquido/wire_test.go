package liquido_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/emulator/liquido"
	"github.com/mockpay/mockpay/scenarios"
)

func TestTimeFormats(t *testing.T) {
	ts := time.Date(2022, 3, 2, 1, 53, 18, 0, time.UTC)
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"payment time, GMT-08:00 like the seed example", liquido.Time(ts), `"2022-03-01 17:53:18 GMT-08:00"`},
		{"zero payment time is null", liquido.Time{}, `null`},
		{"Pix expiration, UTC", liquido.UTCTime(ts), `"2022-03-02 01:53:18 UTC"`},
		{"PayCash paymentTime, no zone", liquido.LocalTime(ts), `"2022-03-01 17:53:18"`},
		{"a date is the day in its own zone", liquido.Date(ts), `"2022-03-02"`},
		{"PayCash expirationDate", liquido.Date(ts.In(time.FixedZone("", -8*3600))), `"2022-03-01"`},
		{"zero date is null", liquido.Date{}, `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
	// The layout parses back with Go's own time package.
	back, err := time.Parse(liquido.TimeLayout, "2022-03-01 17:53:18 GMT-08:00")
	if err != nil || !back.Equal(ts) {
		t.Fatalf("parsing the layout back: %v %v", back, err)
	}
}

func TestDefaultScenariosLoad(t *testing.T) {
	set, err := scenarios.Parse("defaults.yaml", liquido.TestCardScenarios(), []scenarios.Vocabulary{liquido.Vocabulary()})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range set.Scenarios {
		names = append(names, s.Name)
		if s.Provider != "liquido" {
			t.Errorf("%s: provider %q", s.Name, s.Provider)
		}
	}
	want := []string{"card-rejected", "card-expired", "card-insufficient-funds", "card-async-refund"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestVocabulary(t *testing.T) {
	v := liquido.Vocabulary()
	if v.Provider != "liquido" {
		t.Fatalf("provider %q", v.Provider)
	}
	wantStatuses := []string{"INITIAL_STATUS", "IN_PROGRESS", "AUTHORIZED", "SETTLED", "FAILED", "CANCELLED", "EXPIRED",
		"REFUNDING", "REFUNDED", "CHARGED_BACK", "ACTIVE"}
	wantDefault := []string{"card", "pix", "boleto", "oxxo", "paycash", "bank_transfer", "pse", "nequi",
		"webpay", "pago46", "servifacil", "fintoc", "picpay"}
	wantActions := append(slices.Clone(wantDefault), "capture", "cancel", "refund", "retrieve", "vault",
		"references", "proposals", "virtual_accounts", "plans")
	if diff := cmp.Diff(wantStatuses, v.Statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantDefault, v.DefaultActions); diff != "" {
		t.Errorf("default actions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantActions, v.Actions); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

func TestMerchants(t *testing.T) {
	e := newEnv(t)
	if diff := cmp.Diff([]string{merchantA.id, merchantB.id}, e.lq.Merchants()); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestScenarioFaultsAndDelays(t *testing.T) {
	e := newEnv(t)
	e.scenario(`
version: 1
provider: liquido
scenarios:
  - name: lost-before
    match: {idempotencyKey: before}
    times: 1
    outcome: {fault: {type: http, status: 502}}
  - name: lost-after
    match: {idempotencyKey: after}
    times: 1
    outcome: {fault: {type: http, status: 504, processed: true}}
  - name: slow
    match: {idempotencyKey: slow}
    outcome: {delay: 200ms}
  - name: fields
    match: {idempotencyKey: fields}
    outcome: {fields: {description: "overridden", extraField: 7}}
`)
	// A fault before processing: the API Gateway answer, nothing stored.
	code, body := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", cardCharge("before", "BR", "4242424242424242"))
	if diff := cmp.Diff(`502 {"message":"Internal server error"}`, statusBody(code, body)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/charges/before", nil); code != http.StatusNotFound {
		t.Fatalf("a fault before processing stored the payment (HTTP %d)", code)
	}
	// The retry (times: 1) goes through.
	if got := e.post(merchantA, "/v1/payments/charges/card", cardCharge("before", "BR", "4242424242424242")); at(got, "transferStatus") != "SETTLED" {
		t.Fatalf("retry: %v", got)
	}
	// A processed fault: charged, but the answer was lost; the retry replays it.
	code, body = e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", cardCharge("after", "BR", "4242424242424242"))
	if diff := cmp.Diff(`504 {"message":"Endpoint request timed out"}`, statusBody(code, body)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if got := e.get(merchantA, "/v1/payments/charges/after"); at(got, "transferStatus") != "SETTLED" {
		t.Fatalf("processed fault: %v", got)
	}
	if got := e.post(merchantA, "/v1/payments/charges/card", cardCharge("after", "BR", "4242424242424242")); at(got, "transferStatus") != "SETTLED" {
		t.Fatalf("replay after a processed fault: %v", got)
	}
	// A delay holds the answer back in real time.
	start := time.Now()
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("slow", "BR", "4242424242424242"))
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Fatalf("answered after %v, want ≥ 200ms", d)
	}
	// Field overrides show in answers and callbacks.
	got := e.post(merchantA, "/v1/payments/charges/card", cardCharge("fields", "BR", "4242424242424242"))
	if got["description"] != "overridden" || got["extraField"] != float64(7) {
		t.Fatalf("overrides: %v %v", got["description"], got["extraField"])
	}
	e.settle(merchantA)
	for _, r := range e.recv.got("/a") {
		if ev := r.event(t); ev.Data.ChargeDetails["idempotencyKey"] == "fields" && ev.Data.ChargeDetails["description"] != "overridden" {
			t.Errorf("callback without the override: %v", ev.Data.ChargeDetails)
		}
	}
}

func TestScenarioScriptsALocalMethod(t *testing.T) {
	e := newEnv(t)
	e.scenario(`
version: 1
provider: liquido
scenarios:
  - name: pix-late-fail
    match: {action: pix, amount: {min: 1000}}
    outcome:
      then:
        - {after: 30s, status: FAILED, code: "409", message: "Pix rejected by the bank"}
  - name: oxxo-rejected
    match: {action: oxxo}
    outcome: {status: FAILED, message: "OXXO unavailable"}
`)
	e.post(merchantA, "/v1/payments/charges/pix", localCharge("pix-s", "BR", "PIX_DYNAMIC_QR"))
	e.advance(merchantA, 30*time.Second)
	p := e.get(merchantA, "/v1/payments/charges/pix-s")
	if at(p, "transferStatus") != "FAILED" || at(p, "transferStatusCode") != float64(409) || at(p, "transferErrorMsg") != "Pix rejected by the bank" {
		t.Fatalf("scripted pix: %v %v %v", at(p, "transferStatus"), at(p, "transferStatusCode"), at(p, "transferErrorMsg"))
	}
	// The then: replaced the 180 s finalisation.
	e.advance(merchantA, 10*time.Minute)
	if p := e.get(merchantA, "/v1/payments/charges/pix-s"); at(p, "transferStatus") != "FAILED" {
		t.Fatalf("later: %v", at(p, "transferStatus"))
	}
	got := e.post(merchantA, "/v1/payments/charges/oxxo", localCharge("ox-s", "MX", "OXXO"))
	if at(got, "transferStatus") != "FAILED" || at(got, "transferStatusCode") != float64(400) || at(got, "transferErrorMsg") != "OXXO unavailable" {
		t.Fatalf("scripted oxxo: %v", got)
	}
}

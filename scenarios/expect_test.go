package scenarios_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/scenarios"
)

// expectVocab has the two providers whose words expectations imply.
var expectVocab = []scenarios.Vocabulary{
	{Provider: "liqpay", Statuses: []string{"success", "failure", "processing"}},
	{Provider: "liquido", Statuses: []string{"IN_PROGRESS", "SETTLED", "FAILED"}},
}

func count(n int) *int { return &n }

func TestExpectParses(t *testing.T) {
	t.Parallel()
	file := doc(
		"version: 1",
		"provider: liqpay",
		"scenarios:",
		"  - {name: a, outcome: {status: success}}",
		"expect:",
		"  - {order: o-1, ends: success}",
		"  - {order: o-1, callbacks_delivered: 1, event: pay}",
		"  - {no_bad_signatures: true}",
		"  - {liqpay_version: 3, merchant: m1}",
		"  - {idempotency_key: k-1, ends: SETTLED}",
		"  - {provider: liquido, order: k-2, callbacks_delivered: 0}",
		"  - {liqpay_version: 7}",
	)
	set, err := scenarios.Parse("f.yaml", []byte(file), expectVocab)
	if err != nil {
		t.Fatal(err)
	}
	want := []scenarios.Expectation{
		{Line: 6, Column: 5, Provider: "liqpay", Order: "o-1", Ends: "success"},
		{Line: 7, Column: 5, Provider: "liqpay", Order: "o-1", CallbacksDelivered: count(1), Event: "pay"},
		{Line: 8, Column: 5, Provider: "liqpay", NoBadSignatures: true},
		{Line: 9, Column: 5, Provider: "liqpay", Merchant: "m1", LiqPayVersion: 3},
		{Line: 10, Column: 5, Provider: "liquido", Order: "k-1", Ends: "SETTLED"},
		{Line: 11, Column: 5, Provider: "liquido", Order: "k-2", CallbacksDelivered: count(0)},
		{Line: 12, Column: 5, Provider: "liqpay", LiqPayVersion: 7},
	}
	if diff := cmp.Diff(want, set.Expect); diff != "" {
		t.Errorf("expectations (-want +got):\n%s", diff)
	}
	words := []string{}
	for _, x := range set.Expect {
		words = append(words, x.String())
	}
	wantWords := []string{
		"order o-1 ends success",
		"exactly 1 pay callback delivered for order o-1",
		"no request with a bad signature",
		"every LiqPay request used version 3",
		"order k-1 ends SETTLED",
		"exactly 0 callbacks delivered for order k-2",
		"every LiqPay request used version 7",
	}
	if diff := cmp.Diff(wantWords, words); diff != "" {
		t.Errorf("words (-want +got):\n%s", diff)
	}
}

// A file of expectations alone is valid; its expectations apply to both
// providers unless their words (or an ends status) say otherwise.
func TestExpectAlone(t *testing.T) {
	t.Parallel()
	set, err := scenarios.Parse("f.yaml", []byte(doc("version: 1", "expect:",
		"  - {order: o-1, ends: success}", "  - {order: o-2, ends: SETTLED}", "  - {no_bad_signatures: true}")), expectVocab)
	if err != nil {
		t.Fatal(err)
	}
	want := []scenarios.Expectation{
		{Line: 3, Column: 5, Provider: "liqpay", Order: "o-1", Ends: "success"}, // a status only LiqPay has
		{Line: 4, Column: 5, Provider: "liquido", Order: "o-2", Ends: "SETTLED"},
		{Line: 5, Column: 5, NoBadSignatures: true}, // both
	}
	if diff := cmp.Diff(want, set.Expect); diff != "" {
		t.Error(diff)
	}
}

func TestExpectErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		item string // line 3
		want []string
	}{
		{"unknown key", "  - {order: o-1, ends: success, zzz: 1}",
			[]string{`3:33: expectation: unknown key "zzz" (known: callbacks_delivered, ends, event, idempotency_key, liqpay_version, merchant, no_bad_signatures, order, provider)`}},
		{"nothing", "  - {order: o-1}", []string{"3:5: expectation states nothing: give one of ends, callbacks_delivered, no_bad_signatures, liqpay_version"}},
		{"two claims", "  - {no_bad_signatures: true, liqpay_version: 3}",
			[]string{"3:5: expectation states more than one claim: write one item for each of ends, callbacks_delivered, no_bad_signatures, liqpay_version"}},
		{"no order", "  - {ends: success}", []string{"3:5: ends and callbacks_delivered need the order (order: or idempotency_key:)"}},
		{"order alone with a claim that takes none", "  - {order: o-1, no_bad_signatures: true}", []string{"3:5: order and idempotency_key go with ends or callbacks_delivered"}},
		{"both ids", "  - {order: o-1, idempotency_key: o-1, ends: SETTLED}", []string{"3:18: give order or idempotency_key, not both"}},
		{"event without count", "  - {order: o-1, ends: success, event: pay}", []string{"3:33: event goes with callbacks_delivered"}},
		{"false", "  - {no_bad_signatures: false}", []string{"3:25: no_bad_signatures: false expects nothing; write true or leave the item out"}},
		{"status of another provider", "  - {idempotency_key: k, ends: success}",
			[]string{`3:32: ends "success" is not a liquido status (FAILED, IN_PROGRESS, SETTLED)`}},
		{"unknown status", "  - {order: k, ends: paid}",
			[]string{`3:22: ends "paid" is not a known status (FAILED, IN_PROGRESS, SETTLED, failure, processing, success)`}},
		{"provider against words", "  - {provider: liqpay, idempotency_key: k, ends: SETTLED}",
			[]string{"3:6: provider liqpay, but the expectation only applies to liquido", `3:50: ends "SETTLED" is not a liqpay status (failure, processing, success)`}},
		{"version range", "  - {liqpay_version: 8}", []string{"3:22: liqpay_version must be a whole number from 1 to 7"}},
		{"negative count", "  - {order: o, callbacks_delivered: -1}", []string{"3:37: callbacks_delivered must be a whole number from 0 to 1000"}},
		{"not a mapping", "  - order", []string{"3:5: expectation must be a mapping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := scenarios.Parse("f.yaml", []byte(doc("version: 1", "expect:", tt.item)), expectVocab)
			if diff := cmp.Diff(tt.want, positioned(t, "f.yaml", err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
	_, err := scenarios.Parse("f.yaml", []byte(doc("version: 1", "expect: {order: o}")), expectVocab)
	if diff := cmp.Diff([]string{"2:9: expect must be a list"}, positioned(t, "f.yaml", err)); diff != "" {
		t.Error(diff)
	}
}

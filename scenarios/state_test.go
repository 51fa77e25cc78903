package scenarios_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/scenarios"
)

func TestStateRoundTrip(t *testing.T) {
	src := scenarios.NewEngine(nil, vocab)
	set, err := scenarios.Parse("up", []byte(`version: 1
provider: acme
scenarios:
  - name: twice
    match: {card: {regex: "^4000"}, amount: {min: 1.5}}
    times: 2
    outcome: {status: failure, code: limit}
`), vocab)
	if err != nil {
		t.Fatal(err)
	}
	set.Merchant = "m1"
	src.Put(set)
	req := scenarios.Request{Provider: "acme", Action: "pay", Merchant: "m1", Card: "4000123412341234", Amount: ptr(2.0)}
	if src.Decide("t1", req) == nil {
		t.Fatal("the uploaded scenario does not match")
	}
	raw, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}

	dst := scenarios.NewEngine(nil, vocab)
	if err := dst.Restore(raw); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(src.List(), dst.List()); diff != "" {
		t.Errorf("sets after restore (-before +after):\n%s", diff)
	}
	// One use is left of the two, for t1; t2 still has both.
	if dst.Decide("t1", req) == nil || dst.Decide("t1", req) != nil {
		t.Error("times: 2 did not carry its count over the restore")
	}
	if dst.Decide("t2", req) == nil {
		t.Error("another tenant's count changed")
	}
	again, _ := dst.Snapshot()
	var a any
	_ = json.Unmarshal(again, &a)
	if a.(map[string]any)["runtime"] == nil {
		t.Errorf("no runtime sets in %s", again)
	}
	if err := dst.Restore(json.RawMessage(`{"runtime": [null]}`)); err == nil {
		t.Error("a null set restored without an error")
	}
}

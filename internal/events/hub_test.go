package events

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHubFansOutAndDropsToLost(t *testing.T) {
	h := &Hub{Buffer: 2}
	all := h.Subscribe(nil)
	onlyA := h.Subscribe(func(tenant string) bool { return tenant == "liqpay:a" })
	for _, tenant := range []string{"liqpay:a", "liqpay:b", "liqpay:a"} {
		h.PublishJSON(Payment, tenant, tenant)
	}
	var got []string
	for len(onlyA.C) > 0 {
		got = append(got, string((<-onlyA.C).Data))
	}
	if diff := cmp.Diff([]string{`"liqpay:a"`, `"liqpay:a"`}, got); diff != "" {
		t.Error(diff)
	}
	select {
	case <-onlyA.Lost:
		t.Error("a subscriber that kept up was told it lost events")
	default:
	}
	select {
	case <-all.Lost: // three events, room for two
	default:
		t.Error("an overflowing subscriber was not told")
	}
	h.Unsubscribe(all)
	h.Unsubscribe(onlyA)
	if n := h.Subscribers(); n != 0 {
		t.Errorf("%d subscribers after unsubscribing", n)
	}
	h.PublishJSON(Payment, "liqpay:a", 1) // nobody: no panic, no block
}

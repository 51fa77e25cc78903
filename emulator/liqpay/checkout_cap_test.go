package liqpay

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A busy merchant keeps its newest maxCheckoutsPerShop sessions and cannot
// push out another merchant's; the server as a whole keeps maxCheckouts.
func TestCheckoutSessionsAreCappedPerMerchant(t *testing.T) {
	var cs checkouts
	busy, demo := &shop{}, &shop{}
	cs.add(&checkout{token: "demo-1", shop: demo})
	for i := range maxCheckoutsPerShop + 50 {
		cs.add(&checkout{token: fmt.Sprintf("busy-%d", i), shop: busy})
	}
	if cs.get("demo-1") == nil {
		t.Fatal("the busy merchant pushed out another merchant's session")
	}
	got := cs.of(busy)
	if len(got) != maxCheckoutsPerShop || got[0].token != "busy-50" {
		t.Fatalf("busy merchant keeps %d sessions from %s, want %d from busy-50", len(got), got[0].token, maxCheckoutsPerShop)
	}

	// Many merchants: the server's own cap, oldest first.
	shops := make([]*shop, maxCheckouts/maxCheckoutsPerShop+1)
	for i := range shops {
		shops[i] = &shop{}
		for j := range maxCheckoutsPerShop {
			cs.add(&checkout{token: fmt.Sprintf("s%d-%d", i, j), shop: shops[i]})
		}
	}
	if n := len(cs.order); n != maxCheckouts || len(cs.byToken) != maxCheckouts {
		t.Fatalf("%d sessions in order, %d by token, want %d", n, len(cs.byToken), maxCheckouts)
	}
	total := 0
	for _, n := range cs.perShop {
		total += n
	}
	if diff := cmp.Diff(maxCheckouts, total); diff != "" {
		t.Errorf("per-merchant counts disagree with the sessions kept: %s", diff)
	}
	cs.drop(shops[len(shops)-1])
	if _, ok := cs.perShop[shops[len(shops)-1]]; ok || len(cs.of(shops[len(shops)-1])) != 0 {
		t.Error("drop left the merchant's sessions or count behind")
	}
}

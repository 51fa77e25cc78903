package e2e

import (
	"testing"
)

// A subscription made on the hosted checkout (action subscribe) ends
// subscribed, and each period on the virtual clock charges a regular
// payment with its signed callback.
func TestCheckoutSubscribeChargesEachPeriod(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	order := orderID(t)
	pageURL := m.openCheckout(t, set(checkoutParams(order), "action", "subscribe", "subscribe", "1",
		"subscribe_date_start", "2020-01-01 00:00:00", "subscribe_periodicity", "month", "server_url", rv.URL+"/cb"))
	got, _ := m.pay(t, pageURL, "4242424242424242")
	if s := attr(got.body, "result", "data-status"); s != "subscribed" {
		t.Fatalf("result page status %q, want subscribed:\n%s", s, got.body)
	}
	checkFields(t, "status", map[string]any{"action": "subscribe", "status": "subscribed", "amount": num("12.5")}, m.statusOf(t, order))
	m.advance(t, "0s")
	if seen := rv.seen(); len(seen) != 1 || seen[0].payment["status"] != "subscribed" {
		t.Fatalf("after paying: callbacks %+v, want the subscribed one", seen)
	}
	for month := 1; month <= 2; month++ {
		m.advance(t, "768h") // 32 days: exactly one more period
		seen := rv.seen()
		if len(seen) != 1+month {
			t.Fatalf("month %d: %d callbacks, want %d", month, len(seen), 1+month)
		}
		last := seen[len(seen)-1]
		if !verify(3, last.data, last.signature) {
			t.Errorf("month %d: callback signature does not verify", month)
		}
		checkFields(t, "regular callback", map[string]any{"action": "regular", "type": "regular", "status": "success",
			"order_id": order, "amount": num("12.5")}, last.payment)
	}
	checkFields(t, "status after two periods", map[string]any{"action": "subscribe", "status": "subscribed"}, m.statusOf(t, order))
}

// A donation made on the hosted checkout (action paydonate) ends success,
// with type donate, and its callback.
func TestCheckoutPaydonate(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	order := orderID(t)
	pageURL := m.openCheckout(t, set(checkoutParams(order), "action", "paydonate", "server_url", rv.URL+"/cb"))
	got, _ := m.pay(t, pageURL, "4242424242424242")
	if s := attr(got.body, "result", "data-status"); s != "success" {
		t.Fatalf("result page status %q, want success:\n%s", s, got.body)
	}
	want := map[string]any{"action": "paydonate", "type": "donate", "status": "success", "order_id": order}
	checkFields(t, "status", want, m.statusOf(t, order))
	m.advance(t, "0s")
	seen := rv.seen()
	if len(seen) != 1 || !verify(3, seen[0].data, seen[0].signature) {
		t.Fatalf("callbacks %+v, want one, validly signed", seen)
	}
	checkFields(t, "callback", want, seen[0].payment)
}

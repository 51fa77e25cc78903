package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// putLiqPayScenarios loads a runtime scenario set for the default merchant.
func (m *mockpay) putLiqPayScenarios(t *testing.T, name, yaml string) {
	t.Helper()
	path := m.base + "/_mockpay/scenarios/" + name + "?merchant=" + url.QueryEscape(publicKey)
	if code := scSend(t, http.MethodPut, path, yaml, nil); code != http.StatusOK {
		t.Fatalf("PUT %s: HTTP %d", path, code)
	}
}

// A monthly subscription over three virtual months: three regular charges,
// each with its signed callback, the second failing by scenario; then
// unsubscribe, and no fourth charge.
func TestSubscriptionOverThreeMonths(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	m.putLiqPayScenarios(t, "second-period-fails", `version: 1
provider: liqpay
scenarios:
  - name: first period is paid
    match: {action: regular}
    times: 1
    outcome: {status: success}
  - name: second period fails
    match: {action: regular}
    times: 1
    outcome: {status: failure, code: "9859"}
`)
	order := orderID(t)
	sub := m.do(t, set(payParams(order, "4242424242424242"), "action", "subscribe", "subscribe", "1", "amount", "30",
		"subscribe_date_start", "2020-01-01 00:00:00", "subscribe_periodicity", "month", "server_url", rv.URL+"/cb"))
	checkFields(t, "subscribe", map[string]any{"result": "ok", "action": "subscribe", "status": "subscribed", "amount": num("30.0")}, sub)
	m.advance(t, "0s")

	// A month is 28 to 31 days: after each 32 days exactly one more period is due.
	for i, want := range []string{"success", "failure", "success"} {
		m.advance(t, "768h")
		seen := rv.seen()
		if len(seen) != 2+i {
			t.Fatalf("month %d: %d callbacks, want %d", i+1, len(seen), 2+i)
		}
		cb := seen[len(seen)-1]
		if !verify(3, cb.data, cb.signature) {
			t.Errorf("month %d: callback signature does not verify", i+1)
		}
		checkFields(t, fmt.Sprintf("month %d callback", i+1),
			map[string]any{"action": "regular", "type": "regular", "status": want, "order_id": order, "amount": num("30.0")}, cb.payment)
		got := m.do(t, map[string]any{"version": 3, "action": "status", "payment_id": cb.payment["payment_id"]})
		checkFields(t, fmt.Sprintf("month %d status by payment_id", i+1), map[string]any{"action": "regular", "status": want}, got)
	}
	checkFields(t, "status by order_id", map[string]any{"action": "subscribe", "status": "subscribed"}, m.statusOf(t, order))

	un := m.do(t, map[string]any{"version": 3, "action": "unsubscribe", "order_id": order})
	checkFields(t, "unsubscribe", map[string]any{"result": "ok", "action": "subscribe", "status": "unsubscribed"}, un)
	m.advance(t, "768h")
	seen := rv.seen()
	if len(seen) != 5 {
		t.Fatalf("after unsubscribe: %d callbacks, want 5 (subscribed, three regular, unsubscribed)", len(seen))
	}
	checkFields(t, "last callback", map[string]any{"action": "subscribe", "status": "unsubscribed"}, seen[4].payment)
	checkFields(t, "status after unsubscribe", map[string]any{"status": "unsubscribed"}, m.statusOf(t, order))
}

// pay with subscribe=1 makes a subscription too; subscribe_update changes it
// and answers as seed 003 shows; other orders are payment_not_subscribed.
func TestSubscriptionByPayAndUpdate(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	order := orderID(t)
	checkFields(t, "pay with subscribe=1", map[string]any{"result": "ok", "action": "subscribe", "status": "subscribed"},
		m.do(t, set(payParams(order, "4242424242424242"), "subscribe", 1, "subscribe_date_start", "2020-01-01 00:00:00",
			"subscribe_periodicity", "week", "server_url", rv.URL+"/cb")))
	checkFields(t, "subscribe_update",
		map[string]any{"result": "ok", "action": "subscribe", "status": "subscribed", "amount": num("2.5"), "currency": "USD", "description": "new"},
		m.do(t, map[string]any{"version": 3, "action": "subscribe_update", "order_id": order, "amount": 2.5, "currency": "USD", "description": "new"}))
	// A week later the first regular charge has the updated terms.
	m.advance(t, "169h")
	seen := rv.seen()
	if len(seen) != 2 {
		t.Fatalf("%d callbacks a week later, want subscribed and one regular", len(seen))
	}
	checkFields(t, "regular charge", map[string]any{"action": "regular", "status": "success", "amount": num("2.5"),
		"currency": "USD", "description": "new"}, seen[1].payment)

	plain := orderID(t) + "-plain"
	m.do(t, payParams(plain, "4242424242424242"))
	for _, action := range []string{"subscribe_update", "unsubscribe"} {
		checkFields(t, action+" of a plain payment", errorBody("payment_not_subscribed", "Платіж не є регулярним"),
			m.do(t, map[string]any{"version": 3, "action": action, "order_id": plain, "amount": "1"}))
	}
}

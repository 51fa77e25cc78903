package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every status of reference liqpay.md §5.1 is reachable through the public
// contract — a test card, a documented action or a scenario — and each
// comes with the callback LiqPay would send: the payment object in that
// status, signed with the merchant's key.

// liqpayStatuses is §5.1 in its order, then seed 000's dispute (the
// scenario loader's list).
var liqpayStatuses = strings.Split(valLiqPayStatuses, ", ")

// scenarioOnly are the statuses no card or action of mockpay reaches by
// itself (the customer-facing confirmations of LiqPay's own pages, and
// LiqPay's back office); a scenario scripts them on a charge.
var scenarioOnly = []string{"error", "phone_verify", "ivr_verify", "pin_verify", "captcha_verify", "password_verify",
	"senderapp_verify", "p24_verify", "mp_verify", "wait_sender", "wait_accept", "wait_secure", "wait_compensation",
	"wait_reserve", "wait_card", "processing", "try_again"}

func TestEveryStatusIsReachableWithItsCallback(t *testing.T) {
	t.Parallel()
	var sc strings.Builder
	sc.WriteString("version: 1\nprovider: liqpay\nscenarios:\n")
	for _, st := range scenarioOnly {
		fmt.Fprintf(&sc, "  - name: reach-%s\n    match: {order_id: status-%s}\n    outcome: {status: %s}\n", st, st, st)
	}
	file := filepath.Join(t.TempDir(), "statuses.yaml")
	scWrite(t, file, sc.String(), 0)
	m := start(t, "--scenarios", file)

	type driver func(t *testing.T, order, serverURL string) map[string]any
	card := func(c string, kv ...any) driver {
		return func(t *testing.T, order, serverURL string) map[string]any {
			return m.do(t, set(payParams(order, c), append([]any{"server_url", serverURL}, kv...)...))
		}
	}
	later := func(action string, kv ...any) driver {
		return func(t *testing.T, order, serverURL string) map[string]any {
			return m.do(t, set(map[string]any{"version": 3, "action": action, "amount": "4", "currency": "UAH",
				"description": "status walk", "order_id": order, "server_url": serverURL}, kv...))
		}
	}
	drivers := map[string]driver{
		"success": card("4242424242424242"),
		"failure": card("4000000000000002"),
		"reversed": func(t *testing.T, order, serverURL string) map[string]any {
			card("4242424242424242")(t, order, serverURL)
			return m.do(t, map[string]any{"version": 3, "action": "refund", "order_id": order})
		},
		"sandbox":         card("4242424242424242", "sandbox", 1),
		"3ds_verify":      card("4000000000003063"),
		"otp_verify":      card("4000000000003089"),
		"cvv_verify":      card("4000000000003055"),
		"sender_verify":   card("4000000000003105"),
		"receiver_verify": card("4000000000003204"),
		"hold_wait":       card("4242424242424242", "action", "hold"),
		"wait_qr":         later("payqr"),
		"cash_wait":       later("paycash", "phone", "380950000001"),
		"invoice_wait":    later("invoice_send", "email", "buyer@example.com"),
		"prepared":        later("payment_prepare"),
	}
	for _, st := range scenarioOnly {
		drivers[st] = card("4242424242424242")
	}
	subscribe := card("4242424242424242", "action", "subscribe", "subscribe", "1",
		"subscribe_date_start", "2020-01-01 00:00:00", "subscribe_periodicity", "month")
	secured := func(t *testing.T, order, serverURL string) map[string]any {
		lcDate := m.virtualNow(t).Add(72 * time.Hour).Format(time.DateTime)
		return card("4242424242424242", "letter_of_credit", 1, "letter_of_credit_date", lcDate)(t, order, serverURL)
	}
	drivers["subscribed"] = subscribe
	drivers["unsubscribed"] = func(t *testing.T, order, serverURL string) map[string]any {
		subscribe(t, order, serverURL)
		return m.do(t, map[string]any{"version": 3, "action": "unsubscribe", "order_id": order})
	}
	drivers["wait_lc"] = secured
	drivers["dispute"] = func(t *testing.T, order, serverURL string) map[string]any {
		secured(t, order, serverURL)
		return m.do(t, map[string]any{"version": 3, "action": "mockpay_lc_dispute", "order_id": order})
	}

	for _, st := range liqpayStatuses {
		t.Run(st, func(t *testing.T) {
			drive, ok := drivers[st]
			if !ok {
				t.Fatalf("no way to reach status %s", st)
			}
			rv := newReceiver(t)
			order := "status-" + st
			drive(t, order, rv.URL)
			checkFields(t, "status", map[string]any{"status": st, "order_id": order}, m.statusOf(t, order))
			m.advance(t, "0s")
			seen := rv.seen()
			if len(seen) == 0 {
				t.Fatal("no callback")
			}
			last := seen[len(seen)-1]
			checkFields(t, "last callback", map[string]any{"status": st, "order_id": order, "public_key": publicKey}, last.payment)
			if !verify(3, last.data, last.signature) {
				t.Error("callback signature does not verify")
			}
		})
	}
	// No status of the list is forgotten by the drivers above.
	for st := range drivers {
		if !strings.Contains(", "+valLiqPayStatuses+", ", ", "+st+", ") {
			t.Errorf("driver for %q, which is not a §5.1 status", st)
		}
	}
}

package e2e

import (
	"net/url"
	"testing"
)

// DCC (seed 002): the tariffs quote charges nothing and leaves the order_id
// free; the payment with is_dcc_debit then debits the quoted amount.
func TestDCCQuoteThenPay(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	order := orderID(t)
	params := set(payParams(order, "4242424242424242"), "amount", "100", "server_url", rv.URL+"/cb")
	offer := []any{map[string]any{"amount": num("3.5984"), "rate": num("27.7905"), "commission": num("0.0"), "currency": "USD"}}

	quote := m.do(t, set(params, "prepare", "tariffs"))
	checkFields(t, "quote", map[string]any{"result": "ok", "status": "prepared", "dcc_allowed": offer,
		"payment_id": nil, "authcode_debit": nil}, quote)
	m.advance(t, "0s")
	checkFields(t, "status after the quote", errorBody("payment_not_found", "Платіж не знайдено"), m.statusOf(t, order))
	if got := len(rv.seen()); got != 0 {
		t.Errorf("the quote sent %d callbacks", got)
	}
	if log := m.callbacks(t, "merchant="+publicKey+"&order_id="+url.QueryEscape(order)); len(log.Callbacks) != 0 {
		t.Errorf("the quote left callbacks in the log: %+v", log)
	}

	// prepare=1 is a dry run too: it says 3-D Secure would be needed.
	checkFields(t, "dry run", map[string]any{"result": "ok", "status": "3ds_verify", "token": nil, "redirect_to": nil},
		m.do(t, set(params, "prepare", "1", "card", "4000000000003063")))

	paid := m.do(t, set(params, "is_dcc_debit", true))
	checkFields(t, "DCC payment", map[string]any{"result": "ok", "status": "success", "amount": num("100.0"), "currency": "UAH",
		"amount_debit": num("3.5984"), "currency_debit": "USD", "amount_credit": num("100.0"), "currency_credit": "UAH",
		"dcc_allowed": offer}, paid)
	m.advance(t, "0s")
	if seen := rv.seen(); len(seen) != 1 {
		t.Fatalf("%d callbacks after the payment, want 1", len(seen))
	} else {
		checkFields(t, "callback", map[string]any{"status": "success", "amount_debit": num("3.5984"), "currency_debit": "USD"}, seen[0].payment)
	}
	checkFields(t, "the order is used now", errorBody("order_id_duplicate", "Такий order_id вже існує"), m.do(t, params))
}

package e2e

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// seedRequest reads a seed page's example request from testdata (comment
// lines dropped) with the placeholders of LiqPay's bash recipe filled in.
func seedRequest(t *testing.T, name string, vars ...string) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	vars = append([]string{"${PUBLIC_KEY}", publicKey}, vars...)
	return strings.NewReplacer(vars...).Replace(strings.Join(lines, "\n"))
}

// sendJSON posts a JSON text as LiqPay's bash recipe does: data is its
// base64, signature base64(sha1(private+data+private)).
func (m *mockpay) sendJSON(t *testing.T, json string) map[string]any {
	t.Helper()
	data := base64.StdEncoding.EncodeToString([]byte(json))
	form := url.Values{"data": {data}, "signature": {liqpayclient.Sign(privateKey, data, false)}}
	_, got := m.send(t, http.MethodPost, "/api/request", "application/x-www-form-urlencoded", form.Encode())
	return got
}

// Each seed page's example request, verbatim with the default keys, takes
// the path its page describes.
func TestSeedPagesVerbatim(t *testing.T) {
	t.Parallel()
	t.Run("001 hold", func(t *testing.T) {
		m := start(t)
		checkFields(t, "hold", map[string]any{"result": "ok", "action": "hold", "status": "hold_wait", "type": "hold",
			"amount": num("1.0"), "currency": "USD", "order_id": "order_id_1", "sender_card_mask2": "473119*34",
			"sender_phone": "380950000001"}, m.sendJSON(t, seedRequest(t, "seed001_hold.json.txt")))
		checkFields(t, "hold_completion", map[string]any{"result": "ok", "status": "success"},
			m.do(t, map[string]any{"version": 3, "action": "hold_completion", "order_id": "order_id_1"}))
	})
	t.Run("002 DCC quote then DCC pay", func(t *testing.T) {
		m := start(t)
		req := seedRequest(t, "seed002_dcc.json.txt")
		quote := strings.Replace(req, `"action" : "pay",`, `"action" : "pay", "prepare" : "tariffs",`, 1)
		got := m.sendJSON(t, quote)
		// Seed 002's example: 100 UAH is 3.5984 USD at 27.7905.
		offer := []any{map[string]any{"amount": num("3.5984"), "rate": num("27.7905"), "commission": num("0.0"), "currency": "USD"}}
		checkFields(t, "quote", map[string]any{"result": "ok", "status": "prepared", "dcc_allowed": offer}, got)
		pay := strings.Replace(req, `"action" : "pay",`, `"action" : "pay", "is_dcc_debit" : "true",`, 1)
		checkFields(t, "pay", map[string]any{"result": "ok", "action": "pay", "status": "sandbox", "type": "buy",
			"amount": num("100.0"), "currency": "UAH", "amount_debit": num("3.5984"), "currency_debit": "USD", "dcc_allowed": offer},
			m.sendJSON(t, pay))
	})
	t.Run("003 subscribe_update", func(t *testing.T) {
		m := start(t)
		// The subscription the update is for, with the page's card.
		checkFields(t, "subscribe", map[string]any{"result": "ok", "action": "subscribe", "status": "subscribed"},
			m.do(t, map[string]any{"version": 3, "action": "subscribe", "phone": "380950000001", "amount": "0.02", "currency": "UAH",
				"description": "description text", "order_id": "order_id_1", "card": "4731195301524634", "card_exp_month": "03",
				"card_exp_year": "22", "card_cvv": "111", "subscribe": "1", "subscribe_date_start": "2020-01-01 00:00:00",
				"subscribe_periodicity": "month"}))
		checkFields(t, "subscribe_update", map[string]any{"result": "ok", "action": "subscribe", "status": "subscribed",
			"amount": num("1.0"), "currency": "USD", "description": "description text", "order_id": "order_id_1",
			"sender_card_mask2": "473119*34"}, m.sendJSON(t, seedRequest(t, "seed003_subscribe_update.json.txt")))
	})
	t.Run("000 secured payment", func(t *testing.T) {
		m := start(t)
		date := m.virtualNow(t).Add(72 * time.Hour).Format(time.DateTime)
		checkFields(t, "secured payment", map[string]any{"result": "ok", "action": "pay", "status": "wait_lc", "amount": num("1.0")},
			m.sendJSON(t, seedRequest(t, "seed000_secured.json.txt", "${LC_DATE}", date)))
		m.advance(t, "73h")
		checkFields(t, "after the date", map[string]any{"status": "success"}, m.statusOf(t, "order_id_1"))
	})
}

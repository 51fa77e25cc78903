package liqpay

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// The state of LiqPay's later flows survives a snapshot and restore whole
// (the second snapshot equals the first), and each restored timer fires on
// the restored clock as it would have: the subscription charges its next
// period, the secured payment is released at its date, the invoice expires,
// the hold is released; suspended tokens stay suspended, the register file
// and the checkout page are still served.
func TestStateRoundTripOfEveryFlow(t *testing.T) {
	src, _, c := newStateServer(t)
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	pay := func(order string, kv ...any) map[string]any {
		p := map[string]any{"version": 3, "action": "pay", "amount": "12.34", "currency": "UAH", "description": "d",
			"order_id": order, "card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "99", "card_cvv": "123"}
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i].(string)] = kv[i+1]
		}
		return doLiqPay(t, c, p)
	}
	pay("sub", "action", "subscribe", "subscribe", "1", "subscribe_date_start", "2026-11-30 12:00:00", "subscribe_periodicity", "month")
	pay("lc", "letter_of_credit", "1", "letter_of_credit_date", now.Add(72*time.Hour).Format(time.DateTime))
	pay("held", "action", "hold")
	pay("split", "amount", "3", "split_rules", `[{"public_key":"other","amount":1,"server_url":"http://split.test/a"},{"public_key":"third","amount":2}]`)
	pay("dcc", "amount", "100", "is_dcc_debit", true)
	doLiqPay(t, c, map[string]any{"version": 3, "action": "invoice_send", "amount": "5", "currency": "UAH", "order_id": "inv",
		"email": "buyer@example.com", "expired_date": now.Add(24 * time.Hour).Format(time.DateTime)})
	tokenCard := map[string]any{"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"}
	tok := doLiqPay(t, c, map[string]any{"version": 3, "action": "token_create", "card_tokenization": tokenCard})["card_token"].(string)
	doLiqPay(t, c, map[string]any{"version": 3, "action": "token_update", "card_token": tok, "card_token_action": "SUSPEND"})
	unique := doLiqPay(t, c, map[string]any{"version": 3, "action": "token_create_unique", "card_tokenization": tokenCard})["card_token"]
	reg := doLiqPay(t, c, map[string]any{"version": 3, "action": "reports_compensation_file", "date": "2026-11-30"})["register_token"].(string)
	checkoutPage := openCheckout(t, c, map[string]any{"version": 3, "action": "pay", "amount": "3", "currency": "UAH",
		"description": "checkout", "order_id": "co"})

	raw, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var saved liqpayState
	if err := json.Unmarshal(raw, &saved); err != nil {
		t.Fatal(err)
	}
	ss := saved.Shops["pk"]
	if len(ss.Checkouts) != 1 || len(ss.Registers) != 1 || ss.TokenStates[tok] != tokenSuspended {
		t.Errorf("the snapshot misses state: %d checkouts, %d registers, token states %v",
			len(ss.Checkouts), len(ss.Registers), ss.TokenStates)
	}
	// token_create_unique's fingerprints would give the card number back
	// from the BIN and last four the file shows: they are never saved.
	if len(ss.TokenUnique) != 0 || strings.Contains(string(raw), "token_unique") {
		t.Errorf("the snapshot keeps card fingerprints: %v", ss.TokenUnique)
	}

	dst, reg2, c2 := newStateServer(t)
	if err := dst.Restore(raw); err != nil {
		t.Fatal(err)
	}
	again, err := dst.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	_ = json.Unmarshal(raw, &a)
	_ = json.Unmarshal(again, &b)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("snapshot after restore (-before +after):\n%s", diff)
	}
	status := func(kv ...any) map[string]any {
		p := map[string]any{"version": 3, "action": "status"}
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i].(string)] = kv[i+1]
		}
		return doLiqPay(t, c2, p)
	}
	for _, order := range []string{"sub", "lc", "held", "split", "dcc", "inv"} {
		want := doLiqPay(t, c, map[string]any{"version": 3, "action": "status", "order_id": order})
		if diff := cmp.Diff(want, status("order_id", order)); diff != "" {
			t.Errorf("status of %s (-before +after):\n%s", order, diff)
		}
	}
	// Tokens: the suspended one still fails; the unique one still pays, and
	// token_create_unique, whose fingerprints were not saved, makes a new one.
	if got := doLiqPay(t, c2, map[string]any{"version": 3, "action": "paytoken", "amount": "1", "currency": "UAH",
		"description": "d", "order_id": "by-token", "card_token": tok}); got["err_code"] != string(ErrTokenInactive) {
		t.Errorf("paytoken with the suspended token after the restore: %v", got)
	}
	if got := doLiqPay(t, c2, map[string]any{"version": 3, "action": "paytoken", "amount": "1", "currency": "UAH",
		"description": "d", "order_id": "by-unique", "card_token": unique}); got["status"] != "success" {
		t.Errorf("paytoken with token_create_unique's token after the restore: %v", got)
	}
	if got := doLiqPay(t, c2, map[string]any{"version": 3, "action": "token_create_unique", "card_tokenization": tokenCard}); got["card_token"] == unique || got["status"] != "success" {
		t.Errorf("token_create_unique after the restore: %v, want a new token (not %v)", got, unique)
	}
	// Pages: the register file and the checkout session are served.
	base, _ := url.Parse(c2.BaseURL)
	for _, path := range []string{"/apipay/register/" + reg, checkoutPage} {
		resp, err := c2.HTTP.Get(base.String() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s after the restore: HTTP %d", path, resp.StatusCode)
		}
	}

	// Timers: a day expires the invoice, three release the secured payment,
	// a month charges the subscription's next period, 30 days release the hold.
	tn, _ := reg2.Get("liqpay", "pk")
	tn.Clock.Advance(32 * 24 * time.Hour)
	for order, want := range map[string]string{"inv": "failure", "lc": "success", "held": "reversed", "sub": "subscribed"} {
		if got := status("order_id", order); got["status"] != want {
			t.Errorf("%s after 32 days: %v, want %s", order, got["status"], want)
		}
	}
	if got := status("order_id", "inv"); got["err_code"] != "expired_invoice" {
		t.Errorf("invoice after its expired_date: %v", got["err_code"])
	}
	subID := status("order_id", "sub")["payment_id"].(json.Number)
	next, _ := subID.Int64()
	for id := next + 1; ; id++ { // the regular charge is the newest payment
		got := status("payment_id", id)
		if got["result"] == "error" {
			t.Fatalf("no regular charge after the restore")
		}
		if got["action"] == "regular" {
			if got["status"] != "success" || got["order_id"] != "sub" {
				t.Errorf("regular charge after the restore: %v", got)
			}
			break
		}
	}
}

// openCheckout posts a signed checkout form and returns the page's path.
func openCheckout(t *testing.T, lc *liqpayclient.Client, params map[string]any) string {
	t.Helper()
	form, _, _ := lc.Encode(params)
	client := *lc.HTTP
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, lc.BaseURL+"/api/3/checkout", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("checkout: HTTP %d", resp.StatusCode)
	}
	u, _ := url.Parse(resp.Header.Get("Location"))
	return u.Path
}

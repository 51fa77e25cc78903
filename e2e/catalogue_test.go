package e2e

import (
	"context"
	"encoding/csv"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// The rest of LiqPay's action catalogue (reference liqpay.md §4.8–§4.19):
// each action's main path and an error path, through the built binary.

func TestTokens(t *testing.T) {
	t.Parallel()
	m := start(t)
	cardT := map[string]any{"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"}
	create := func(action string, kv ...any) map[string]any {
		return m.do(t, set(map[string]any{"version": 3, "action": action, "is_debit": true, "card_tokenization": cardT}, kv...))
	}
	a := create("token_create")
	checkFields(t, "token_create", map[string]any{"result": "ok", "status": "success"}, a)
	info, _ := a["card_token_info"].(map[string]any)
	checkFields(t, "card_token_info", map[string]any{"tokenSuffix": "4242", "tokenExpDate": "1230", "status": "ACTIVE", "decision": "APPROVED"}, info)
	if b := create("token_create"); b["card_token"] == a["card_token"] {
		t.Error("token_create returned the same token twice")
	}
	u1, u2 := create("token_create_unique"), create("token_create_unique")
	if u1["card_token"] != u2["card_token"] || u1["card_token"] == a["card_token"] {
		t.Errorf("token_create_unique: %v then %v", u1["card_token"], u2["card_token"])
	}
	// card_tokenization as a JSON string (how form-minded SDKs send objects).
	checkFields(t, "card_tokenization as a string", map[string]any{"status": "success"},
		create("token_create", "card_tokenization", `{"card":"4242424242424242","card_exp_month":"12","card_exp_year":"30","card_cvv":"123"}`))
	checkFields(t, "bad card", map[string]any{"err_code": "err_card"},
		create("token_create", "card_tokenization", set(cardT, "card", "4242424242424241")))
	checkFields(t, "no card", map[string]any{"err_code": "err_missing"},
		m.do(t, map[string]any{"version": 3, "action": "token_create"}))

	tok := a["card_token"].(string)
	payTok := func(order string) map[string]any {
		return m.do(t, map[string]any{"version": 3, "action": "paytoken", "amount": "5", "currency": "UAH",
			"description": "by token", "order_id": order, "card_token": tok})
	}
	checkFields(t, "paytoken with a created token", map[string]any{"status": "success", "sender_card_mask2": "424242*42"}, payTok("tok-1"))
	update := func(act string) map[string]any {
		return m.do(t, map[string]any{"version": 3, "action": "token_update", "card_token": tok, "card_token_action": act})
	}
	checkFields(t, "SUSPEND", map[string]any{"result": "ok", "status": "success", "card_token": tok}, update("SUSPEND"))
	checkFields(t, "paytoken with a suspended token", map[string]any{"status": "failure", "err_code": "102"}, payTok("tok-2"))
	checkFields(t, "UNSUSPEND", map[string]any{"status": "success"}, update("UNSUSPEND"))
	checkFields(t, "paytoken again", map[string]any{"status": "success"}, payTok("tok-3"))
	got := update("DELETE")
	checkFields(t, "DELETE", map[string]any{"status": "success"}, got)
	checkFields(t, "DELETE info", map[string]any{"status": "DELETED"}, got["card_token_info"].(map[string]any))
	checkFields(t, "paytoken with a deleted token", map[string]any{"status": "failure", "err_code": "108"}, payTok("tok-4"))
	checkFields(t, "update of a deleted token", map[string]any{"result": "error", "err_code": "108"}, update("SUSPEND"))
	checkFields(t, "bad card_token_action", map[string]any{"err_code": "err_wrong"},
		m.do(t, map[string]any{"version": 3, "action": "token_update", "card_token": u1["card_token"], "card_token_action": "FREEZE"}))
}

func TestReportsAndRegister(t *testing.T) {
	t.Parallel()
	m := start(t)
	before := time.Now().Add(-time.Hour).UnixMilli()
	m.do(t, payParams("rep-1", "4242424242424242"))
	m.do(t, payParams("rep-2", "4000000000009995"))
	after := time.Now().Add(time.Hour).UnixMilli()
	// Another merchant's payments never show.
	report := func(format string) map[string]any {
		return m.do(t, map[string]any{"version": 3, "action": "reports", "date_from": before, "date_to": after, "resp_format": format})
	}
	js := report("json")
	data, _ := js["data"].([]any)
	if js["result"] != "success" || len(data) != 2 {
		t.Fatalf("json report: %v", js)
	}
	checkFields(t, "first row", map[string]any{"order_id": "rep-1", "status": "success"}, data[0].(map[string]any))
	checkFields(t, "second row", map[string]any{"order_id": "rep-2", "status": "failure", "err_code": "9859"}, data[1].(map[string]any))
	checkFields(t, "range without payments", map[string]any{"result": "success", "data": []any{}},
		m.do(t, map[string]any{"version": 3, "action": "reports", "date_from": 0, "date_to": 1000}))
	checkFields(t, "no date_from", map[string]any{"err_code": "err_missing"},
		m.do(t, map[string]any{"version": 3, "action": "reports", "date_to": after}))
	checkFields(t, "bad resp_format", map[string]any{"err_code": "err_wrong"}, report("pdf"))

	raw := func(format string) (string, string) {
		c := m.client(liqpayclient.Go)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		form, _, _ := c.Encode(map[string]any{"version": 3, "action": "reports", "date_from": before, "date_to": after, "resp_format": format})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, m.base+"/api/request", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Header.Get("Content-Type"), string(b)
	}
	ct, body := raw("csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if !strings.HasPrefix(ct, "text/csv") || err != nil || len(rows) != 3 || rows[0][0] != "ID" || rows[1][15] != "rep-1" {
		t.Fatalf("csv report (%s, %v):\n%s", ct, err, body)
	}
	ct, body = raw("xml")
	var doc struct {
		Payments []struct {
			Order  string `xml:"shop_order_id"`
			Status string `xml:"status"`
		} `xml:"payment"`
	}
	if err := xml.Unmarshal([]byte(body), &doc); err != nil || !strings.HasPrefix(ct, "application/xml") {
		t.Fatalf("xml report (%s, %v):\n%s", ct, err, body)
	}
	if diff := cmp.Diff("rep-1 success rep-2 failure", doc.Payments[0].Order+" "+doc.Payments[0].Status+" "+doc.Payments[1].Order+" "+doc.Payments[1].Status); diff != "" {
		t.Errorf("xml rows: %s", diff)
	}

	today := time.Now().UTC().Format(time.DateOnly)
	reg := m.do(t, map[string]any{"version": 3, "action": "register", "date": today})
	regData, _ := reg["data"].([]any)
	if reg["result"] != "success" || len(regData) != 1 {
		t.Fatalf("register holds the settled payment only: %v", reg)
	}
	checkFields(t, "bad date", map[string]any{"err_code": "err_wrong"},
		m.do(t, map[string]any{"version": 3, "action": "register", "date": "30.11.2026"}))
	comp := m.do(t, map[string]any{"version": 3, "action": "reports_compensation", "date": today, "resp_format": "csv"})
	if s, _ := comp["data"].(string); !strings.Contains(s, "rep-1") || strings.Contains(s, "rep-2") {
		t.Errorf("reports_compensation csv: %v", comp)
	}
	file := m.do(t, map[string]any{"version": 3, "action": "reports_compensation_file", "date": today})
	checkFields(t, "compensation file", map[string]any{"result": "ok", "status": "success"}, file)
	st := m.do(t, map[string]any{"version": 3, "action": "reports_compensation_file_status", "register_token": file["register_token"]})
	checkFields(t, "file status", map[string]any{"result": "ok", "status": "success"}, st)
	resp, err := httpClient.Get(st["filelink"].(string))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "rep-1") {
		t.Errorf("filelink: HTTP %d\n%s", resp.StatusCode, b)
	}
	checkFields(t, "unknown register_token", map[string]any{"err_code": "err_wrong"},
		m.do(t, map[string]any{"version": 3, "action": "reports_compensation_file_status", "register_token": "nope"}))
}

func TestCashAndQR(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	base := func(action, order string, kv ...any) map[string]any {
		return set(map[string]any{"version": 3, "action": action, "amount": "10", "currency": "UAH",
			"description": "at the till", "order_id": order, "server_url": rv.URL + "/" + order}, kv...)
	}
	cash := m.do(t, base("paycash", "cash-1", "phone", "380950000001"))
	checkFields(t, "paycash", map[string]any{"result": "ok", "status": "cash_wait", "paytype": "cash", "action": "pay"}, cash)
	r, body := payerPage(t, http.MethodPost, cash["href"].(string), url.Values{"step": {"cash"}, "decision": {"paid"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(body, "Paid") {
		t.Fatalf("terminal: HTTP %d\n%s", r.StatusCode, body)
	}
	checkFields(t, "cash paid", map[string]any{"status": "success"}, m.statusOf(t, "cash-1"))
	checkFields(t, "paycash without phone", map[string]any{"err_code": "err_missing"}, m.do(t, base("paycash", "cash-2")))

	qr := m.do(t, base("payqr", "qr-1", "expired_date", "2000-01-01 00:00:00"))
	checkFields(t, "payqr", map[string]any{"status": "wait_qr", "paytype": "qr"}, qr)
	if code, _ := qr["qr_code"].(string); !strings.HasPrefix(code, "lp_qr:pay:") {
		t.Errorf("qr_code %q", code)
	}
	m.advance(t, "0s")
	checkFields(t, "QR not paid by expired_date", map[string]any{"status": "failure", "err_code": "expired_qr"}, m.statusOf(t, "qr-1"))
	checkFields(t, "payqr twice", map[string]any{"err_code": "order_id_duplicate"}, m.do(t, base("payqr", "cash-1")))

	byOrder := map[string][]any{}
	for _, s := range rv.seen() {
		byOrder[s.payment["order_id"].(string)] = append(byOrder[s.payment["order_id"].(string)], s.payment["status"])
	}
	if diff := cmp.Diff(map[string][]any{"cash-1": {"cash_wait", "success"}, "qr-1": {"wait_qr", "failure"}}, byOrder); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

func TestOtherChargeActions(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	card := func(action, order string, kv ...any) map[string]any {
		return set(payParams(order, "4242424242424242"), append([]any{"action", action, "server_url", rv.URL}, kv...)...)
	}
	checkFields(t, "paydonate", map[string]any{"status": "success", "action": "paydonate", "type": "donate"}, m.do(t, card("paydonate", "don-1")))
	checkFields(t, "paydonate, insufficient funds", map[string]any{"status": "failure", "err_code": "9859"},
		m.do(t, set(card("paydonate", "don-2"), "card", "4000000000009995")))

	auth := m.do(t, card("auth", "auth-1", "verifycode", "Y"))
	checkFields(t, "auth", map[string]any{"status": "success", "action": "auth"}, auth)
	if v, _ := auth["verifycode"].(string); len(v) != 6 {
		t.Errorf("auth verifycode %q", auth["verifycode"])
	}
	if _, ok := m.do(t, card("auth", "auth-2"))["verifycode"]; ok {
		t.Error("verifycode without verifycode=Y")
	}

	cv := m.do(t, drop(card("cardverification", "cv-1", "verifycode", "Y"), "amount", "currency"))
	checkFields(t, "cardverification", map[string]any{"status": "success", "action": "cardverification", "amount": num("1.0")}, cv)
	if cv["verifycode"] == nil || cv["rrn_debit"] == nil {
		t.Errorf("cardverification lacks verifycode or rrn_debit: %v", cv)
	}
	checkFields(t, "cardverification, 3-DS card", map[string]any{"status": "3ds_verify"},
		m.do(t, drop(set(card("cardverification", "cv-2"), "card", "4000000000003063"), "amount")))
	checkFields(t, "cardverification without card", map[string]any{"err_code": "err_missing"},
		m.do(t, drop(card("cardverification", "cv-3"), "card")))

	checkFields(t, "p2pdebit", map[string]any{"status": "success", "action": "p2pdebit"}, m.do(t, card("p2pdebit", "p2pd-1")))
	credit := func(order string, kv ...any) map[string]any {
		return set(map[string]any{"version": 3, "action": "p2pcredit", "amount": "7", "currency": "UAH",
			"description": "payout", "order_id": order, "receiver_card": "4242424242424242", "server_url": rv.URL}, kv...)
	}
	checkFields(t, "p2pcredit", map[string]any{"status": "success", "action": "p2pcredit", "type": "p2p", "sender_card_mask2": "424242*42"}, m.do(t, credit("p2pc-1")))
	checkFields(t, "p2pcredit to a limited card", map[string]any{"status": "failure", "err_code": "limit"},
		m.do(t, credit("p2pc-2", "receiver_card", "4000000000000002")))
	checkFields(t, "p2pcredit without receiver", map[string]any{"err_code": "err_missing"},
		m.do(t, drop(credit("p2pc-3"), "receiver_card")))
	checkFields(t, "p2pcredit to an unknown token", map[string]any{"status": "failure", "err_code": "108"},
		m.do(t, drop(credit("p2pc-4", "receiver_card_token", "nope"), "receiver_card")))

	checkFields(t, "ticket", map[string]any{"result": "ok"},
		m.do(t, map[string]any{"version": 3, "action": "ticket", "order_id": "don-1", "email": "buyer@example.com"}))
	checkFields(t, "ticket of an unknown order", map[string]any{"err_code": "payment_not_found"},
		m.do(t, map[string]any{"version": 3, "action": "ticket", "order_id": "nope", "email": "buyer@example.com"}))
	checkFields(t, "ticket to a bad address", map[string]any{"err_code": "err_wrong"},
		m.do(t, map[string]any{"version": 3, "action": "ticket", "order_id": "don-1", "email": "not an address"}))

	mpi := set(payParams("mpi-1", "4242424242424242"), "action", "mpi", "threeDSInfo", map[string]any{"browserLanguage": "uk"})
	checkFields(t, "mpi", map[string]any{"result": "ok", "status": "success", "mpi_version": "2.0", "mpi_status": "Y", "eci": "05"}, m.do(t, mpi))
	checkFields(t, "mpi without threeDSInfo", map[string]any{"err_code": "err_missing"}, m.do(t, drop(mpi, "threeDSInfo")))

	prep := m.do(t, map[string]any{"version": 3, "action": "payment_prepare", "amount": "3", "currency": "UAH",
		"description": "PrivatPay", "order_id": "prep-1", "action_payment": "pay"})
	checkFields(t, "payment_prepare", map[string]any{"status": "prepared", "paytype": "privat24"}, prep)
	if h, _ := prep["href"].(string); !strings.Contains(h, "/apipay/prepare/") {
		t.Errorf("payment_prepare href %q", h)
	}
	checkFields(t, "payment_prepare with a bad action_payment", map[string]any{"err_code": "err_wrong"},
		m.do(t, map[string]any{"version": 3, "action": "payment_prepare", "amount": "3", "currency": "UAH",
			"description": "PrivatPay", "order_id": "prep-2", "action_payment": "refund"}))
}

func TestHoldExpiresAfterThirtyDays(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	m.do(t, set(payParams("hold-1", "4242424242424242"), "action", "hold", "server_url", rv.URL))
	m.do(t, set(payParams("hold-2", "4242424242424242"), "action", "hold"))
	m.do(t, map[string]any{"version": 3, "action": "hold_completion", "order_id": "hold-2"})
	m.advance(t, "719h59m")
	checkFields(t, "a second before", map[string]any{"status": "hold_wait"}, m.statusOf(t, "hold-1"))
	m.advance(t, "1m")
	checkFields(t, "after 30 days", map[string]any{"status": "reversed"}, m.statusOf(t, "hold-1"))
	checkFields(t, "a completed hold stays", map[string]any{"status": "success"}, m.statusOf(t, "hold-2"))
	if diff := cmp.Diff([]any{"hold_wait", "reversed"}, callbackStatuses(rv)); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

// A scenario drives a waiting payment on the virtual clock, as the README
// shows: cash_wait, then success ten minutes later.
func TestCashEndsByScenarioThen(t *testing.T) {
	t.Parallel()
	file := t.TempDir() + "/cash.yaml"
	scWrite(t, file, `version: 1
provider: liqpay
scenarios:
  - name: till-pays-later
    match: {action: paycash}
    outcome: {status: cash_wait, then: [{after: 10m, status: success}]}
  - name: qr-never-scanned
    match: {action: payqr}
    outcome: {status: wait_qr, then: [{after: 1h, status: failure, code: expired_qr}]}
`, 0)
	m := start(t, "--scenarios", file)
	rv := newReceiver(t)
	req := func(action, order string) map[string]any {
		return map[string]any{"version": 3, "action": action, "amount": "10", "currency": "UAH", "description": "till",
			"order_id": order, "phone": "380950000001", "server_url": rv.URL}
	}
	checkFields(t, "paycash", map[string]any{"status": "cash_wait"}, m.do(t, req("paycash", "c-1")))
	checkFields(t, "payqr", map[string]any{"status": "wait_qr"}, m.do(t, req("payqr", "q-1")))
	m.advance(t, "9m59s")
	checkFields(t, "before", map[string]any{"status": "cash_wait"}, m.statusOf(t, "c-1"))
	m.advance(t, "1s")
	checkFields(t, "after 10m", map[string]any{"status": "success"}, m.statusOf(t, "c-1"))
	m.advance(t, "1h")
	checkFields(t, "after 1h", map[string]any{"status": "failure", "err_code": "expired_qr"}, m.statusOf(t, "q-1"))
	// The first two callbacks belong to two payments, and callbacks are
	// ordered per payment only: they may arrive either way round.
	got := callbackStatuses(rv)
	if len(got) >= 2 && got[0] == "wait_qr" {
		got[0], got[1] = got[1], got[0]
	}
	if diff := cmp.Diff([]any{"cash_wait", "wait_qr", "success", "failure"}, got); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

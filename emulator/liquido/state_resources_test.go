package liquido_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/trigger"
)

// TestStateRoundTripResources saves payment links, payouts, FX proposals,
// PayCash references and virtual accounts, and the charges that point at
// them, and restores them into a fresh emulator: the snapshot and every
// answer are the same, idempotent replays stay replays, the pages work,
// and what was scheduled (a link's expiry, a payout's settlement and
// return, a reference's expiry) still happens on the new clock, with its
// callbacks.
func TestStateRoundTripResources(t *testing.T) {
	src, dst := newEnv(t), newEnv(t)
	m := merchantA
	// Callbacks go to src's receiver, from src and, after the restore,
	// from dst: the callbackUrl is saved with each object.
	cb := func(path string) string { return src.recvURL + path }
	// Page URLs are on each emulator's own address.
	moved := func(v map[string]any) map[string]any {
		raw, _ := json.Marshal(v)
		var out map[string]any
		_ = json.Unmarshal([]byte(strings.ReplaceAll(string(raw), src.srv.URL, dst.srv.URL)), &out)
		return out
	}

	q := src.post(m, "/v1/payments/proposals", map[string]any{"amount": 10000, "country": "BR", "currency": "USD", "targetCurrency": "BRL"})
	src.post(m, "/v1/payments/proposals", map[string]any{"amount": 500, "country": "MX", "currency": "USD"})
	src.post(m, "/v1/payments/charges/card", with(cardCharge("fx-1", "BR", "4242424242424242"), "currency", "USD", "amount", 10000,
		"paymentProposalInfo", map[string]any{"proposalId": str(q["proposalId"])}))

	linkBody := func(order string) map[string]any {
		return map[string]any{"orderId": order, "amount": 10000, "currency": "BRL", "country": "BR",
			"allowPaymentMethods": []string{"CREDIT_CARD", "PIX"}, "callbackUrl": cb("/link"),
			"expiresAt": t0.Add(time.Hour).Unix(), "description": "order " + order}
	}
	unpaid := src.post(m, "/v2/cashier/payment-link/", linkBody("unpaid"))
	pixLink := src.post(m, "/v2/cashier/payment-link/", linkBody("pix"))
	if code, _, body := src.page(http.MethodPost, str(pixLink["paymentLink"]), url.Values{"method": {"PIX"}}); code != http.StatusOK {
		t.Fatalf("paying a link by Pix: HTTP %d %s", code, body)
	}

	ref := src.post(m, "/v1/payments/charges/references", map[string]any{"idempotencyKey": "ref-1", "country": "MX", "currency": "MXN",
		"description": "fee", "callbackUrl": cb("/ref"), "expirationDate": "2024-03-02"})
	if _, err := src.lq.Trigger(m.id, "ref-1", trigger.Event{Name: trigger.Settle, Amount: "25000"}); err != nil {
		t.Fatal(err)
	}
	account := map[string]any{"idempotencyKey": "va-1", "userInfo": map[string]any{"legalName": "ACME SA DE CV"},
		"currency": "MXN", "country": "MX", "paymentMethod": "CLABE_ACCOUNT", "description": "sub account"}
	src.post(m, "/v1/payments/virtual-accounts", account)

	payout := func(key, comment string) map[string]any {
		return map[string]any{"idempotencyKey": key, "country": "BR", "targetName": "Ana", "targetDocument": "42243309114",
			"targetPixKey": "ana@example.com", "targetPixKeyType": "email", "amountInCents": 12345, "currency": "BRL",
			"callbackUrl": cb("/payout"), "comment": comment}
	}
	src.post(m, "/v1/payments/payouts/pix", payout("po-pending", "statusDelay=600"))
	src.post(m, "/v1/payments/payouts/pix", payout("po-returned", "statusEvent=SETTLED_THEN_REJECTED;statusDelay=20"))
	src.post(m, "/v1/payments/payouts/pix", payout("po-triggered", "statusEvent=SETTLED_THEN_REJECTED;statusDelay=20"))
	if _, err := src.lq.Trigger(m.id, "po-triggered", trigger.Event{Name: trigger.Settle}); err != nil {
		t.Fatal(err)
	}
	src.advance(m, 20*time.Second) // po-returned settles; its return is due 20 s later

	raw, err := src.lq.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	payoutsBefore, linksBefore := len(payoutEvents(t, src, "/payout")), len(linkEvents(t, src, "/link"))
	if err := dst.lq.Restore(raw); err != nil {
		t.Fatal(err)
	}
	dst.advance(m, 20*time.Second) // to the same virtual time as src
	again, err := dst.lq.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	_ = json.Unmarshal(raw, &a)
	_ = json.Unmarshal(again, &b)
	before := at(a, "merchants."+m.id).(map[string]any)
	after := at(b, "merchants."+m.id).(map[string]any)
	for _, section := range []string{"payment_links", "proposals", "references", "accounts", "payments"} {
		if diff := cmp.Diff(before[section], after[section]); diff != "" {
			t.Errorf("%s after restore (-before +after):\n%s", section, diff)
		}
	}
	if before["payouts"] == nil || len(before["payouts"].([]any)) != 3 {
		t.Fatalf("payouts saved: %v", before["payouts"])
	}

	// The answers: the same objects, replays and not conflicts.
	for _, path := range []string{"/v1/payments/charges/fx-1", "/v1/payments/charges/references/ref-1", "/v1/payments/virtual-accounts/va-1",
		"/v1/payments/charges/" + str(pixLink["linkId"])} {
		if diff := cmp.Diff(moved(src.get(m, path)), dst.get(m, path)); diff != "" {
			t.Errorf("GET %s (-before +after):\n%s", path, diff)
		}
	}
	if diff := cmp.Diff(moved(ref), dst.post(m, "/v1/payments/charges/references", map[string]any{"idempotencyKey": "ref-1", "country": "MX",
		"currency": "MXN", "description": "fee", "callbackUrl": cb("/ref"), "expirationDate": "2024-03-02"})); diff != "" {
		t.Errorf("reference replayed after restore (-before +after):\n%s", diff)
	}
	if got := dst.post(m, "/v1/payments/payouts/pix", payout("po-pending", "statusDelay=600"))["transferStatus"]; got != "IN_PROGRESS" {
		t.Errorf("payout replayed after restore: %v", got)
	}
	if code, body := dst.call(m, http.MethodPost, "/v1/payments/virtual-accounts", account); code != http.StatusOK {
		t.Errorf("account replayed after restore: HTTP %d %s", code, body)
	}
	// The FX proposal stays used; the reference's page still works.
	if code, body := dst.call(m, http.MethodPost, "/v1/payments/charges/card", with(cardCharge("fx-2", "BR", "4242424242424242"),
		"currency", "USD", "amount", 10000, "paymentProposalInfo", map[string]any{"proposalId": str(q["proposalId"])})); code != http.StatusBadRequest ||
		!strings.Contains(string(body), "already used by payment fx-1") {
		t.Errorf("a used proposal after restore: HTTP %d %s", code, body)
	}
	if code, _, _ := dst.page(http.MethodGet, str(at(moved(ref), "transferDetails.payCash.paymentUrl")), nil); code != http.StatusOK {
		t.Errorf("reference page after restore: HTTP %d", code)
	}

	// What was scheduled happens on the restored clock.
	dst.advance(m, 20*time.Minute)
	if diff := cmp.Diff([]string{"PAYOUT_REJECTED po-returned REJECTED", "PAYOUT_SUCCEEDED po-pending SETTLED"}, payoutEvents(t, src, "/payout")[payoutsBefore:]); diff != "" {
		t.Errorf("payout callbacks after restore (-want +got):\n%s", diff)
	}
	dst.advance(m, time.Hour)
	if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED SETTLED", "CHARGE_FAILED EXPIRED"}, linkEvents(t, src, "/link")[linksBefore:]); diff != "" {
		t.Errorf("link notifications after restore (-want +got):\n%s", diff)
	}
	if code, _, body := dst.page(http.MethodGet, str(moved(unpaid)["paymentLink"]), nil); code != http.StatusOK || !strings.Contains(body, "xpired") {
		t.Errorf("expired link's page on the restored emulator: HTTP %d %s", code, body)
	}
	dst.advance(m, 48*time.Hour)
	if got := dst.get(m, "/v1/payments/charges/references/ref-1")["status"]; got != "EXPIRED" {
		t.Errorf("reference after its expirationDate: %v", got)
	}
}

// payoutEvents lists "EVENT key status" of the payout callbacks on path.
func payoutEvents(t *testing.T, e *env, path string) []string {
	t.Helper()
	var out []string
	for _, r := range e.recv.got(path) {
		var ev struct {
			EventType string `json:"eventType"`
			Data      struct {
				PayoutDetails map[string]any `json:"payoutDetails"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.Body, &ev); err != nil {
			t.Fatalf("payout callback: %s", r.Body)
		}
		out = append(out, ev.EventType+" "+str(ev.Data.PayoutDetails["idempotencyKey"])+" "+str(ev.Data.PayoutDetails["transferStatus"]))
	}
	return out
}

// linkEvents lists "EVENT paymentStatus" of the link notifications on path.
func linkEvents(t *testing.T, e *env, path string) []string {
	t.Helper()
	var out []string
	for _, r := range e.recv.got(path) {
		var ev struct {
			EventType string         `json:"eventType"`
			Data      map[string]any `json:"data"`
		}
		if err := json.Unmarshal(r.Body, &ev); err != nil {
			t.Fatalf("link notification: %s", r.Body)
		}
		out = append(out, ev.EventType+" "+str(ev.Data["paymentStatus"]))
	}
	return out
}

func TestStateRestoreRejectsBrokenResources(t *testing.T) {
	e := newEnv(t)
	hash := `"` + strings.Repeat("A", 43) + `="`
	for _, section := range []string{
		`"payouts": [null]`,
		`"payouts": [{"payout": {"Key": "p"}, "hash": "AAAA"}]`,
		`"payment_links": [null]`,
		`"payment_links": [{"link": {"ID": "l"}, "payment": "nope"}]`,
		`"references": [{"reference": {"Key": "r"}, "hash": ` + hash + `, "payments": ["nope"]}]`,
		`"accounts": [{"account": null, "hash": ` + hash + `}]`,
		`"proposals": [{"proposal": null}]`,
		`"payments": [{"payment": {"Key": "k"}, "hash": ` + hash + `, "link": "nope"}]`,
		`"payments": [{"payment": {"Key": "k"}, "hash": ` + hash + `, "fx": "nope"}]`,
	} {
		raw := `{"merchants": {"` + merchantA.id + `": {"hash_key": "AAAA", ` + section + `}}}`
		if err := e.lq.Restore(json.RawMessage(raw)); err == nil {
			t.Errorf("Restore(%s): no error", raw)
		}
	}
	// A valid one passes, so the cases above fail for what they break.
	ok := `{"merchants": {"` + merchantA.id + `": {"hash_key": "AAAA", "payments": [{"payment": {"Key": "k"}, "hash": ` + hash + `}]}}}`
	if err := e.lq.Restore(json.RawMessage(ok)); err != nil {
		t.Errorf("Restore(%s): %v", ok, err)
	}
}

// TestResetMerchantStopsEverything resets a merchant through the emulator
// alone (its clock untouched): no timer of it stays armed, nothing it had
// scheduled fires or calls back, its pages 404, its keys are free again.
func TestResetMerchantStopsEverything(t *testing.T) {
	e := newEnv(t)
	m := merchantA
	c := e.tenant(m).Clock
	idle := c.Pending()
	payout := map[string]any{"idempotencyKey": "po", "country": "BR", "targetName": "Ana", "targetDocument": "42243309114",
		"targetPixKey": "ana@example.com", "targetPixKeyType": "email", "amountInCents": 12345, "currency": "BRL",
		"callbackUrl": e.recvURL + "/payout", "comment": "statusDelay=60"}
	e.post(m, "/v1/payments/payouts/pix", payout)
	link := e.post(m, "/v2/cashier/payment-link/", map[string]any{"orderId": "o", "amount": 10000, "currency": "BRL", "country": "BR",
		"allowPaymentMethods": []string{"PIX"}, "callbackUrl": e.recvURL + "/link", "expiresAt": t0.Add(time.Hour).Unix()})
	ref := e.post(m, "/v1/payments/charges/references", map[string]any{"idempotencyKey": "ref", "country": "MX", "currency": "MXN",
		"callbackUrl": e.recvURL + "/ref", "expirationDate": "2024-03-02"})
	e.post(m, "/v1/payments/charges/pix", with(localCharge("pix", "BR", "PIX_DYNAMIC_QR"), "callbackUrl", e.recvURL+"/pix"))
	if c.Pending() <= idle {
		t.Fatalf("nothing was scheduled: %d timers", c.Pending())
	}

	if !e.lq.ResetMerchant(m.id) {
		t.Fatal("ResetMerchant: no such merchant")
	}
	if got := c.Pending(); got != idle {
		t.Errorf("timers after the reset: %d, want %d", got, idle)
	}
	for _, u := range []string{str(link["paymentLink"]), str(at(ref, "transferDetails.payCash.paymentUrl"))} {
		if code, _, _ := e.page(http.MethodGet, u, nil); code != http.StatusNotFound {
			t.Errorf("GET %s after the reset: HTTP %d", u, code)
		}
	}
	e.advance(m, 72*time.Hour)
	for _, path := range []string{"/payout", "/link", "/ref", "/pix"} {
		if got := e.recv.got(path); len(got) != 0 {
			t.Errorf("%s after the reset: %d callbacks", path, len(got))
		}
	}
	payout["amountInCents"] = 1
	if code, body := e.call(m, http.MethodPost, "/v1/payments/payouts/pix", payout); code != http.StatusOK {
		t.Errorf("payout key reused after the reset: HTTP %d %s", code, body)
	}
	if e.lq.ResetMerchant("nobody") {
		t.Error("ResetMerchant of an unknown merchant reported one")
	}
}

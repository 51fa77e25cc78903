package liquido_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/trigger"
)

func retentionPayout(key, comment string) map[string]any {
	return map[string]any{"idempotencyKey": key, "country": "BR", "targetName": "Ana", "targetDocument": "42243309114",
		"targetPixKey": "ana@example.com", "targetPixKeyType": "email", "amountInCents": 12345, "currency": "BRL", "comment": comment}
}

// Forget (retention) drops what is finished, with everything that hangs
// off it — refunds, page tokens, a link's charge and the link — and keeps
// what is still live, by the same rule for every kind: until nothing more
// can happen to it by itself. Each case makes one record, asks Forget
// before and after moving the clock, and checks the provider's answers.
func TestForgetEveryKind(t *testing.T) {
	type probe struct {
		method, path string
		want         int // HTTP status once forgotten
	}
	cases := []struct {
		name string
		kind string
		// make creates the record and returns its ledger id and the
		// hosted page (if any) that must go with it.
		make func(e *env) (id, page string)
		// kept: Forget refuses before advance; then advance moves the
		// clock (0: not at all) and Forget must drop it.
		kept    bool
		advance time.Duration
		gone    []probe // answers after it is forgotten
		stay    []probe // answers that must not change (other records)
	}{
		{name: "settled card payment", make: func(e *env) (string, string) {
			e.post(merchantA, "/v1/payments/charges/card", cardCharge("card-1", "BR", "4242424242424242"))
			return "card-1", ""
		}, gone: []probe{{http.MethodGet, "/v1/payments/charges/card-1", http.StatusNotFound}}},
		{name: "payment with a settled refund: the refund goes too", make: func(e *env) (string, string) {
			e.post(merchantA, "/v1/payments/charges/card", cardCharge("card-2", "BR", "4242424242424242"))
			e.post(merchantA, "/v1/payments/charges/refund", refund("card-2-r", "card-2", 1000, "BRL", "BR"))
			return "card-2", ""
		}, gone: []probe{{http.MethodGet, "/v1/payments/charges/card-2", http.StatusNotFound},
			{http.MethodGet, "/v1/payments/charges/refund/card-2-r", http.StatusNotFound}}},
		{name: "payment with a refund in progress is kept until it ends", make: func(e *env) (string, string) {
			e.post(merchantA, "/v1/payments/charges/card", cardCharge("async", "BR", "4000000000007726"))
			e.post(merchantA, "/v1/payments/charges/refund", refund("async-r", "async", 10000, "BRL", "BR"))
			return "async", ""
		}, kept: true, advance: 180 * time.Second, gone: []probe{{http.MethodGet, "/v1/payments/charges/async", http.StatusNotFound},
			{http.MethodGet, "/v1/payments/charges/refund/async-r", http.StatusNotFound}}},
		{name: "local payment in progress is kept until it settles", make: func(e *env) (string, string) {
			e.post(merchantA, "/v1/payments/charges/pix", with(localCharge("pix-1", "BR", "PIX_DYNAMIC_QR"), "description", "asyncFinalizationDelay=60"))
			return "pix-1", ""
		}, kept: true, advance: time.Minute, gone: []probe{{http.MethodGet, "/v1/payments/charges/pix-1", http.StatusNotFound}}},
		{name: "3-D Secure payment: its page goes with it", make: func(e *env) (string, string) {
			got := e.post(merchantA, "/v1/payments/charges/card", with(cardCharge("tds", "BR", "4242424242424242"),
				"card3dsInfo", map[string]any{"use3ds": true, "merchantSite3ds": "https://shop.example/3ds-done"}))
			page := str(at(got, "transferDetails.card.card3dsInfo.threeDsRedirectUrl"))
			e.page(http.MethodPost, page, url.Values{"decision": {"approve"}})
			return "tds", page
		}, gone: []probe{{http.MethodGet, "/v1/payments/charges/tds", http.StatusNotFound}}},
		{name: "payout in progress is kept until it settles", kind: "payout", make: func(e *env) (string, string) {
			e.post(merchantA, "/v1/payments/payouts/pix", retentionPayout("po-1", "statusDelay=60"))
			return "po-1", ""
		}, kept: true, advance: time.Minute},
		{name: "settled payout with its return still due is kept", kind: "payout", make: func(e *env) (string, string) {
			e.post(merchantA, "/v1/payments/payouts/pix", retentionPayout("po-2", "statusEvent=SETTLED_THEN_REJECTED;statusDelay=20"))
			e.advance(merchantA, 20*time.Second) // settled; returned 20 s later
			return "po-2", ""
		}, kept: true, advance: 20 * time.Second},
		{name: "open payment link is kept until it expires; its page goes", kind: "payment_link", make: func(e *env) (string, string) {
			body := linkBody(10000, "PIX")
			body["expiresAt"] = t0.Add(time.Hour).Unix()
			page, id := e.createLink(merchantA, body)
			return id, page
		}, kept: true, advance: time.Hour},
		{name: "a paid link's charge takes the link with it", make: func(e *env) (string, string) {
			page, id := e.createLink(merchantA, linkBody(10000, "BOLETO"))
			e.page(http.MethodGet, page+"?outcome=approve&method=BOLETO", nil)
			return id, page
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			// Another finished payment, which no Forget names, stays.
			e.post(merchantA, "/v1/payments/charges/card", cardCharge("other", "BR", "4242424242424242"))
			id, page := tc.make(e)
			if page != "" {
				if code, _, _ := e.page(http.MethodGet, page, nil); code != http.StatusOK {
					t.Fatalf("page before: HTTP %d", code)
				}
			}
			if tc.kept {
				if e.lq.Forget(merchantA.id, id, tc.kind, nil) {
					t.Fatalf("Forget dropped a live record")
				}
				e.advance(merchantA, tc.advance)
			}
			if !e.lq.Forget(merchantA.id, id, tc.kind, nil) {
				t.Fatalf("Forget kept a finished record")
			}
			for _, p := range tc.gone {
				if code, body := e.call(merchantA, p.method, p.path, nil); code != p.want {
					t.Errorf("%s %s: HTTP %d %s, want %d", p.method, p.path, code, body, p.want)
				}
			}
			if page != "" {
				if code, _, _ := e.page(http.MethodGet, page, nil); code != http.StatusNotFound {
					t.Errorf("page after: HTTP %d, want 404", code)
				}
			}
			if code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/charges/other", nil); code != http.StatusOK {
				t.Errorf("an unrelated payment: HTTP %d", code)
			}
			// Forgetting again, or what was never there, is done.
			if !e.lq.Forget(merchantA.id, id, tc.kind, nil) || !e.lq.Forget("no-such-merchant", id, tc.kind, nil) {
				t.Errorf("Forget of nothing reported a live record")
			}
			raw, err := e.lq.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), `"`+id+`"`) {
				t.Errorf("the snapshot still names %s:\n%s", id, raw)
			}
		})
	}
}

// A forgotten key can be used again, payouts' and refunds' too: the new
// object is a new one, not a replay of the old.
func TestForgottenKeysAreFree(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("k", "BR", "4242424242424242"))
	e.post(merchantA, "/v1/payments/charges/refund", refund("k-r", "k", 1000, "BRL", "BR"))
	e.post(merchantA, "/v1/payments/payouts/pix", retentionPayout("po", "statusDelay=15"))
	e.advance(merchantA, 15*time.Second)
	if !e.lq.Forget(merchantA.id, "k", "", nil) || !e.lq.Forget(merchantA.id, "po", "payout", nil) {
		t.Fatal("Forget kept a finished record")
	}
	e.advance(merchantA, time.Hour)
	got := []any{
		at(e.post(merchantA, "/v1/payments/charges/card", with(cardCharge("k", "BR", "4242424242424242"), "amount", 500)), "amount"),
		at(e.post(merchantA, "/v1/payments/charges/refund", refund("k-r", "k", 200, "BRL", "BR")), "amount"),
		at(e.post(merchantA, "/v1/payments/payouts/pix", retentionPayout("po", "statusDelay=15")), "transferStatus"),
	}
	if diff := cmp.Diff([]any{float64(500), float64(200), "IN_PROGRESS"}, got); diff != "" {
		t.Errorf("reusing forgotten keys (-want +got):\n%s", diff)
	}
}

// A timer stopped before it fires (a payment finished early, a link paid
// before its expiry, a payout settled by a trigger) leaves the books'
// timer set at once, not at the next reset: forgetting what armed it
// leaves nothing behind.
func TestStoppedTimersLeaveTheBooks(t *testing.T) {
	e := newEnv(t)
	pending := func() int { return e.tenant(merchantA).Clock.Pending() }
	base := pending()
	for i := range 3 {
		key := fmt.Sprint("po-", i)
		e.post(merchantA, "/v1/payments/payouts/pix", retentionPayout(key, "statusDelay=600"))
		if _, err := e.lq.Trigger(merchantA.id, key, trigger.Event{Name: trigger.Settle}); err != nil {
			t.Fatal(err)
		}
		if !e.lq.Forget(merchantA.id, key, "payout", nil) {
			t.Fatalf("Forget kept a payout settled by a trigger")
		}
	}
	if got := pending(); got != base {
		t.Errorf("%d timers pending on the clock, want %d", got, base)
	}
	if n := e.lq.TimersHeld(merchantA.id); n != 0 {
		t.Errorf("the books hold %d timers after everything that armed one was forgotten", n)
	}
}

// gone (the ledger's forgetting) runs only when the record is forgotten,
// or was never there: a live record stays listed in the control plane.
func TestForgetCallsGoneOnlyWhenForgotten(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/card", cardCharge("done", "BR", "4242424242424242"))
	e.post(merchantA, "/v1/payments/payouts/pix", retentionPayout("live", "statusDelay=600"))
	var calls []string
	for _, tc := range []struct{ key, kind string }{{"live", "payout"}, {"done", ""}, {"never", ""}} {
		e.lq.Forget(merchantA.id, tc.key, tc.kind, func() { calls = append(calls, tc.key) })
	}
	e.lq.Forget("no-such-merchant", "x", "", func() { calls = append(calls, "x") })
	if diff := cmp.Diff([]string{"done", "never", "x"}, calls); diff != "" {
		t.Errorf("gone calls (-want +got):\n%s", diff)
	}
}

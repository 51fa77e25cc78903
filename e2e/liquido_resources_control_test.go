package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// The control plane reaches every Liquido resource, not only charges: a
// reset forgets payment links, references and payouts with their pages,
// timers and idempotency keys; triggers settle, fail and return payouts,
// expire links and pay PayCash references; payouts are listed and awaited.

// A reset of one merchant: its link and reference pages 404, its payout in
// progress never settles nor calls back, its idempotencyKeys are free again.
func TestLiquidoResetForgetsLinksReferencesAndPayouts(t *testing.T) {
	t.Parallel()
	m := lqNamed("lq-reset-all")
	s := lqStart(t, m)
	rv := callbacktest.New(t)

	linkPage, _ := s.lqCreateLink(t, m, lqLinkBody("reset-order", 10000, rv.URL+"/link", "CREDIT_CARD", "PIX"))
	refKey := lqKey(t, "ref")
	ref := s.post(t, m, "/v1/payments/charges/references", map[string]any{
		"idempotencyKey": refKey, "country": "MX", "currency": "MXN", "description": "fee", "callbackUrl": rv.URL + "/ref",
	})
	refPage, _ := lqAt(ref, "transferDetails.payCash.paymentUrl").(string)
	payoutKey := lqKey(t, "payout")
	if got := s.post(t, m, "/v1/payments/payouts/pix", lqPixPayout(payoutKey, rv.URL+"/payout", "statusDelay=60"))["transferStatus"]; got != "IN_PROGRESS" {
		t.Fatalf("payout: %v", got)
	}
	for _, u := range []string{linkPage, refPage} {
		if p := lqPage(t, http.MethodGet, u, nil); p.code != http.StatusOK {
			t.Fatalf("GET %s before the reset: HTTP %d", u, p.code)
		}
	}

	code, body := s.ctl(t, http.MethodPost, "/_mockpay/reset?merchant="+m.id, "", nil)
	if diff := cmp.Diff([]any{"liquido:" + m.id}, body["reset"]); code != http.StatusOK || diff != "" {
		t.Fatalf("reset: HTTP %d (-want +got):\n%s", code, diff)
	}
	for _, u := range []string{linkPage, refPage} {
		if p := lqPage(t, http.MethodGet, u, nil); p.code != http.StatusNotFound {
			t.Errorf("GET %s after the reset: HTTP %d, want 404", u, p.code)
		}
	}
	s.advance(t, m, "2h")
	if got := rv.Received(); len(got) != 0 {
		t.Errorf("after the reset and 2 h: %d callbacks, want none (first: %s)", len(got), got[0].Body)
	}
	if r := s.call(t, m, http.MethodGet, "/v1/payments/charges/references/"+refKey, nil); r.code != http.StatusNotFound {
		t.Errorf("the reference after the reset: HTTP %d %s", r.code, r.body)
	}

	// The same keys with other bodies: new objects, no conflict.
	again := lqPixPayout(payoutKey, rv.URL+"/payout", "statusDelay=15")
	again["amountInCents"] = 500
	if r := s.call(t, m, http.MethodPost, "/v1/payments/payouts/pix", again); r.code != http.StatusOK || r.json(t)["transferStatus"] != "IN_PROGRESS" {
		t.Errorf("payout key reused after the reset: HTTP %d %s", r.code, r.body)
	}
	if r := s.call(t, m, http.MethodPost, "/v1/payments/charges/references", map[string]any{
		"idempotencyKey": refKey, "country": "MX", "currency": "MXN", "amount": 10000, "description": "other",
	}); r.code != http.StatusOK {
		t.Errorf("reference key reused after the reset: HTTP %d %s", r.code, r.body)
	}
	s.advance(t, m, "15s")
	if diff := cmp.Diff([]string{"PAYOUT_SUCCEEDED " + payoutKey + " SETTLED "}, lqPayoutEvents(t, rv, m.secret)); diff != "" {
		t.Errorf("callbacks after the reset (-want +got):\n%s", diff)
	}
}

// Triggers on payouts, payment links and PayCash references, each with the
// callback an organic change sends; what does not apply is a 409 with the
// current status.
func TestLiquidoTriggersOnPayoutsLinksAndReferences(t *testing.T) {
	t.Parallel()
	m := lqNamed("lq-trigger-resources")
	s := lqStart(t, m)

	payout := func(t *testing.T, rv *callbacktest.Receiver) string {
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/payouts/pix", lqPixPayout(key, rv.URL, "statusDelay=600"))
		return key
	}
	for _, tc := range []struct {
		name   string
		events []map[string]any
		codes  []int
		status []string
		want   []string // payout callbacks, <key> for the key
	}{
		{"settle", []map[string]any{{"event": "settle"}}, []int{200}, []string{"SETTLED"},
			[]string{"PAYOUT_SUCCEEDED <key> SETTLED "}},
		{"fail with a reason", []map[string]any{{"event": "fail", "reason": "Account closed"}}, []int{200}, []string{"REJECTED"},
			[]string{"PAYOUT_REJECTED <key> REJECTED Account closed"}},
		{"settle, then reverse (returned)", []map[string]any{{"event": "settle"}, {"event": "reverse"}}, []int{200, 200}, []string{"SETTLED", "REJECTED"},
			[]string{"PAYOUT_SUCCEEDED <key> SETTLED ", "PAYOUT_REJECTED <key> REJECTED Payout returned by the recipient's bank"}},
		{"reverse in progress is a conflict", []map[string]any{{"event": "reverse"}}, []int{409}, []string{"IN_PROGRESS"}, nil},
		{"refund is a conflict", []map[string]any{{"event": "refund"}}, []int{409}, []string{"IN_PROGRESS"}, nil},
		{"settle twice is a conflict", []map[string]any{{"event": "settle"}, {"event": "settle"}}, []int{200, 409}, []string{"SETTLED", "SETTLED"},
			[]string{"PAYOUT_SUCCEEDED <key> SETTLED "}},
	} {
		// Not parallel: each moves the merchant's clock past the others'
		// scripted settlements.
		t.Run("payout "+tc.name, func(t *testing.T) {
			rv := callbacktest.New(t)
			key := payout(t, rv)
			for i, ev := range tc.events {
				ev["merchant"] = m.id
				code, got := s.trigger(t, key, ev)
				if code != tc.codes[i] || got["status"] != tc.status[i] {
					t.Fatalf("%v: HTTP %d %v; want %d with status %s", ev, code, got, tc.codes[i], tc.status[i])
				}
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, strings.Replace(w, "<key>", key, 1))
			}
			if diff := cmp.Diff(want, lqPayoutEvents(t, rv, m.secret)); diff != "" {
				t.Errorf("callbacks (-want +got):\n%s", diff)
			}
			// The scripted settlement, 600 s on, changes nothing more.
			if len(tc.want) > 0 {
				s.advance(t, m, "20m")
				if n := len(rv.Received()); n != len(want) {
					t.Errorf("after the scripted delay: %d callbacks, want %d", n, len(want))
				}
			}
		})
	}

	t.Run("expire an unpaid payment link", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		page, id := s.lqCreateLink(t, m, lqLinkBody("trigger-expire", 10000, rv.URL, "CREDIT_CARD"))
		code, got := s.trigger(t, id, map[string]any{"merchant": m.id, "event": "expire"})
		if code != http.StatusOK || got["status"] != "EXPIRED" {
			t.Fatalf("expire: HTTP %d %v", code, got)
		}
		if diff := cmp.Diff([]string{"CHARGE_FAILED EXPIRED INITIAL_STATUS null"}, lqLinkSummary(lqLinkEvents(t, rv, m.secret))); diff != "" {
			t.Errorf("notifications (-want +got):\n%s", diff)
		}
		if p := lqPage(t, http.MethodGet, page+"?outcome=approve", nil); strings.Contains(p.body, "Paid") {
			t.Errorf("an expired link still pays: HTTP %d", p.code)
		}
		if code, got := s.trigger(t, id, map[string]any{"merchant": m.id, "event": "expire"}); code != http.StatusConflict || got["status"] != "EXPIRED" {
			t.Errorf("expire twice: HTTP %d %v; want 409 EXPIRED", code, got)
		}
		if code, _ := s.trigger(t, id, map[string]any{"merchant": m.id, "event": "refund"}); code != http.StatusConflict {
			t.Errorf("refund of a link: HTTP %d; want 409", code)
		}
	})

	t.Run("a PayCash recurring reference paid twice", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/references", map[string]any{
			"idempotencyKey": key, "country": "MX", "currency": "MXN", "description": "monthly", "callbackUrl": rv.URL,
		})
		for _, amount := range []int{25000, 9950} {
			if code, got := s.trigger(t, key, map[string]any{"merchant": m.id, "event": "settle", "amount": amount}); code != http.StatusOK || got["status"] != "ACTIVE" {
				t.Fatalf("pay %d: HTTP %d %v", amount, code, got)
			}
		}
		evs := lqEvents(t, rv)
		var got []string
		keys := map[string]bool{}
		for _, ev := range evs {
			lqCheckSigned(t, "reference payment", ev, m.secret)
			d := ev.Data.ChargeDetails
			got = append(got, strings.Join([]string{ev.EventType, lqStr(d["transferStatus"]), lqStr(d["amount"]), lqStr(d["paymentMethod"]), lqStr(d["referenceId"])}, " "))
			if k := lqStr(d["idempotencyKey"]); regexp.MustCompile(`^ref_[A-Za-z0-9]{25}$`).MatchString(k) {
				keys[k] = true
			}
		}
		want := []string{"CHARGE_SUCCEEDED SETTLED 25000 PAY_CASH " + key, "CHARGE_SUCCEEDED SETTLED 9950 PAY_CASH " + key}
		if diff := cmp.Diff(want, got); diff != "" || len(keys) != 2 {
			t.Errorf("callbacks (-want +got):\n%s\npayment keys %v", diff, keys)
		}
		for _, bad := range []map[string]any{{"event": "settle"}, {"event": "settle", "amount": 0}, {"event": "settle", "amount": 2000001}} {
			bad["merchant"] = m.id
			if code, _ := s.trigger(t, key, bad); code != http.StatusBadRequest {
				t.Errorf("%v: HTTP %d; want 400", bad, code)
			}
		}
		if code, _ := s.trigger(t, key, map[string]any{"merchant": m.id, "event": "expire"}); code != http.StatusConflict {
			t.Errorf("expire of a reference: HTTP %d; want 409", code)
		}
	})
}

// A payout is in the payments list as kind payout, and a test awaits its
// SETTLED status instead of sleeping.
func TestLiquidoPayoutListedAndAwaited(t *testing.T) {
	t.Parallel()
	m := lqNamed("lq-payout-await")
	s := lqStart(t, m)
	rv := callbacktest.New(t)
	key := lqKey(t, "")
	s.post(t, m, "/v1/payments/payouts/pix", lqPixPayout(key, rv.URL, "statusDelay=30"))

	done := make(chan map[string]any, 1)
	go func() {
		code, out := awaitJSON(t, s.mockpay, "/_mockpay/await/payment?merchant="+m.id+"&payment_id="+key+"&status=SETTLED&timeout=10s")
		if code != http.StatusOK {
			t.Errorf("await: HTTP %d %v", code, out)
		}
		done <- out
	}()
	_, list := s.ctl(t, http.MethodGet, "/_mockpay/payments?merchant="+m.id, "", nil)
	items, _ := list["payments"].([]any)
	if len(items) != 1 {
		t.Fatalf("payments: %v", list)
	}
	rec := items[0].(map[string]any)
	if diff := cmp.Diff(map[string]any{"id": key, "kind": "payout", "status": "IN_PROGRESS", "amount": float64(12345), "currency": "BRL"},
		map[string]any{"id": rec["id"], "kind": rec["kind"], "status": rec["status"], "amount": rec["amount"], "currency": rec["currency"]}); diff != "" {
		t.Errorf("listed payout (-want +got):\n%s", diff)
	}
	s.advance(t, m, "30s")
	out := <-done
	p, _ := out["payment"].(map[string]any)
	if p["status"] != "SETTLED" || p["kind"] != "payout" || lqAt(p, "payment.transferStatus") != "SETTLED" {
		t.Errorf("awaited: %v", out)
	}
}

// A payment link is listed from its creation as kind payment_link, a test
// awaits its expiry, and once paid its charge takes the entry over.
func TestLiquidoPaymentLinkListedAndAwaited(t *testing.T) {
	t.Parallel()
	m := lqNamed("lq-link-await")
	s := lqStart(t, m)
	rv := callbacktest.New(t)
	body := lqLinkBody("await-expire", 10000, rv.URL, "CREDIT_CARD")
	body["expiresAt"] = s.now(t, m).Add(time.Hour).Unix()
	_, expiring := s.lqCreateLink(t, m, body)
	paidPage, paid := s.lqCreateLink(t, m, lqLinkBody("await-paid", 10000, rv.URL, "CREDIT_CARD"))

	entry := func(id string) map[string]any {
		_, list := s.ctl(t, http.MethodGet, "/_mockpay/payments?merchant="+m.id, "", nil)
		items, _ := list["payments"].([]any)
		for _, it := range items {
			if rec := it.(map[string]any); rec["id"] == id {
				return map[string]any{"kind": rec["kind"], "status": rec["status"], "amount": rec["amount"], "linkId": lqAt(rec, "payment.linkId")}
			}
		}
		return nil
	}
	want := map[string]any{"kind": "payment_link", "status": "INITIAL_STATUS", "amount": float64(10000), "linkId": expiring}
	if diff := cmp.Diff(want, entry(expiring)); diff != "" {
		t.Errorf("listed link (-want +got):\n%s", diff)
	}

	done := make(chan map[string]any, 1)
	go func() {
		code, out := awaitJSON(t, s.mockpay, "/_mockpay/await/payment?merchant="+m.id+"&payment_id="+expiring+"&status=EXPIRED&timeout=10s")
		if code != http.StatusOK {
			t.Errorf("await: HTTP %d %v", code, out)
		}
		done <- out
	}()
	s.advance(t, m, "1h")
	if out := <-done; lqAt(out, "payment.status") != "EXPIRED" || lqAt(out, "payment.kind") != "payment_link" {
		t.Errorf("awaited: %v", out)
	}

	if p := lqPage(t, http.MethodGet, paidPage+"?outcome=approve&method=CREDIT_CARD", nil); p.code >= 400 {
		t.Fatalf("paying the link: HTTP %d %s", p.code, p.body)
	}
	got := entry(paid)
	if got == nil || got["kind"] != nil || got["status"] != "SETTLED" {
		t.Errorf("the paid link's entry: %v; want its charge, SETTLED, with no kind", got)
	}
}

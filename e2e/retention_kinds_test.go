package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Retention covers everything a Liquido merchant's traffic leaves behind,
// not payments only: with --retain-payments 3 --retain-age 1h, payouts
// and payment links count with the payments, live ones (a payout in
// progress, a link still open) are kept past the limit until the virtual
// clock finishes them, then the oldest finished records go — a payment
// with its refunds, a link with its page — from the API (Liquido's 404s),
// the hosted pages and the control plane, and the newest stay.
func TestRetentionCoversPayoutsLinksAndRefunds(t *testing.T) {
	t.Parallel()
	s := &lqServer{mockpay: start(t, "--retain-payments", "3", "--retain-age", "1h"), tokens: map[string]string{}}
	m := lqDefault

	// listed is what the control plane lists for the merchant: "kind id".
	listed := func() []string {
		r := s.send(t, http.MethodGet, "/_mockpay/payments?provider=liquido&limit=100", nil, nil)
		var out struct {
			Payments []struct {
				ID   string `json:"id"`
				Kind string `json:"kind"`
			} `json:"payments"`
		}
		if err := json.Unmarshal(r.body, &out); r.code != http.StatusOK || err != nil {
			t.Fatalf("listing payments: HTTP %d %s", r.code, r.body)
		}
		var got []string
		for _, p := range out.Payments {
			if p.Kind == "" {
				p.Kind = "payment"
			}
			got = append(got, p.Kind+" "+p.ID)
		}
		sort.Strings(got)
		return got
	}
	// settles waits (bounded) for the sweep, once a second of real time,
	// to leave exactly want.
	settles := func(what string, want []string) {
		t.Helper()
		sort.Strings(want)
		deadline := time.Now().Add(10 * time.Second)
		got := listed()
		for !cmp.Equal(want, got) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			got = listed()
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s: listed (-want +got):\n%s", what, diff)
		}
	}

	// Live records, more than the limit: three payouts in progress and
	// four links waiting for their payer.
	var pages []string
	for i := range 3 {
		key := "ret-po-" + strconv.Itoa(i)
		got := s.post(t, m, "/v1/payments/payouts/pix", lqPixPayout(key, "", "statusDelay=15"))
		if got["transferStatus"] != "IN_PROGRESS" {
			t.Fatalf("payout %s: %v", key, got)
		}
	}
	var links []string
	for i := range 4 {
		body := lqLinkBody("ret-link-"+strconv.Itoa(i), 10000, "", "PIX")
		body["expiresAt"] = s.now(t, m).Add(30 * time.Minute).Unix()
		page, id := lqCreateLinkAt(t, s, m, body)
		pages, links = append(pages, page), append(links, id)
	}
	all := []string{"payout ret-po-0", "payout ret-po-1", "payout ret-po-2"}
	for _, id := range links {
		all = append(all, "payment_link "+id)
	}
	// Two sweeps pass: nothing live is forgotten, however far past the limit.
	time.Sleep(2500 * time.Millisecond)
	settles("live records past the limit", slices.Clone(all))

	// The clock settles the payouts and expires the links: all seven are
	// finished, and the four oldest (the payouts, the first link) go.
	s.advance(t, m, "1h")
	settles("after the clock finished them", slices.Clone(all[4:]))
	// A forgotten payout's key is free: the same request is a new payout,
	// not a replay of the settled one.
	if got := s.post(t, m, "/v1/payments/payouts/pix", lqPixPayout("ret-po-0", "", "statusDelay=15")); got["transferStatus"] != "IN_PROGRESS" {
		t.Errorf("payout ret-po-0 again after it was forgotten: %v", got)
	}
	s.advance(t, m, "1m")

	// Four payments with a refund each: the links, the payout just made and
	// the oldest payment go, with its refund.
	for i := range 4 {
		key := "ret-pay-" + strconv.Itoa(i)
		s.post(t, m, "/v1/payments/charges/card", lqCard(key, "BR", "4242424242424242"))
		if got := s.post(t, m, "/v1/payments/charges/refund", lqRefund(key+"-r", key, 100, "BR")); got["transferStatus"] != "SETTLED" {
			t.Fatalf("refund of %s: %v", key, got)
		}
	}
	settles("after four payments", []string{"payment ret-pay-1", "payment ret-pay-2", "payment ret-pay-3"})

	gone := []string{"/v1/payments/charges/ret-pay-0", "/v1/payments/charges/refund/ret-pay-0-r"}
	for _, path := range gone {
		if r := s.call(t, m, http.MethodGet, path, nil); r.code != http.StatusNotFound {
			t.Errorf("GET %s after retention: HTTP %d %s, want Liquido's 404", path, r.code, r.body)
		}
	}
	for _, key := range []string{"ret-pay-3", "ret-pay-1"} {
		if got := s.payment(t, m, key); got["transferStatus"] != "SETTLED" {
			t.Errorf("kept payment %s: %v", key, got["transferStatus"])
		}
		if r := s.call(t, m, http.MethodGet, "/v1/payments/charges/refund/"+key+"-r", nil); r.code != http.StatusOK {
			t.Errorf("kept refund %s-r: HTTP %d", key, r.code)
		}
	}
	for _, page := range pages {
		if got := lqPage(t, http.MethodGet, page, nil); got.code != http.StatusNotFound {
			t.Errorf("page of a forgotten link %s: HTTP %d", page, got.code)
		}
	}
	for _, id := range append([]string{"ret-po-1", "ret-pay-0"}, links...) {
		r := s.send(t, http.MethodGet, "/_mockpay/payments/"+url.PathEscape(id)+"?provider=liquido", nil, nil)
		if r.code != http.StatusNotFound {
			t.Errorf("control plane GET %s: HTTP %d %s, want 404", id, r.code, r.body)
		}
	}
}

// lqCreateLinkAt creates a payment link as m and returns its page and id.
func lqCreateLinkAt(t *testing.T, s *lqServer, m lqMerchant, body map[string]any) (string, string) {
	t.Helper()
	got := s.post(t, m, "/v2/cashier/payment-link/", body)
	page, _ := got["paymentLink"].(string)
	id, _ := got["linkId"].(string)
	if page == "" || id == "" {
		t.Fatalf("creating a link: %v", got)
	}
	return page, id
}

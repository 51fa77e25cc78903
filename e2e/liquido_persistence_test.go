package e2e

import (
	"net/http"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// A payout in progress and an unpaid payment link survive a restart on a
// state file: after the restart the payout settles when the restored clock
// reaches its delay, with its signed callback, and the link's page still
// takes a payment, with the link's notification.
func TestLiquidoPayoutAndPaymentLinkSurviveARestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	s := &lqServer{mockpay: start(t, "--state-file", path), tokens: map[string]string{}}
	m := lqDefault
	rv := callbacktest.New(t)
	key := lqKey(t, "")
	// 600 virtual seconds: clocks run at wall speed, the restart takes one or two.
	s.post(t, m, "/v1/payments/payouts/pix", lqPixPayout(key, rv.URL+"/payout", "statusDelay=600"))
	page, id := s.lqCreateLink(t, m, lqLinkBody("persisted-link", 10000, rv.URL+"/link", "CREDIT_CARD", "PIX"))
	s.stop(t)

	s2 := &lqServer{mockpay: start(t, "--state-file", path), tokens: map[string]string{}}
	if n := len(rv.Received()); n != 0 {
		t.Fatalf("%d callbacks before the restored clock reached the payout's delay", n)
	}
	// The payout is known: a replay answers it, still IN_PROGRESS.
	if got := s2.post(t, m, "/v1/payments/payouts/pix", lqPixPayout(key, rv.URL+"/payout", "statusDelay=600"))["transferStatus"]; got != "IN_PROGRESS" {
		t.Errorf("payout after the restart: %v", got)
	}
	s2.advance(t, m, "10m")
	if diff := cmp.Diff([]string{"PAYOUT_SUCCEEDED " + key + " SETTLED "}, lqPayoutEvents(t, rv, m.secret)); diff != "" {
		t.Errorf("payout callbacks after the restart (-want +got):\n%s", diff)
	}

	// The link's page (the same URL: the base URL did not change) pays.
	u, _ := url.Parse(page)
	u.Host = mustHost(t, s2.base)
	if p := lqPage(t, http.MethodGet, u.String()+"?outcome=approve&method=CREDIT_CARD", nil); p.code != http.StatusOK && p.code != http.StatusSeeOther && p.code != http.StatusFound {
		t.Fatalf("the link's page after the restart: HTTP %d %s", p.code, p.body)
	}
	// The page answers before the notification is delivered: await it.
	if code, out := awaitJSON(t, s2.mockpay, "/_mockpay/await/callbacks?merchant="+m.id+"&idempotency_key="+id+"&count=1&timeout=10s"); code != http.StatusOK {
		t.Fatalf("awaiting the link's notification: HTTP %d %v", code, out)
	}
	var links []string
	for _, r := range rv.Received() {
		if r.Path == "/link" {
			links = append(links, string(r.Body))
		}
	}
	if len(links) != 1 {
		t.Fatalf("link notifications after paying: %d", len(links))
	}
	if got := lqStr(s2.payment(t, m, id)["transferStatus"]); got != "SETTLED" {
		t.Errorf("the link's charge after the restart: %s", got)
	}
}

func mustHost(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

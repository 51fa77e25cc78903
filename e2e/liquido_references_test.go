package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// A PayCash recurring reference (reference §6) is paid twice on its
// mockpay page, as a person would: two charges with Liquido-generated
// ref_… keys, referenceId the reference's key, payCash.recurring true, each
// with its own signed CHARGE_SUCCEEDED callback.
func TestLiquidoPayCashRecurringReferencePaidTwice(t *testing.T) {
	t.Parallel()
	m := lqNamed("lq-references")
	s := lqStart(t, m)
	rv := callbacktest.New(t)
	key := lqKey(t, "")

	ref := s.post(t, m, "/v1/payments/charges/references", map[string]any{
		"idempotencyKey": key, "country": "MX", "currency": "MXN", "description": "monthly fee", "callbackUrl": rv.URL + "/ref",
	})
	lqDiff(t, "reference", `{"transferStatusCode":200,"idempotencyKey":"`+key+`","country":"MX","currency":"MXN","createTime":"<time>",
		"status":"ACTIVE","description":"monthly fee","callbackUrl":"`+rv.URL+`/ref",
		"transferDetails":{"payCash":{"amount":0,"expirationDate":null,"reference":"<varies>","paymentUrl":"<varies>"}}}`,
		ref, "transferDetails.payCash.reference", "transferDetails.payCash.paymentUrl")
	number, _ := lqAt(ref, "transferDetails.payCash.reference").(string)
	page, _ := lqAt(ref, "transferDetails.payCash.paymentUrl").(string)
	if !regexp.MustCompile(`^\d{13}$`).MatchString(number) || !strings.HasPrefix(page, s.base+"/liquido/reference/") {
		t.Fatalf("reference %q, page %q", number, page)
	}
	if diff := cmp.Diff(ref, s.get(t, m, "/v1/payments/charges/references/"+key)); diff != "" {
		t.Errorf("retrieved (-created +got):\n%s", diff)
	}

	// The page: plain HTML, never framed, a strict policy, a form to itself.
	resp, err := httpClient.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Frame-Options") != "DENY" ||
		!strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("page: HTTP %d, X-Frame-Options %q, CSP %q", resp.StatusCode, resp.Header.Get("X-Frame-Options"), csp)
	}

	var paid []string
	for _, amount := range []string{"250.00", "99.5"} {
		p := lqPage(t, http.MethodPost, page, url.Values{"amount": {amount}})
		k := regexp.MustCompile(`Paid: payment (ref_[A-Za-z0-9]{25}) \(SETTLED\)`).FindStringSubmatch(p.body)
		if p.code != http.StatusOK || k == nil {
			t.Fatalf("paying %s: HTTP %d\n%s", amount, p.code, p.body)
		}
		paid = append(paid, k[1])
	}
	if paid[0] == paid[1] {
		t.Fatalf("both payments are %s", paid[0])
	}
	s.advance(t, m, "0s")

	// Two payments' callbacks may overtake each other; put them in payment order.
	evs := lqEvents(t, rv)
	order := map[any]int{paid[0]: 0, paid[1]: 1}
	sort.SliceStable(evs, func(i, j int) bool {
		return order[evs[i].Data.ChargeDetails["idempotencyKey"]] < order[evs[j].Data.ChargeDetails["idempotencyKey"]]
	})
	if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED " + paid[0] + " SETTLED", "CHARGE_SUCCEEDED " + paid[1] + " SETTLED"}, lqSummary(evs)); diff != "" {
		t.Fatalf("callbacks (-want +got):\n%s", diff)
	}
	for i, ev := range evs {
		lqCheckSigned(t, paid[i], ev, m.secret, lqDefault.secret)
		d := ev.Data.ChargeDetails
		got := []any{d["referenceId"], d["paymentMethod"], d["amount"], d["currency"], lqAt(d, "transferDetails.payCash.recurring"),
			lqAt(d, "transferDetails.payCash.referenceNumber"), d["finalStatusTime"] != nil}
		want := []any{key, "PAY_CASH", []float64{25000, 9950}[i], "MXN", true, number, true}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("callback %d (-want +got):\n%s", i, diff)
		}
		// Each payment is a charge like any other: retrievable by its key.
		if p := s.payment(t, m, paid[i]); p["transferStatus"] != "SETTLED" || p["referenceId"] != key {
			t.Errorf("GET %s: %v %v", paid[i], p["transferStatus"], p["referenceId"])
		}
	}

	// The reference still takes payments; a bad amount is refused on the page.
	if p := lqPage(t, http.MethodPost, page, url.Values{"amount": {"-1"}}); p.code != http.StatusBadRequest || !strings.Contains(p.body, `id="error"`) {
		t.Errorf("amount -1: HTTP %d", p.code)
	}
	if p := lqPage(t, http.MethodPost, page, url.Values{"amount": {"20000.01"}}); p.code != http.StatusBadRequest {
		t.Errorf("over PayCash's limit: HTTP %d", p.code)
	}
}

// A reference with an expirationDate turns EXPIRED after that day on the
// merchant's clock, and its page takes no more payments.
func TestLiquidoPayCashReferenceExpires(t *testing.T) {
	t.Parallel()
	m := lqNamed("lq-references-expiry")
	s := lqStart(t, m)
	day := s.now(t, m).In(lqZone).AddDate(0, 0, 2).Format("2006-01-02")
	ref := s.post(t, m, "/v1/payments/charges/references", map[string]any{
		"idempotencyKey": lqKey(t, ""), "country": "CO", "currency": "COP", "amount": 1500000, "expirationDate": day,
	})
	if got := lqAt(ref, "transferDetails.payCash.expirationDate"); got != day {
		t.Errorf("expirationDate %v, want %s", got, day)
	}
	s.advance(t, m, "72h")
	if got := s.get(t, m, "/v1/payments/charges/references/"+lqKey(t, ""))["status"]; got != "EXPIRED" {
		t.Errorf("three days later: %v", got)
	}
	page, _ := lqAt(ref, "transferDetails.payCash.paymentUrl").(string)
	if p := lqPage(t, http.MethodPost, page, url.Values{"amount": {"15000"}}); p.code != http.StatusBadRequest || !strings.Contains(p.body, "EXPIRED") {
		t.Errorf("paying an expired reference: HTTP %d\n%s", p.code, p.body)
	}
}

// lqZone is the offset Liquido's timestamps carry (GMT-08:00 in mockpay).
var lqZone = time.FixedZone("GMT-08:00", -8*60*60)

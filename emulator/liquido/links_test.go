package liquido_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// linkEvents lists "EVENT paymentStatus refundStatus finalPaymentMethod" of
// the link notifications on path.
func (e *env) linkEvents(path string) []string {
	e.t.Helper()
	var out []string
	for _, r := range e.recv.got(path) {
		var ev struct {
			EventType string         `json:"eventType"`
			Data      map[string]any `json:"data"`
		}
		if err := json.Unmarshal(r.Body, &ev); err != nil || ev.Data["linkId"] == nil {
			e.t.Fatalf("not a link notification: %s", r.Body)
		}
		method, _ := ev.Data["finalPaymentMethod"].(string)
		out = append(out, strings.Join([]string{ev.EventType, str(ev.Data["paymentStatus"]), str(ev.Data["refundStatus"]), method}, " "))
	}
	return out
}

func (e *env) createLink(m merchant, body map[string]any) (string, string) {
	e.t.Helper()
	got := e.post(m, "/v2/cashier/payment-link/", body)
	return got["paymentLink"].(string), got["linkId"].(string)
}

func linkBody(amount int64, methods ...string) map[string]any {
	return map[string]any{"orderId": "order-1", "amount": amount, "currency": "BRL", "country": "BR",
		"allowPaymentMethods": methods, "name": "Ana Souza", "email": "ana@example.com", "documentId": "42243309114"}
}

// A link's charge changes are reported once, as the link, through the one
// funnel; the charge itself stays an ordinary payment.
func TestPaymentLinkFollowsItsCharge(t *testing.T) {
	cases := []struct {
		name   string
		method string
		drive  func(e *env, u string)
		want   []string
		charge string // the charge's transferStatus at the end
	}{
		{"boleto approved headlessly", "BOLETO", func(e *env, u string) {
			e.page(http.MethodGet, u+"?outcome=approve&method=BOLETO", nil)
		}, []string{"CHARGE_SUCCEEDED SETTLED INITIAL_STATUS BOLETO"}, "SETTLED"},
		{"Pix chosen, then declined on the page", "PIX", func(e *env, u string) {
			e.page(http.MethodPost, u, url.Values{"method": {"PIX"}})
			e.page(http.MethodPost, u, url.Values{"decision": {"decline"}})
		}, []string{"CHARGE_FAILED FAILED INITIAL_STATUS PIX"}, "FAILED"},
		{"Pix chosen, the link expires first", "PIX", func(e *env, u string) {
			e.page(http.MethodPost, u, url.Values{"method": {"PIX"}})
			e.advance(merchantA, 2*time.Minute)
		}, []string{"CHARGE_FAILED EXPIRED INITIAL_STATUS PIX"}, "EXPIRED"},
		{"Pix chosen, settled on the clock", "PIX", func(e *env, u string) {
			e.page(http.MethodPost, u, url.Values{"method": {"PIX"}})
			e.advance(merchantA, 30*time.Second)
		}, []string{"CHARGE_SUCCEEDED SETTLED INITIAL_STATUS PIX"}, "SETTLED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			body := linkBody(10000, "CREDIT_CARD", c.method)
			body["expiresAt"] = t0.Add(time.Minute).Unix()
			body["description"] = "asyncFinalizationDelay=30"
			if strings.Contains(c.name, "expires") {
				body["description"] = ""
			}
			u, id := e.createLink(merchantA, body)
			c.drive(e, u)
			e.settle(merchantA)
			if diff := cmp.Diff(c.want, e.linkEvents("/a")); diff != "" {
				t.Errorf("notifications (-want +got):\n%s", diff)
			}
			if got := e.get(merchantA, "/v1/payments/charges/"+id)["transferStatus"]; got != c.charge {
				t.Errorf("the charge is %v, want %s", got, c.charge)
			}
		})
	}
}

// Under concurrent requests a link takes one refund, and a payout key makes
// one payout.
func TestPaymentLinkRefundAndPayoutUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	u, id := e.createLink(merchantA, linkBody(10000, "CREDIT_CARD"))
	if code, _, _ := e.page(http.MethodGet, u+"?outcome=approve", nil); code != http.StatusOK {
		t.Fatalf("approve: HTTP %d", code)
	}
	payout := map[string]any{"idempotencyKey": "po-1", "country": "BR", "targetName": "Ana", "targetDocument": "42243309114",
		"targetPixKey": "+5511987654321", "targetPixKeyType": "PHONE", "amountInCents": 100, "currency": "BRL"}
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				codes[i], _ = e.call(merchantA, http.MethodPost, "/v2/cashier/payment-link/refund", map[string]any{"linkId": id, "refundAmount": 100 + i})
			} else {
				codes[i], _ = e.call(merchantA, http.MethodPost, "/v1/payments/payouts/pix", payout)
			}
		}()
	}
	wg.Wait()
	ok := 0
	for i, c := range codes {
		switch {
		case i%2 == 1 && c != http.StatusOK:
			t.Errorf("payout retry %d: HTTP %d", i, c)
		case i%2 == 0 && c == http.StatusOK:
			ok++
		}
	}
	if ok != 1 {
		t.Errorf("%d refunds accepted, want 1", ok)
	}
	e.advance(merchantA, 3*time.Minute)
	var payouts []string
	for _, r := range e.recv.got("/a") {
		if strings.Contains(string(r.Body), "PAYOUT_") {
			payouts = append(payouts, string(r.Body[:20]))
		}
	}
	if diff := cmp.Diff([]string{`{"eventType":"PAYOUT`}, payouts); diff != "" {
		t.Errorf("payout callbacks (-want +got):\n%s", diff)
	}
}

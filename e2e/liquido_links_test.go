package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// lqLinkEvent is a payment-link notification as the merchant receives it:
// {eventType, data: <link object>} (reference liquido.md §10).
type lqLinkEvent struct {
	EventType string         `json:"eventType"`
	Data      map[string]any `json:"data"`
	raw       []byte
	signature string
}

// lqLinkEvents decodes the notifications rv received, and checks that each
// has exactly eventType and data, with the link object as data (no
// chargeDetails wrapper), signed with secret.
func lqLinkEvents(t *testing.T, rv *callbacktest.Receiver, secret string) []lqLinkEvent {
	t.Helper()
	var out []lqLinkEvent
	for _, r := range rv.Received() {
		var top map[string]json.RawMessage
		var ev lqLinkEvent
		if json.Unmarshal(r.Body, &top) != nil || json.Unmarshal(r.Body, &ev) != nil {
			t.Fatalf("notification is not a JSON object: %q", r.Body)
		}
		if len(top) != 2 || ev.Data["linkId"] == nil || ev.Data["chargeDetails"] != nil {
			t.Errorf("notification %s; want exactly {eventType, data: <link object>}", r.Body)
		}
		ev.raw, ev.signature = r.Body, r.Header.Get("Liquido-Signature")
		if _, err := lqVerify(ev.signature, ev.raw, secret); err != nil {
			t.Errorf("%s: %v", ev.EventType, err)
		}
		altered := []byte(strings.Replace(string(ev.raw), `"amount":`, `"amount":1`, 1))
		if _, err := lqVerify(ev.signature, altered, secret); err == nil {
			t.Errorf("%s: an altered body still verifies", ev.EventType)
		}
		out = append(out, ev)
	}
	return out
}

// lqLinkSummary lists "EVENT paymentStatus refundStatus finalPaymentMethod".
func lqLinkSummary(evs []lqLinkEvent) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, strings.Join([]string{ev.EventType, lqStr(ev.Data["paymentStatus"]), lqStr(ev.Data["refundStatus"]), lqStr(ev.Data["finalPaymentMethod"])}, " "))
	}
	return out
}

func lqStr(v any) string {
	if v == nil {
		return "null"
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// lqCreateLink creates a payment link and returns its page URL and linkId.
func (s *lqServer) lqCreateLink(t *testing.T, m lqMerchant, body map[string]any) (string, string) {
	t.Helper()
	r := s.call(t, m, http.MethodPost, "/v2/cashier/payment-link/", body)
	got := r.json(t)
	id, _ := got["linkId"].(string)
	if r.code != http.StatusOK || len(got) != 2 || id == "" || got["paymentLink"] != s.base+"/liquido/buy/"+id {
		t.Fatalf("creating a link: HTTP %d %s; want {paymentLink: %s/liquido/buy/<linkId>, linkId}", r.code, r.body, s.base)
	}
	return got["paymentLink"].(string), id
}

func lqLinkBody(orderID string, amount int64, callbackURL string, methods ...string) map[string]any {
	return map[string]any{
		"orderId": orderID, "amount": amount, "currency": "BRL", "country": "BR",
		"allowPaymentMethods": methods, "name": "Ana Souza", "email": "ana@example.com", "phone": "+5511987654321",
		"documentId": "42243309114", "description": "order " + orderID, "callbackUrl": callbackURL,
	}
}

// A payment link lives its documented life against the binary: paid by
// card on its page, by Pix after a clock move, expired, refunded partly
// once and no more; every notification in the link's own shape, signed.
func TestLiquidoPaymentLinks(t *testing.T) {
	t.Parallel()
	card, pix, expired, refunded, errs := lqNamed("lq-link-card"), lqNamed("lq-link-pix"), lqNamed("lq-link-expired"), lqNamed("lq-link-refund"), lqNamed("lq-link-errors")
	s := lqStart(t, card, pix, expired, refunded, errs)

	t.Run("paid by card on its page", func(t *testing.T) {
		t.Parallel()
		m, rv := card, callbacktest.New(t)
		body := lqLinkBody(lqKey(t, ""), 10000, rv.URL+"/links", "CREDIT_CARD", "PIX", "BOLETO")
		body["name"] = `Ana <script>alert(1)</script>`
		body["redirectUrl"] = "https://shop.example/thanks"
		u, id := s.lqCreateLink(t, m, body)

		resp, err := httpClient.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		html := string(raw)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Frame-Options") != "DENY" ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Fatalf("GET %s: HTTP %d, headers %v", u, resp.StatusCode, resp.Header)
		}
		// The methods in the order given, each a form that works without
		// JavaScript; the merchant's text escaped.
		c, p, b := strings.Index(html, `id="method-CREDIT_CARD"`), strings.Index(html, `id="method-PIX"`), strings.Index(html, `id="method-BOLETO"`)
		if c < 0 || !(c < p && p < b) || strings.Contains(html, "<script") || !strings.Contains(html, "Ana &lt;script&gt;") {
			t.Fatalf("the page does not offer card, Pix, boleto in order, or shows the name unescaped:\n%s", html)
		}
		got := lqPage(t, http.MethodPost, u, url.Values{"method": {"CREDIT_CARD"}, "cardNumber": {"4242 4242 4242 4242"},
			"cardHolderName": {"ANA SOUZA"}, "expirationMonth": {"12"}, "expirationYear": {"2031"}, "cvc": {"123"}, "decision": {"approve"}})
		if got.code != http.StatusSeeOther || got.location != "https://shop.example/thanks" {
			t.Fatalf("paying: HTTP %d to %q; want 303 to the redirectUrl\n%s", got.code, got.location, got.body)
		}
		s.advance(t, m, "0s")
		evs := lqLinkEvents(t, rv, m.secret)
		if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED SETTLED INITIAL_STATUS CREDIT_CARD"}, lqLinkSummary(evs)); diff != "" {
			t.Fatalf("notifications (-want +got):\n%s", diff)
		}
		d := evs[0].Data
		for k, want := range map[string]any{"linkId": id, "amount": 10000.0, "currency": "BRL", "country": "BR", "refunded": false,
			"redirectUrl": "https://shop.example/thanks", "refundAmount": 0.0, "allowPaymentMethods": []any{"CREDIT_CARD", "PIX", "BOLETO"}} {
			if !cmp.Equal(d[k], want) {
				t.Errorf("data.%s = %v, want %v", k, d[k], want)
			}
		}
		if _, err := time.Parse("2006-01-02 15:04:05", lqStr(d["finalStatusTime"])); err != nil || d["finalStatusTimestamp"] == nil {
			t.Errorf("finalStatusTime %v, finalStatusTimestamp %v", d["finalStatusTime"], d["finalStatusTimestamp"])
		}
		// The charge behind it is an ordinary card charge, card masked.
		charge := s.payment(t, m, id)
		if charge["transferStatus"] != "SETTLED" || lqAt(charge, "transferDetails.card.cardInfo.last4") != "4242" {
			t.Errorf("the link's charge: %v", charge)
		}
		// A paid link's page says so; paying again changes nothing.
		if again := lqPage(t, http.MethodGet, u+"?outcome=decline", nil); again.code != http.StatusSeeOther {
			t.Errorf("a decision on a paid link: HTTP %d", again.code)
		}
	})

	t.Run("a test card declines", func(t *testing.T) {
		t.Parallel()
		m, rv := card, callbacktest.New(t)
		u, _ := s.lqCreateLink(t, m, lqLinkBody(lqKey(t, ""), 10000, rv.URL, "CREDIT_CARD"))
		got := lqPage(t, http.MethodPost, u, url.Values{"method": {"CREDIT_CARD"}, "cardNumber": {"4000001240000000"}})
		if got.code != http.StatusOK || !strings.Contains(got.body, "FAILED") {
			t.Fatalf("paying with a rejected card: HTTP %d\n%s", got.code, got.body)
		}
		s.advance(t, m, "0s")
		if diff := cmp.Diff([]string{"CHARGE_FAILED FAILED INITIAL_STATUS CREDIT_CARD"}, lqLinkSummary(lqLinkEvents(t, rv, m.secret))); diff != "" {
			t.Errorf("notifications (-want +got):\n%s", diff)
		}
	})

	t.Run("paid by Pix after a clock move", func(t *testing.T) {
		t.Parallel()
		m, rv := pix, callbacktest.New(t)
		u, id := s.lqCreateLink(t, m, lqLinkBody(lqKey(t, ""), 2500, rv.URL, "PIX", "BOLETO"))
		got := lqPage(t, http.MethodPost, u, url.Values{"method": {"PIX"}, "decision": {"approve"}})
		if got.code != http.StatusOK || !strings.Contains(got.body, `id="status">IN_PROGRESS`) || !strings.Contains(got.body, "br.gov.bcb.pix") {
			t.Fatalf("choosing Pix: HTTP %d; want the pending page with the Pix code\n%s", got.code, got.body)
		}
		if st := s.payment(t, m, id)["transferStatus"]; st != "IN_PROGRESS" {
			t.Fatalf("the Pix charge is %v", st)
		}
		s.advance(t, m, "179s")
		if n := len(rv.Received()); n != 0 {
			t.Fatalf("%d notifications before the sandbox's 180 s", n)
		}
		s.advance(t, m, "1s")
		evs := lqLinkEvents(t, rv, m.secret)
		if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED SETTLED INITIAL_STATUS PIX"}, lqLinkSummary(evs)); diff != "" {
			t.Fatalf("notifications (-want +got):\n%s", diff)
		}
		if p := lqPage(t, http.MethodGet, u, nil); !strings.Contains(p.body, "Payment approved (SETTLED).") {
			t.Errorf("the page after settling:\n%s", p.body)
		}
	})

	t.Run("expires on the clock", func(t *testing.T) {
		t.Parallel()
		m, rv := expired, callbacktest.New(t)
		body := lqLinkBody(lqKey(t, ""), 10000, rv.URL, "CREDIT_CARD", "PIX")
		// A fractional unix time, as JavaScript's Date.now()/1000 writes it.
		body["expiresAt"] = float64(s.now(t, m).Add(10*time.Minute).UnixMilli()) / 1000
		u, id := s.lqCreateLink(t, m, body)
		s.advance(t, m, "10m")
		evs := lqLinkEvents(t, rv, m.secret)
		if diff := cmp.Diff([]string{"CHARGE_FAILED EXPIRED INITIAL_STATUS null"}, lqLinkSummary(evs)); diff != "" {
			t.Fatalf("notifications (-want +got):\n%s", diff)
		}
		if evs[0].Data["expiredTime"] == nil {
			t.Errorf("expiredTime is null")
		}
		got := lqPage(t, http.MethodGet, u+"?outcome=approve", nil)
		if got.code != http.StatusOK || !strings.Contains(got.body, "This payment link has expired.") {
			t.Errorf("paying an expired link: HTTP %d\n%s", got.code, got.body)
		}
		r := s.call(t, m, http.MethodPost, "/v2/cashier/payment-link/refund", map[string]any{"linkId": id, "refundAmount": 100})
		lqReplyDiff(t, "refunding an expired link", r, http.StatusBadRequest,
			`{"code":400,"message":"Payment link `+id+` is EXPIRED: only a paid (SETTLED) payment link can be refunded","data":null}`)
	})

	t.Run("refunded partly once, a second refund refused", func(t *testing.T) {
		t.Parallel()
		m, rv := refunded, callbacktest.New(t)
		u, id := s.lqCreateLink(t, m, lqLinkBody(lqKey(t, ""), 10000, rv.URL, "CREDIT_CARD"))
		if got := lqPage(t, http.MethodGet, u+"?outcome=approve", nil); got.code != http.StatusOK {
			t.Fatalf("headless approve: HTTP %d", got.code)
		}
		refund := func(amount int64) lqReply {
			return s.call(t, m, http.MethodPost, "/v2/cashier/payment-link/refund", map[string]any{
				"linkId": id, "refundAmount": amount, "reason": "customer asked;asyncFinalizationDelay=10"})
		}
		r := refund(4000)
		got := r.json(t)
		if r.code != http.StatusOK || got["code"] != 0.0 || got["message"] != "success" ||
			lqAt(got, "data.refundStatus") != "IN_PROGRESS" || lqAt(got, "data.refundAmount") != 4000.0 ||
			lqAt(got, "data.paymentStatus") != "SETTLED" || lqAt(got, "data.refundTime") == nil || lqAt(got, "data.refunded") != false {
			t.Fatalf("refund: HTTP %d %s", r.code, r.body)
		}
		lqReplyDiff(t, "a refund while one is in progress", refund(1000), http.StatusBadRequest,
			`{"code":400,"message":"Payment link `+id+` already has a refund in progress","data":null}`)
		s.advance(t, m, "10s")
		lqReplyDiff(t, "a second refund", refund(1000), http.StatusBadRequest,
			`{"code":400,"message":"Payment link `+id+` was already refunded: each payment link allows only one successful refund","data":null}`)
		evs := lqLinkEvents(t, rv, m.secret)
		want := []string{"CHARGE_SUCCEEDED SETTLED INITIAL_STATUS CREDIT_CARD", "CHARGE_REFUND_SUCCEEDED SETTLED SETTLED CREDIT_CARD"}
		if diff := cmp.Diff(want, lqLinkSummary(evs)); diff != "" {
			t.Fatalf("notifications (-want +got):\n%s", diff)
		}
		if d := evs[1].Data; d["refunded"] != true || d["refundAmount"] != 4000.0 {
			t.Errorf("refund notification: refunded %v, refundAmount %v", d["refunded"], d["refundAmount"])
		}
		// The refund is an ordinary refund of the link's charge.
		if rf := s.get(t, m, "/v1/payments/charges/refund/"+id+"-refund-1"); rf["transferStatus"] != "SETTLED" || rf["amount"] != 4000.0 {
			t.Errorf("GET the refund: %v", rf)
		}
		// ... which the v1 refund endpoint leaves to the link's.
		r = s.call(t, m, http.MethodPost, "/v1/payments/charges/refund", lqRefund(id+"-v1", id, 100, "BR"))
		if r.code != http.StatusBadRequest {
			t.Errorf("a v1 refund of a link's charge: HTTP %d %s", r.code, r.body)
		}
	})

	t.Run("errors in the cashier envelope", func(t *testing.T) {
		t.Parallel()
		m := errs
		cases := []struct {
			name string
			body map[string]any
			code int
			msg  string
		}{
			{"boleto under its minimum", lqLinkBody("o1", 499, "", "PIX", "BOLETO"), 400, "Minimum amount of Boleto is 5BRL."},
			{"PSE under its minimum", lqWith(lqLinkBody("o2", 99999, "", "PSE"), "country", "CO", "currency", "COP"), 400, "Minimum amount of PSE is 1000COP."},
			{"PayCash over its maximum", lqWith(lqLinkBody("o3", 2000001, "", "PAY_CASH"), "country", "MX", "currency", "MXN"), 400, "Maximum amount of PayCash is 20000MXN."},
			{"Nequi without the payer's phone", lqWith(lqLinkBody("o4", 200000, "", "NEQUI"), "country", "CO", "currency", "COP", "phone", nil), 400, "Nequi needs the payer's name, phone and email."},
			{"a method of another country", lqLinkBody("o5", 10000, "", "OXXO"), 400, "allowPaymentMethods: OXXO is not offered in BR (only MX)"},
			{"no methods", lqLinkBody("o6", 10000, ""), 400, "allowPaymentMethods: must be a non-empty list of CREDIT_CARD, PIX, BOLETO, BANK_TRANSFER_BR, BANK_TRANSFER_MX, OXXO, PAY_CASH, PSE, NEQUI"},
		}
		for _, c := range cases {
			r := s.call(t, m, http.MethodPost, "/v2/cashier/payment-link/", c.body)
			want, _ := json.Marshal(map[string]any{"code": c.code, "message": c.msg, "data": nil})
			lqReplyDiff(t, c.name, r, c.code, string(want))
		}
		r := s.call(t, m, http.MethodPost, "/v2/cashier/payment-link/refund", map[string]any{"linkId": "no-such-link"})
		lqReplyDiff(t, "refunding no link", r, http.StatusNotFound, `{"code":404,"message":"Payment link no-such-link not found","data":null}`)
		if p := lqPage(t, http.MethodGet, s.base+"/liquido/buy/no-such-link", nil); p.code != http.StatusNotFound {
			t.Errorf("the page of no link: HTTP %d", p.code)
		}
	})
}

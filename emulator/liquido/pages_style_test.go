package liquido_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/web"
)

// TestHostedPagesUseTheSharedStylesheet: each of Liquido's pages (3-D
// Secure, checkout, payment, payment link, PayCash reference) links
// mockpay's one stylesheet, has no inline style, and keeps its strict
// headers: never framed, no script, styles only from this server.
func TestHostedPagesUseTheSharedStylesheet(t *testing.T) {
	e := newEnv(t)
	m := merchantA
	threeDS := e.post(m, "/v1/payments/charges/card", with(cardCharge("css-3ds", "BR", "4242424242424242"), "card3dsInfo", map[string]any{"use3ds": true}))
	redirect := e.post(m, "/v1/payments/charges/card", with(cardCharge("css-redirect", "BR", "4242424242424242"), "paymentFlow", "REDIRECT", "merchantRedirectInfo", map[string]any{"merchantPageUrl": "https://shop.example/back"}))
	fintoc := e.post(m, "/v1/payments/charges/fintoc", map[string]any{"idempotencyKey": "css-fintoc", "amount": 5000, "currency": "CLP",
		"country": "CL", "paymentMethod": "FINTOC", "payer": map[string]any{}})
	link := e.post(m, "/v2/cashier/payment-link/", map[string]any{"orderId": "css", "amount": 10000, "currency": "BRL", "country": "BR",
		"allowPaymentMethods": []string{"CREDIT_CARD", "PIX"}})
	ref := e.post(m, "/v1/payments/charges/references", map[string]any{"idempotencyKey": "css-ref", "country": "MX", "currency": "MXN"})
	pages := map[string]string{
		"3-D Secure":        firstURL(threeDS),
		"checkout":          firstURL(redirect),
		"payment (Fintoc)":  str(at(fintoc, "transferDetails.fintoc.paymentUrl")),
		"payment link":      str(link["paymentLink"]),
		"PayCash reference": str(at(ref, "transferDetails.payCash.paymentUrl")),
	}
	for name, u := range pages {
		if !strings.HasPrefix(u, e.srv.URL+"/liquido/") {
			t.Errorf("%s: no page URL (%q)", name, u)
			continue
		}
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		switch {
		case resp.StatusCode != http.StatusOK:
			t.Errorf("%s: HTTP %d", name, resp.StatusCode)
		case !strings.Contains(string(body), `<link rel="stylesheet" href="`+web.StylePath+`">`) || strings.Contains(string(body), "<style"):
			t.Errorf("%s: does not link %s alone:\n%s", name, web.StylePath, body)
		case resp.Header.Get("X-Frame-Options") != "DENY" || !strings.HasPrefix(csp, "default-src 'none'; style-src 'self';") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script") || strings.Contains(csp, "unsafe"):
			t.Errorf("%s: X-Frame-Options %q, CSP %q", name, resp.Header.Get("X-Frame-Options"), csp)
		}
	}
}

// firstURL is the first page URL under /liquido/ anywhere in an answer.
func firstURL(v any) string {
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			if u := firstURL(x); u != "" {
				return u
			}
		}
	case string:
		if strings.Contains(v, "/liquido/") && strings.HasPrefix(v, "http") {
			return v
		}
	}
	return ""
}

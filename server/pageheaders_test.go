package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/config"
)

// TestEveryPageForbidsFraming walks every route the router has, with every
// method, plus the hosted pages a real payment leads to (LiqPay 3-D Secure,
// checkout, invoice, the dashboard): each HTML answer, the pages' own
// "not found" and error pages included, must forbid framing (clickjacking)
// with X-Frame-Options and carry a Content-Security-Policy. Liquido's pages
// reached with a real token (3-D Secure, checkout, payment, link, PayCash
// reference) are held to the same in emulator/liquido's
// TestHostedPagesUseTheSharedStylesheet.
func TestEveryPageForbidsFraming(t *testing.T) {
	s, err := New(config.Default(), slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.Close(ctx)
	})
	client := &http.Client{Timeout: 5 * time.Second}

	var pages []*http.Request
	vars := regexp.MustCompile(`\{[^}]+\}`)
	_ = s.router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		// The live feed streams and the await endpoints wait until
		// something happens: neither is a page.
		if err != nil || tpl == "/_mockpay/events" || strings.HasPrefix(tpl, "/_mockpay/await") {
			return nil
		}
		methods, err := route.GetMethods()
		if err != nil {
			methods = []string{http.MethodGet}
		}
		path := vars.ReplaceAllString(tpl, "no-such-token")
		for _, m := range methods {
			req, _ := http.NewRequest(m, ts.URL+path, strings.NewReader(""))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			pages = append(pages, req)
		}
		return nil
	})

	// Real pages, reached as a payer reaches them.
	sign := func(params map[string]any) url.Values {
		params["public_key"] = config.DefaultLiqPayPublicKey
		params["version"] = 3
		raw, _ := json.Marshal(params)
		data := base64.StdEncoding.EncodeToString(raw)
		return url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA1, config.DefaultLiqPayPrivateKey, data)}}
	}
	api := func(params map[string]any) map[string]any {
		resp, err := client.PostForm(ts.URL+"/api/request", sign(params))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	threeDS := api(map[string]any{"action": "pay", "amount": "10", "currency": "UAH", "description": "t", "order_id": "frame-3ds",
		"card": "4000000000003063", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"})
	invoice := api(map[string]any{"action": "invoice_send", "amount": "10", "currency": "UAH", "description": "t",
		"order_id": "frame-invoice", "email": "payer@example.com"})
	checkout := sign(map[string]any{"action": "pay", "amount": "10", "currency": "UAH", "description": "t", "order_id": "frame-checkout"})
	for _, u := range []string{
		str(threeDS["redirect_to"]),
		str(invoice["href"]),
		ts.URL + "/api/3/checkout?" + checkout.Encode(),
		ts.URL + "/_mockpay/",
	} {
		if !strings.HasPrefix(u, "http") {
			t.Errorf("no page URL in an answer: %q (3-D Secure %v, invoice %v)", u, threeDS, invoice)
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		pages = append(pages, req)
	}

	html := 0
	for _, req := range pages {
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		html++
		if resp.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s %s (HTTP %d): X-Frame-Options %q, Content-Security-Policy %q; want DENY and frame-ancestors 'none'",
				req.Method, req.URL.Path, resp.StatusCode, resp.Header.Get("X-Frame-Options"), resp.Header.Get("Content-Security-Policy"))
		}
	}
	t.Logf("%d requests, %d HTML answers", len(pages), html)
	if html < 8 {
		t.Errorf("only %d HTML answers: the walk missed the pages", html)
	}
}

func str(v any) string { s, _ := v.(string); return s }

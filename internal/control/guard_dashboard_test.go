package control

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The dashboard's page passes without a token (it holds no data) but keeps
// the Host check; static files pass as the health check does; the live feed takes the token from its
// cookie, and no other endpoint does.
func TestGuardDashboardAndEventsCookie(t *testing.T) {
	tokens := NewTokens()
	shop := tokens.Issue("shop-a")
	g := &Guard{AdminToken: "admin s3cret", Tokens: tokens}
	h := g.Wrap(http.HandlerFunc(echo))
	tests := []struct {
		name, method, target, host, cookie string
		header                             map[string]string
		wantCode                           int
		wantMerchant                       string
	}{
		{name: "page without token", method: "GET", target: "/_mockpay/", wantCode: 200},
		{name: "page HEAD", method: "HEAD", target: "/_mockpay/", wantCode: 200},
		{name: "page without its slash", method: "GET", target: "/_mockpay", wantCode: 200},
		{name: "script without token", method: "GET", target: "/_mockpay/static/dashboard.js", wantCode: 200},
		{name: "page from a foreign Host", method: "GET", target: "/_mockpay/", host: "evil.example", wantCode: 403},
		{name: "static files under any Host", method: "GET", target: "/_mockpay/static/style.css", host: "www.liqpay.ua", wantCode: 200},
		{name: "static POST is not open", method: "POST", target: "/_mockpay/static/style.css", wantCode: 401},
		{name: "page by POST is not open", method: "POST", target: "/_mockpay/", wantCode: 401},
		{name: "static path escaping", method: "GET", target: "/_mockpay/static/../merchants", wantCode: 401},
		{name: "events without token", method: "GET", target: "/_mockpay/events", wantCode: 401},
		{name: "events with the admin cookie", method: "GET", target: "/_mockpay/events", cookie: "admin s3cret", wantCode: 200},
		{name: "events with a merchant cookie", method: "GET", target: "/_mockpay/events", cookie: shop, wantCode: 200, wantMerchant: "shop-a"},
		{name: "events with a wrong cookie", method: "GET", target: "/_mockpay/events", cookie: "nope", wantCode: 401},
		{name: "events cookie from another site", method: "GET", target: "/_mockpay/events", cookie: "admin s3cret",
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}, wantCode: 200}, // GET is safe; SameSite=Strict keeps the cookie home
		{name: "cookie elsewhere is ignored", method: "GET", target: "/_mockpay/payments", cookie: "admin s3cret", wantCode: 401},
		{name: "cookie on a POST is ignored", method: "POST", target: "/_mockpay/events", cookie: "admin s3cret", wantCode: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			r.Host = "localhost:8470"
			if tt.host != "" {
				r.Host = tt.host
			}
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: EventsCookie, Value: url.QueryEscape(tt.cookie)})
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.wantCode {
				t.Fatalf("HTTP %d %s, want %d", w.Code, w.Body, tt.wantCode)
			}
			if tt.wantMerchant != "" && !strings.Contains(w.Body.String(), `"merchant": "`+tt.wantMerchant+`"`) {
				t.Errorf("merchant not scoped to %s: %s", tt.wantMerchant, w.Body)
			}
		})
	}
}

package control

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// echo answers what reached the handler: the merchant parameter and body.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	WriteJSON(w, http.StatusOK, map[string]string{"merchant": r.URL.Query().Get("merchant"), "body": string(body)})
}

func TestGuard(t *testing.T) {
	tokens := NewTokens()
	one := tokens.Issue("shop-a")
	two := tokens.Issue("shop-b", "client-b")
	g := &Guard{AdminToken: "admin", AllowedHosts: []string{"mockpay.test"}, Tokens: tokens,
		Global: []Route{{Method: http.MethodPost, Path: "/_mockpay/merchants"}, {Method: http.MethodPost, Path: "/_mockpay/reset", UnlessMerchant: true}}}
	h := g.Wrap(http.HandlerFunc(echo))
	tests := []struct {
		name, method, target, host, token, body string
		header                                  map[string]string
		wantCode                                int
		wantMerchant, wantBody                  string
	}{
		{name: "admin", method: "GET", target: "/_mockpay/clock", token: "admin", wantCode: 200},
		{name: "no token", method: "GET", target: "/_mockpay/clock", wantCode: 401},
		{name: "unknown token", method: "GET", target: "/_mockpay/clock", token: "nope", wantCode: 401},
		{name: "health is open", method: "GET", target: "/_mockpay/health", host: "anything:1", wantCode: 200},
		{name: "provider API is not guarded", method: "POST", target: "/api/request", host: "www.liqpay.ua", wantCode: 200},
		{name: "foreign host", method: "GET", target: "/_mockpay/clock", host: "evil.example", token: "admin", wantCode: 403},
		{name: "allowed host", method: "GET", target: "/_mockpay/clock", host: "mockpay.test:8470", token: "admin", wantCode: 200},
		{name: "loopback v6", method: "GET", target: "/_mockpay/clock", host: "[::1]:8470", token: "admin", wantCode: 200},
		{name: "loopback 127/8", method: "GET", target: "/_mockpay/clock", host: "127.1.2.3", token: "admin", wantCode: 200},
		{name: "dashboard root", method: "GET", target: "/_mockpay", host: "evil.example", token: "admin", wantCode: 403},
		{name: "cross-origin POST", method: "POST", target: "/_mockpay/clock/advance", token: "admin",
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}, wantCode: 403},
		{name: "cross-origin by Origin", method: "POST", target: "/_mockpay/clock/advance", token: "admin",
			header: map[string]string{"Origin": "http://evil.example"}, wantCode: 403},
		{name: "same-origin POST", method: "POST", target: "/_mockpay/clock/advance", token: "admin",
			header: map[string]string{"Sec-Fetch-Site": "same-origin"}, wantCode: 200},
		{name: "merchant token filled in", method: "GET", target: "/_mockpay/callbacks", token: one, wantCode: 200, wantMerchant: "shop-a"},
		{name: "merchant token naming itself", method: "GET", target: "/_mockpay/callbacks?merchant=shop-a", token: one, wantCode: 200, wantMerchant: "shop-a"},
		{name: "merchant token naming another", method: "GET", target: "/_mockpay/callbacks?merchant=shop-b", token: one, wantCode: 403},
		{name: "merchant token, another in the body", method: "POST", target: "/_mockpay/clock/advance", token: one,
			body: `{"duration":"1s","merchant":"shop-b"}`, wantCode: 403},
		{name: "merchant token, body passed on", method: "POST", target: "/_mockpay/clock/advance", token: one,
			body: `{"duration":"1s","merchant":"shop-a"}`, wantCode: 200, wantMerchant: "shop-a", wantBody: `{"duration":"1s","merchant":"shop-a"}`},
		{name: "merchant token, YAML body", method: "PUT", target: "/_mockpay/scenarios/x", token: one,
			body: "version: 1\n", wantCode: 200, wantMerchant: "shop-a", wantBody: "version: 1\n"},
		{name: "merchant token, global route", method: "POST", target: "/_mockpay/merchants", token: one, wantCode: 403},
		{name: "merchant token, reset all", method: "POST", target: "/_mockpay/reset", token: one, wantCode: 403},
		{name: "merchant token, reset itself", method: "POST", target: "/_mockpay/reset?merchant=shop-a", token: one, wantCode: 200, wantMerchant: "shop-a"},
		{name: "two-merchant token must name one", method: "GET", target: "/_mockpay/clock", token: two, wantCode: 400},
		{name: "two-merchant token naming one", method: "GET", target: "/_mockpay/clock?merchant=client-b", token: two, wantCode: 200, wantMerchant: "client-b"},
		{name: "two-merchant token naming one by path", method: "GET", target: "/_mockpay/merchants/client-b", token: two, wantCode: 200, wantMerchant: "client-b"},
		{name: "two-merchant token, another in the path", method: "GET", target: "/_mockpay/merchants/shop-a", token: two, wantCode: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			r.Host = "127.0.0.1:8470"
			if tt.host != "" {
				r.Host = tt.host
			}
			if tt.token != "" {
				r.Header.Set("Authorization", "Bearer "+tt.token)
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.wantCode {
				t.Fatalf("HTTP %d %s, want %d", w.Code, w.Body, tt.wantCode)
			}
			var got map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("answer is not JSON: %q", w.Body)
			}
			if tt.wantCode != http.StatusOK {
				if got["error"] == "" {
					t.Errorf("no error message in %v", got)
				}
				return
			}
			if diff := cmp.Diff(map[string]string{"merchant": tt.wantMerchant, "body": tt.wantBody}, got); diff != "" {
				t.Errorf("what reached the handler (-want +got):\n%s", diff)
			}
		})
	}
	// A token stops working when its merchants are gone.
	tokens.Forget("shop-a")
	if _, ok := tokens.Scope(one); ok {
		t.Error("the token of a forgotten merchant still works")
	}
	tokens.Forget("shop-b")
	if keys, ok := tokens.Scope(two); !ok || !cmp.Equal(keys, []string{"client-b"}) {
		t.Errorf("a token covering two merchants after one is forgotten: %v %v", keys, ok)
	}
}

package liqpay

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/web"
)

// Every payer page (invoice, cash, QR, prepare) is laid out on the shared
// stylesheet with web's headers: no inline style, a CSP that allows styles
// from this server only and forms to it and the shop's result_url, and no
// framing.
func TestPayerPagesUseTheSharedStylesheet(t *testing.T) {
	tb := newTestbed(t, "")
	r := mux.NewRouter()
	tb.s.Routes(r)
	for _, tc := range []struct {
		action, resultURL string
	}{
		{"invoice_send", "https://shop.example/done?x=1"},
		{"paycash", ""},
		{"payqr", "javascript:alert(1)"},
		{"payment_prepare", "http://127.0.0.1:9/back"},
	} {
		t.Run(tc.action, func(t *testing.T) {
			params := map[string]any{"action": tc.action, "amount": "5", "currency": "UAH", "description": "<i>d</i>",
				"order_id": "page-" + tc.action, "email": "a@example.com", "phone": "380950000001"}
			if tc.resultURL != "" {
				params["result_url"] = tc.resultURL
			}
			resp := tb.do(params)
			href, _ := resp["href"].(string)
			if tc.action == "payqr" { // javascript: is no result_url LiqPay takes
				if resp["err_code"] != string(ErrWrong) {
					t.Fatalf("payqr with a javascript: result_url: %v", resp)
				}
				delete(params, "result_url")
				href, _ = tb.do(params)["href"].(string)
				tc.resultURL = ""
			}
			u, err := url.Parse(href)
			if err != nil || u.Path == "" {
				t.Fatalf("no href in %v", resp)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, u.Path, nil))
			body := w.Body.String()
			if w.Code != http.StatusOK {
				t.Fatalf("HTTP %d:\n%s", w.Code, body)
			}
			if !strings.Contains(body, `<link rel="stylesheet" href="`+web.StylePath+`">`) || strings.Contains(body, "<style") {
				t.Errorf("the page does not use the shared stylesheet alone:\n%s", body)
			}
			if strings.Contains(body, "<i>d</i>") {
				t.Error("the shop's description is not escaped")
			}
			for k, want := range map[string]string{"X-Frame-Options": "DENY", "Content-Security-Policy": web.CSP(tc.resultURL),
				"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
				if got := w.Header().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

package liqpay_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/config"
)

// FuzzCheckoutForm throws arbitrary checkout forms at /api/3/checkout: the
// raw body as a form (unsigned, so it exercises the envelope decoding) and
// the fuzzed JSON signed with the default key (so it reaches the checkout's
// own checks and the session it opens). No panic; every answer is the
// checkout page (200 HTML), its redirect, or LiqPay's error envelope.
func FuzzCheckoutForm(f *testing.F) {
	seeds := []string{
		`{"public_key":"sandbox_i00000000","version":3,"action":"pay","amount":"1","currency":"UAH","description":"d","order_id":"co1"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"subscribe","amount":"1","currency":"UAH","description":"d","order_id":"co2","subscribe_periodicity":"month","subscribe_date_start":"2030-01-01 00:00:00"}`,
		`{"public_key":"sandbox_i00000000","version":7,"action":"hold","amount":1e308,"currency":"XXX","description":"","order_id":"co3","paytypes":"card,privat24,gpay,apay,qr,cash,invoice","language":"zz","result_url":"javascript:alert(1)","expired_date":"2000-13-45 99:99:99"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"paydonate","amount":"0","currency":"UAH","description":"d","order_id":"co4"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"auth","amount":"1","currency":"UAH","description":"<script>","order_id":"co5","rro_info":{"items":[{"amount":1,"price":-1}]}}`,
		"data=eyJ9&signature=x", "&&&=%zz", "",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	h := fuzzServer(f)
	f.Fuzz(func(t *testing.T, in string) {
		data := base64.StdEncoding.EncodeToString([]byte(in))
		bodies := []string{
			in,
			url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA1, config.DefaultLiqPayPrivateKey, data)}}.Encode(),
			url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA3256, config.DefaultLiqPayPrivateKey, data)}}.Encode(),
		}
		for _, body := range bodies {
			req := httptest.NewRequest(http.MethodPost, "/api/3/checkout", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			switch ct := rec.Header().Get("Content-Type"); {
			case rec.Code == http.StatusFound || rec.Code == http.StatusSeeOther:
			case rec.Code == http.StatusOK && strings.HasPrefix(ct, "text/html"):
			default:
				checkAnswer(t, rec)
			}
		}
	})
}

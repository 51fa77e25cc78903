package liqpay_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

// fuzzServer is the LiqPay emulator alone, without the recover middleware,
// so a panic anywhere in decoding or an action fails the fuzz run. Its wall
// clock stands still at a fixed instant, so an input that fails today fails
// the same way when re-run on another day (dates in requests are compared
// with the clock), and no timer fires in the background between inputs.
func fuzzServer(tb testing.TB) http.Handler {
	reg := tenant.NewRegistry(1, func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) })
	tb.Cleanup(reg.Close)
	engine := scenarios.NewEngine(slog.New(slog.NewTextHandler(io.Discard, nil)), []scenarios.Vocabulary{liqpay.Vocabulary()})
	if err := engine.AddDefaults("default:liqpay", liqpay.TestCardScenarios()); err != nil {
		tb.Fatal(err)
	}
	s := liqpay.New(liqpay.Options{
		Merchants: config.Default().LiqPayMerchants(),
		Tenants:   reg,
		Settings:  config.Default().LiqPay,
		Scenarios: engine,
	})
	r := mux.NewRouter()
	s.Routes(r)
	return r
}

// checkAnswer asserts the invariant of every LiqPay API answer: HTTP 200
// and a JSON object with a result field.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, body %s", rec.Code, rec.Body)
	}
	// reports in csv or xml are raw files (reference §4.19).
	if ct := rec.Header().Get("Content-Type"); strings.HasPrefix(ct, "text/csv") || strings.HasPrefix(ct, "application/xml") {
		return
	}
	var obj map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &obj); err != nil {
		t.Fatalf("answer is not a JSON object: %v: %s", err, rec.Body)
	}
	// reports and register answer "success" (reference §4.19).
	if r, _ := obj["result"].(string); r != "ok" && r != "error" && r != "success" {
		t.Fatalf("answer has no result ok|error: %s", rec.Body)
	}
}

// FuzzRequestBody throws arbitrary bodies at /api/request.
func FuzzRequestBody(f *testing.F) {
	f.Add([]byte("data=eyJ9&signature=x"))
	f.Add([]byte("data=" + vectorData + "&signature=wR%2BUZDC4jjeL%2FqUOvIsofIWpZh8%3D"))
	f.Add([]byte("data=%7B%22public_key%22%3A%22sandbox_i00000000%22%7D&signature="))
	f.Add([]byte("&&&=%zz"))
	h := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/request", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, rec)
	})
}

// FuzzSignedData signs whatever JSON the fuzzer makes with the default key,
// so inputs get past authentication into the actions and the status machine.
func FuzzSignedData(f *testing.F) {
	seeds := []string{
		`{"public_key":"sandbox_i00000000","version":3,"action":"pay","amount":"1","currency":"UAH","description":"d","order_id":"o1","card":"4242424242424242","card_exp_month":"12","card_exp_year":"30","card_cvv":"123"}`,
		`{"public_key":"sandbox_i00000000","version":"3","action":"hold","amount":1e308,"currency":"USD","description":"d","order_id":"o2","card":"4000000000003089","card_exp_month":6,"card_exp_year":2099,"card_cvv":"000"}`,
		`{"public_key":"sandbox_i00000000","version":7,"action":"refund","order_id":"o1","amount":"-1"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"confirm","confirm_token":"x","otp":null}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"paytoken","card_token":"sandbox_token","amount":"0.001","currency":"EUR","description":"d","order_id":"o3"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"status","payment_id":"9999999999999999999999"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"paysplit","amount":"3","currency":"UAH","description":"d","order_id":"o4","card":"4242424242424242","card_exp_month":"12","card_exp_year":"30","card_cvv":"123","split_rules":"[{\"public_key\":\"i1\",\"amount\":3,\"server_url\":\"http://127.0.0.1:1/\"}]"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"invoice_send","amount":"3","currency":"UAH","order_id":"o5","email":"a@b.c","goods":[{"amount":3,"count":1,"name":"x"}],"expired_date":"2000-01-01 00:00:00"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"token_create_unique","card_tokenization":{"card":"4242424242424242","card_exp_month":"12","card_exp_year":"30","card_cvv":"123"}}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"reports","date_from":0,"date_to":99999999999999,"resp_format":"xml"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"paycash","amount":"1","currency":"UAH","description":"d","order_id":"o6","phone":"380950000001"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"p2pcredit","amount":"1","currency":"UAH","description":"d","order_id":"o7","receiver_card_token":"x"}`,
		`{"public_key":"sandbox_i00000000","version":3,"action":"register","date":"2026-11-30","format":"csv"}`,
	}
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	h := fuzzServer(f)
	f.Fuzz(func(t *testing.T, data string, asBase64 bool) {
		if asBase64 {
			data = base64.StdEncoding.EncodeToString([]byte(data))
		}
		// Sign with both algorithms' rule: the version inside picks one;
		// trying SHA-1 first covers version < 7, SHA3 the rest.
		for _, algo := range []liqpay.SigAlgo{liqpay.SHA1, liqpay.SHA3256} {
			form := url.Values{"data": {data}, "signature": {liqpay.Sign(algo, config.DefaultLiqPayPrivateKey, data)}}
			req := httptest.NewRequest(http.MethodPost, "/api/request", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			checkAnswer(t, rec)
		}
	})
}

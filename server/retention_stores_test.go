package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/internal/config"
)

// The sweep applies --retain-age to the callback log too (real time, as
// for payments), and --retain-payments to the stores no ledger record
// stands for (card tokens here).
func TestSweepCoversCallbacksAndOtherStores(t *testing.T) {
	cases := []struct {
		name       string
		keep       int
		age        time.Duration
		later      time.Duration // how far past now the sweep looks
		callbacks  int           // left in the log
		tokensLeft int           // card tokens that still answer
	}{
		{name: "age only, not yet due", age: time.Hour, later: 0, callbacks: 3, tokensLeft: 5},
		{name: "age only, past it", age: time.Hour, later: 2 * time.Hour, callbacks: 0, tokensLeft: 5},
		{name: "count only", keep: 3, later: 2 * time.Hour, callbacks: 3, tokensLeft: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := retentionServer(t, tc.keep, tc.age)
			h := s.Handler()
			rv := callbacktest.New(t)
			for i := range 3 {
				got := liqpayCall(t, h, map[string]any{"action": "pay", "amount": "1", "currency": "UAH", "description": "d",
					"order_id": fmt.Sprint("cb-", i), "card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30",
					"card_cvv": "123", "server_url": rv.URL})
				if got != "success/" {
					t.Fatalf("pay: %s", got)
				}
			}
			var tokens []string
			for i := range 5 {
				ans := liqpayAnswer(t, h, map[string]any{"action": "token_create", "card_tokenization": map[string]any{
					"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": fmt.Sprint(30 + i), "card_cvv": "123"}})
				tokens = append(tokens, fmt.Sprint(ans["card_token"]))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := s.callbacks.Settle(ctx, ""); err != nil {
				t.Fatal(err)
			}
			s.sweep(time.Now().Add(tc.later))
			if got := len(s.callbacks.List(callback.Filter{})); got != tc.callbacks {
				t.Errorf("%d callbacks left, want %d", got, tc.callbacks)
			}
			left := 0
			for _, tok := range tokens {
				ans := liqpayAnswer(t, h, map[string]any{"action": "token_update", "card_token": tok, "card_token_action": "UNSUSPEND"})
				if ans["err_code"] == nil {
					left++
				}
			}
			if left != tc.tokensLeft {
				t.Errorf("%d card tokens answer, want %d", left, tc.tokensLeft)
			}
		})
	}
}

// liqpayAnswer is liqpayCall's whole answer.
func liqpayAnswer(t *testing.T, h http.Handler, params map[string]any) map[string]any {
	t.Helper()
	params["public_key"], params["version"] = config.DefaultLiqPayPublicKey, 3
	raw, _ := json.Marshal(params)
	data := base64.StdEncoding.EncodeToString(raw)
	form := url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA1, config.DefaultLiqPayPrivateKey, data)}}
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/api/request", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	var ans map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
		t.Fatalf("answer is not JSON: %s", rec.Body)
	}
	return ans
}

package liqpay_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/config"
)

// signedRequest posts params to /api/request as the default merchant.
func signedRequest(t *testing.T, h http.Handler, params map[string]any) map[string]any {
	t.Helper()
	params["public_key"] = config.DefaultLiqPayPublicKey
	raw, _ := json.Marshal(params)
	data := base64.StdEncoding.EncodeToString(raw)
	form := url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA1, config.DefaultLiqPayPrivateKey, data)}}
	req := httptest.NewRequest(http.MethodPost, "/api/request", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("answer %s: %v", rec.Body, err)
	}
	return out
}

func TestPayerPageForms(t *testing.T) {
	h := fuzzServer(t)
	card := "step=pay&card=4242424242424242&card_exp_month=12&card_exp_year=30&card_cvv=123"
	tests := []struct {
		name     string
		action   string // invoice_send or paycash
		body     string
		code     int
		contains string
	}{
		{"malformed form", "invoice_send", "card=%zz", http.StatusBadRequest, "Malformed form."},
		{"unknown step", "invoice_send", "step=dance", http.StatusUnprocessableEntity, "Unknown step."},
		{"Luhn-invalid card", "invoice_send", strings.Replace(card, "4242424242424242", "4242424242424241", 1), http.StatusUnprocessableEntity, "Невірний номер картки"},
		{"missing CVV", "invoice_send", strings.TrimSuffix(card, "&card_cvv=123"), http.StatusUnprocessableEntity, "card_cvv"},
		{"cash on an invoice", "invoice_send", "step=cash&decision=paid", http.StatusUnprocessableEntity, "does not wait for cash"},
		{"nothing to confirm", "invoice_send", "step=confirm&otp=1", http.StatusUnprocessableEntity, "Nothing to confirm."},
		{"card paid", "invoice_send", card, http.StatusOK, "Paid. Thank you."},
		{"card at a cash terminal", "paycash", card, http.StatusUnprocessableEntity, "does not wait for a card"},
		{"terminal declined", "paycash", "step=cash&decision=declined", http.StatusOK, "The payment failed"},
		{"terminal paid", "paycash", "step=cash&decision=paid", http.StatusOK, "Paid. Thank you."},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := signedRequest(t, h, map[string]any{"version": 3, "action": tc.action, "amount": "5", "currency": "UAH",
				"description": "<i>d</i>", "order_id": "payer-" + string(rune('a'+i)), "email": "a@example.com", "phone": "380950000001"})
			href, _ := resp["href"].(string)
			u, err := url.Parse(href)
			if err != nil || u.Path == "" {
				t.Fatalf("no href in %v", resp)
			}
			req := httptest.NewRequest(http.MethodPost, u.Path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.contains) {
				t.Errorf("HTTP %d, want %d containing %q:\n%s", rec.Code, tc.code, tc.contains, rec.Body)
			}
			if strings.Contains(rec.Body.String(), "<i>d</i>") {
				t.Error("the shop's description is not escaped")
			}
			for k, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s = %q", k, got)
				}
			}
		})
	}
}

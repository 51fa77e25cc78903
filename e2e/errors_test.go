package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

const form = "application/x-www-form-urlencoded"

// signed is the form body sdk-go would send for params with the default
// keys; adjust lets a case change the client (keys, hash).
func signed(params map[string]any, adjust ...func(*liqpayclient.Client)) string {
	c := &liqpayclient.Client{PublicKey: publicKey, PrivateKey: privateKey, Encoding: liqpayclient.Go}
	for _, f := range adjust {
		f(c)
	}
	body, _, _ := c.Encode(params)
	return body
}

func withKeys(public, private string) func(*liqpayclient.Client) {
	return func(c *liqpayclient.Client) { c.PublicKey, c.PrivateKey = public, private }
}

// Every error code the server emits, with the exact body: LiqPay answers
// errors with HTTP 200 and {"result","status","code","err_code",
// "err_description"} (reference §6.1, A.2). Descriptions are Ukrainian
// unless the request says language "en".
func TestErrorBodiesAreExact(t *testing.T) {
	t.Parallel()
	m := start(t)
	valid := func(orderID string) map[string]any { return payParams(orderID, "4242424242424242") }
	status := func(orderID string) map[string]any {
		return map[string]any{"version": 3, "action": "status", "order_id": orderID}
	}
	// prepare makes a payment the case then acts on.
	prepare := func(params map[string]any) func(*testing.T) {
		return func(t *testing.T) { m.do(t, params) }
	}

	tests := []struct {
		name   string
		setup  func(*testing.T)
		method string // default POST
		path   string // default /api/request
		body   string
		build  func(*testing.T) string // instead of body, when the body depends on the setup
		want   map[string]any
	}{
		{name: "a body without data is err_missing data (always English, as observed)",
			body: "signature=abc",
			want: errorBody("err_missing", "Required parameter not passed data")},
		{name: "data that is neither base64 JSON nor JSON is err_wrong data",
			body: "data=%21%21not-base64%21%21&signature=abc",
			want: errorBody("err_wrong", "Parameter data (neither base64-encoded JSON nor JSON) specified incorrectly")},
		{name: "an unknown public_key is public_key_not_found",
			body: signed(status("x"), withKeys("sandbox_unknown", privateKey)),
			want: errorBody("public_key_not_found", "Не знайдено public_key")},
		{name: "an unknown public_key wins over a bad signature",
			body: signed(set(status("x"), "language", "en"), withKeys("sandbox_unknown", "wrong")),
			want: errorBody("public_key_not_found", "Public_key not found")},
		{name: "an unknown public_key wins over missing version and action",
			body: signed(map[string]any{"str": "value", "num": 124}, withKeys("test_pub_key", "x")),
			want: errorBody("public_key_not_found", "Не знайдено public_key")},
		{name: "a signature made with another private key is invalid_signature",
			body: signed(status("x"), withKeys(publicKey, "not_the_private_key")),
			want: errorBody("invalid_signature", "Невірний підпис запиту")},
		{name: "a version 7 request signed with SHA-1 is invalid_signature",
			body: signed(set(status("x"), "version", 7, "language", "en")),
			want: errorBody("invalid_signature", "Wrong signature")},
		{name: "a version 3 request signed with SHA3-256 is invalid_signature",
			body: signed(status("x"), func(c *liqpayclient.Client) { c.Version7 = true }),
			want: errorBody("invalid_signature", "Невірний підпис запиту")},
		{name: "a signature whose + arrived unencoded (as a space) is invalid_signature",
			build: func(t *testing.T) string { return plusUnencoded(t) },
			want:  errorBody("invalid_signature", "Невірний підпис запиту")},
		{name: "no version is err_missing version",
			body: signed(drop(status("x"), "version")),
			want: errorBody("err_missing", "Не передано обов'язковий параметр version")},
		{name: "a version that is not a number is err_wrong version",
			body: signed(set(status("x"), "version", "three", "language", "en")),
			want: errorBody("err_wrong", "Parameter version specified incorrectly")},
		{name: "version 0 is err_wrong version",
			body: signed(set(status("x"), "version", 0)),
			want: errorBody("err_wrong", "Параметр version вказано невірно")},
		{name: "no action is err_api_action",
			body: signed(map[string]any{"version": 3, "order_id": "x"}),
			want: errorBody("err_api_action", "Не переданий параметр action")},
		{name: "an unknown action is err_action in Ukrainian",
			body: signed(set(status("x"), "action", "frobnicate")),
			want: errorBody("err_action", "Невідома дія frobnicate")},
		{name: "an unknown action is err_action in English",
			body: signed(set(status("x"), "action", "frobnicate", "language", "en")),
			want: errorBody("err_action", "Unknown action frobnicate")},
		{name: "the partner API, the one part mockpay does not emulate, is err_action saying so",
			body: signed(set(valid("sub-1"), "action", "agent_shop_create", "language", "en")),
			want: errorBody("err_action", `LiqPay's partner API ("agent_shop_create") is not emulated by mockpay`)},
		{name: "pay without amount is err_missing amount",
			body: signed(drop(valid("e-1"), "amount")),
			want: errorBody("err_missing", "Не передано обов'язковий параметр amount")},
		{name: "pay without currency is err_missing currency",
			body: signed(set(drop(valid("e-2"), "currency"), "language", "en")),
			want: errorBody("err_missing", "Required parameter not passed currency")},
		{name: "pay without description is err_missing description",
			body: signed(drop(valid("e-3"), "description")),
			want: errorBody("err_missing", "Не передано обов'язковий параметр description")},
		{name: "pay without card is err_missing card",
			body: signed(drop(valid("e-4"), "card")),
			want: errorBody("err_missing", "Не передано обов'язковий параметр card")},
		{name: "pay without card_cvv is err_missing card_cvv",
			body: signed(drop(valid("e-5"), "card_cvv")),
			want: errorBody("err_missing", "Не передано обов'язковий параметр card_cvv")},
		{name: "pay without order_id is err_missing order_id",
			body: signed(set(drop(valid("e-6"), "order_id"), "language", "en")),
			want: errorBody("err_missing", "Required parameter not passed order_id")},
		{name: "an empty order_id is order_id_empty",
			body: signed(valid("")),
			want: errorBody("order_id_empty", "Порожній order_id")},
		{name: "an amount that is not a number is err_wrong amount",
			body: signed(set(valid("e-7"), "amount", "ten")),
			want: errorBody("err_wrong", "Параметр amount вказано невірно")},
		{name: "amount 0 is err_limit_amount",
			body: signed(set(valid("e-8"), "amount", 0)),
			want: errorBody("err_limit_amount", "Сума менша або більша за ліміт")},
		{name: "a negative amount is err_limit_amount",
			body: signed(set(valid("e-9"), "amount", "-5", "language", "en")),
			want: errorBody("err_limit_amount", "Amount below or above the limit")},
		{name: "an unsupported currency is err_wrong_currency",
			body: signed(set(valid("e-10"), "currency", "RUB")),
			want: errorBody("err_wrong_currency", "Невірна валюта. Використовуйте USD, UAH, EUR")},
		{name: "a malformed phone is err_phone",
			body: signed(set(valid("e-11"), "phone", "call me")),
			want: errorBody("err_phone", "Невірний номер телефону")},
		{name: "a Luhn-invalid card is err_card",
			body: signed(set(valid("e-12"), "card", "4242424242424241", "language", "en")),
			want: errorBody("err_card", "Wrong card number")},
		{name: "a second pay with the same order_id is order_id_duplicate",
			setup: prepare(valid("dup-1")),
			body:  signed(valid("dup-1")),
			want:  errorBody("order_id_duplicate", "Такий order_id вже існує")},
		{name: "status of an unknown order is payment_not_found",
			body: signed(set(status("nobody"), "language", "en")),
			want: errorBody("payment_not_found", "Payment not found")},
		{name: "hold_completion of a payment that is no hold is payment_err_status",
			setup: prepare(valid("paid-1")),
			body:  signed(map[string]any{"version": 3, "action": "hold_completion", "order_id": "paid-1"}),
			want:  errorBody("payment_err_status", "Невірний статус платежу")},
		{name: "refund of a failed payment is payment_err_status",
			setup: prepare(payParams("failed-1", "4000000000000002")),
			body:  signed(map[string]any{"version": 3, "action": "refund", "order_id": "failed-1", "language": "en"}),
			want:  errorBody("payment_err_status", "Wrong payment status")},
		{name: "hold_completion above the held amount is err_amount_hold",
			setup: prepare(set(valid("held-1"), "action", "hold")),
			body:  signed(map[string]any{"version": 3, "action": "hold_completion", "order_id": "held-1", "amount": "1.01"}),
			want:  errorBody("err_amount_hold", "Сума не може бути більше суми платежу")},
		{name: "confirm with a wrong OTP is err_sms_otp",
			setup: prepare(payParams("otp-1", "4000000000003089")),
			build: func(t *testing.T) string {
				token, _ := m.statusOf(t, "otp-1")["token"].(string)
				return signed(map[string]any{"version": 3, "action": "confirm", "confirm_token": token, "otp": "000000", "language": "en"})
			},
			want: errorBody("err_sms_otp", "Wrong SMS password")},
		{name: "a CVV that is not 3 or 4 digits is err_wrong card_cvv",
			body: signed(set(valid("e-cvv"), "card_cvv", "12a")),
			want: errorBody("err_wrong", "Параметр card_cvv вказано невірно")},
		{name: "an expiry month of 13 is err_wrong card_exp_month",
			body: signed(set(valid("e-month"), "card_exp_month", "13", "language", "en")),
			want: errorBody("err_wrong", "Parameter card_exp_month specified incorrectly")},
		{name: "a card without an expiry month is err_missing card_exp_month",
			body: signed(drop(valid("e-nomonth"), "card_exp_month")),
			want: errorBody("err_missing", "Не передано обов'язковий параметр card_exp_month")},
		{name: "a server_url that is no http(s) URL is err_wrong server_url",
			body: signed(set(valid("e-url"), "server_url", "ftp://shop.example/cb")),
			want: errorBody("err_wrong", "Параметр server_url вказано невірно")},
		{name: "an order_id longer than 255 characters is err_wrong order_id",
			body: signed(set(valid(strings.Repeat("x", 256)), "language", "en")),
			want: errorBody("err_wrong", "Parameter order_id specified incorrectly")},
		{name: "paytoken without card_token is err_missing card_token",
			body: signed(set(drop(valid("e-tok"), "card"), "action", "paytoken")),
			want: errorBody("err_missing", "Не передано обов'язковий параметр card_token")},
		{name: "confirm without confirm_token is err_missing confirm_token",
			body: signed(map[string]any{"version": 3, "action": "confirm", "language": "en"}),
			want: errorBody("err_missing", "Required parameter not passed confirm_token")},
		{name: "confirm with an unknown token is payment_not_found",
			body: signed(map[string]any{"version": 3, "action": "confirm", "confirm_token": "nope"}),
			want: errorBody("payment_not_found", "Платіж не знайдено")},
		{name: "confirm of an otp_verify payment without otp is err_missing otp",
			setup: prepare(payParams("otp-2", "4000000000003089")),
			build: func(t *testing.T) string {
				token, _ := m.statusOf(t, "otp-2")["token"].(string)
				return signed(map[string]any{"version": 3, "action": "confirm", "confirm_token": token})
			},
			want: errorBody("err_missing", "Не передано обов'язковий параметр otp")},
		{name: "confirm of a sender_verify payment without sender_city is err_missing sender_city",
			setup: prepare(payParams("sender-2", "4000000000003105")),
			build: func(t *testing.T) string {
				token, _ := m.statusOf(t, "sender-2")["token"].(string)
				return signed(map[string]any{"version": 3, "action": "confirm", "confirm_token": token, "language": "en",
					"sender_first_name": "A", "sender_last_name": "B", "sender_address": "C", "sender_country_code": "804", "sender_postal_code": "01001"})
			},
			want: errorBody("err_missing", "Required parameter not passed sender_city")},
		{name: "data without info is err_missing info",
			body: signed(map[string]any{"version": 3, "action": "data", "order_id": "x"}),
			want: errorBody("err_missing", "Не передано обов'язковий параметр info")},
		{name: "refund of a non-numeric amount is err_wrong amount",
			setup: prepare(valid("paid-2")),
			body:  signed(map[string]any{"version": 3, "action": "refund", "order_id": "paid-2", "amount": "lots"}),
			want:  errorBody("err_wrong", "Параметр amount вказано невірно")},
		{name: "refund above what was paid is err_amount_hold",
			setup: prepare(valid("paid-3")),
			body:  signed(map[string]any{"version": 3, "action": "refund", "order_id": "paid-3", "amount": "1.01", "language": "en"}),
			want:  errorBody("err_amount_hold", "Amount cannot exceed the payment amount")},
		{name: "a POST to an unknown /api/ path is err_path",
			path: "/api/nonexistent",
			body: signed(status("x")),
			want: errorBody("err_path", "Невірна адреса запиту")},
		{name: "a GET of /api/request is err_path",
			method: http.MethodGet, path: "/api/request",
			want: errorBody("err_path", "Невірна адреса запиту")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t)
			}
			body := tt.body
			if tt.build != nil {
				body = tt.build(t)
			}
			method, path := http.MethodPost, "/api/request"
			if tt.method != "" {
				method = tt.method
			}
			if tt.path != "" {
				path = tt.path
			}
			code, got := m.send(t, method, path, form, body)
			if code != http.StatusOK {
				t.Errorf("HTTP %d, want 200 (LiqPay answers errors with 200)", code)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// plusUnencoded builds a status request whose signature contains "+" and
// sends it without URL-encoding, as the 2014 PHP integrations of sdk-php#1
// did (reference §2.2): the "+" arrives as a space.
func plusUnencoded(t *testing.T) string {
	t.Helper()
	for i := range 500 {
		_, data, sig := (&liqpayclient.Client{PublicKey: publicKey, PrivateKey: privateKey, Encoding: liqpayclient.Go}).
			Encode(map[string]any{"version": 3, "action": "status", "order_id": fmt.Sprint("plus-", i)})
		if strings.Contains(sig, "+") {
			return "data=" + url.QueryEscape(data) + "&signature=" + sig
		}
	}
	t.Fatal("no signature with + among 500 orders")
	return ""
}

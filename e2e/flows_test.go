package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// flow is one payment driven step by step through the binary.
type flow struct {
	m         *mockpay
	orderID   string
	token     string // confirm_token from the charge's answer
	cardToken string // card_token issued with recurringbytoken=1
}

// step does one thing to the payment and names the fields its answer must
// have.
type step struct {
	name string
	do   func(t *testing.T, f *flow) map[string]any
	want map[string]any
}

func runFlow(t *testing.T, m *mockpay, steps []step) {
	t.Helper()
	f := &flow{m: m, orderID: orderID(t)}
	for i, s := range steps {
		got := s.do(t, f)
		checkFields(t, fmt.Sprintf("step %d (%s)", i+1, s.name), s.want, got)
		if t.Failed() {
			return // later steps assume this one worked
		}
	}
}

// charge sends a charge of card with params adjusted by kv, remembering the
// tokens the answer carries.
func charge(action, card string, kv ...any) func(*testing.T, *flow) map[string]any {
	return func(t *testing.T, f *flow) map[string]any {
		p := set(payParams(f.orderID, card), append([]any{"action", action}, kv...)...)
		if card == "" {
			p = drop(p, "card", "card_exp_month", "card_exp_year", "card_cvv")
		}
		got := f.m.do(t, p)
		f.token, _ = got["token"].(string)
		f.cardToken, _ = got["card_token"].(string)
		return got
	}
}

func pay(card string, kv ...any) func(*testing.T, *flow) map[string]any {
	return charge("pay", card, kv...)
}

// confirm finishes the pending step with the payment's token and kv.
func confirm(kv ...any) func(*testing.T, *flow) map[string]any {
	return func(t *testing.T, f *flow) map[string]any {
		if f.token == "" {
			t.Fatal("the charge's answer carried no token to confirm with")
		}
		return f.m.do(t, set(map[string]any{"version": 3, "action": "confirm", "confirm_token": f.token}, kv...))
	}
}

func status() func(*testing.T, *flow) map[string]any {
	return func(t *testing.T, f *flow) map[string]any { return f.m.statusOf(t, f.orderID) }
}

// statusAfter advances the virtual clock by d, then asks for the status.
func statusAfter(d string) func(*testing.T, *flow) map[string]any {
	return func(t *testing.T, f *flow) map[string]any {
		f.m.advance(t, d)
		return f.m.statusOf(t, f.orderID)
	}
}

// onOrder sends action for the flow's order with kv.
func onOrder(action string, kv ...any) func(*testing.T, *flow) map[string]any {
	return func(t *testing.T, f *flow) map[string]any {
		return f.m.do(t, set(map[string]any{"version": 3, "action": action, "order_id": f.orderID}, kv...))
	}
}

// payWithIssuedToken charges the card_token an earlier step was given,
// under a new order_id.
func payWithIssuedToken() func(*testing.T, *flow) map[string]any {
	return func(t *testing.T, f *flow) map[string]any {
		if f.cardToken == "" {
			t.Fatal("no card_token was issued")
		}
		return f.m.do(t, map[string]any{"version": 3, "action": "paytoken", "amount": "2", "currency": "UAH",
			"description": "repeat", "order_id": f.orderID + "-repeat", "card_token": f.cardToken})
	}
}

func TestCardOutcomes(t *testing.T) {
	t.Parallel()
	m := start(t)
	success := map[string]any{"result": "ok", "status": "success", "err_code": nil}
	tests := []struct {
		name  string
		steps []step
	}{
		{"4242424242424242 pays at once", []step{
			{"pay", pay("4242424242424242"), map[string]any{"result": "ok", "status": "success", "action": "pay", "type": "buy",
				"sender_card_mask2": "424242*42", "is_3ds": false, "mpi_eci": "7", "amount": num("1.0")}},
			{"status", status(), success},
		}},
		{"4000000000000002 fails with limit", []step{
			{"pay", pay("4000000000000002"), map[string]any{"result": "error", "status": "failure", "code": "limit", "err_code": "limit",
				"err_description": "Перевищено ліміт на суму або кількість платежів клієнта"}},
			{"status", status(), map[string]any{"result": "ok", "status": "failure", "err_code": "limit"}},
		}},
		{"4000000000009995 fails with insufficient funds 9859", []step{
			{"pay", pay("4000000000009995", "language", "en"), map[string]any{"result": "error", "status": "failure", "code": "9859",
				"err_code": "9859", "err_description": "Insufficient funds"}},
			{"status", status(), map[string]any{"result": "ok", "status": "failure", "err_code": "9859"}},
		}},
		{"a card past its expiry fails with 9851", []step{
			{"pay", pay("4242424242424242", "card_exp_month", "01", "card_exp_year", "20"), map[string]any{"result": "error",
				"status": "failure", "code": "9851", "err_code": "9851", "err_description": "Термін дії картки закінчився"}},
			{"status", status(), map[string]any{"status": "failure", "err_code": "9851"}},
		}},
		{"a Luhn-invalid card is err_card and stores nothing", []step{
			{"pay", pay("4242424242424241"), errorBody("err_card", "Невірний номер картки")},
			{"status", status(), errorBody("payment_not_found", "Платіж не знайдено")},
		}},
		{"card_token sandbox_token pays like the success card", []step{
			{"pay", pay("", "card_token", "sandbox_token"), map[string]any{"result": "ok", "status": "success", "sender_card_mask2": "424242*42"}},
			{"status", status(), success},
		}},
		{"paytoken with sandbox_token pays", []step{
			{"paytoken", charge("paytoken", "", "card_token", "sandbox_token"), map[string]any{"result": "ok", "status": "success",
				"action": "pay", "sender_card_mask2": "424242*42"}},
		}},
		{"recurringbytoken issues a card_token that paytoken charges", []step{
			{"pay", pay("4242424242424242", "recurringbytoken", "1"), map[string]any{"result": "ok", "status": "success"}},
			{"paytoken", payWithIssuedToken(), map[string]any{"result": "ok", "status": "success", "amount": num("2.0"),
				"sender_card_mask2": "424242*42"}},
		}},
		{"sandbox=1 reports status sandbox", []step{
			{"pay", pay("4242424242424242", "sandbox", "1"), map[string]any{"result": "ok", "status": "sandbox"}},
			{"status", status(), map[string]any{"result": "ok", "status": "sandbox"}},
		}},
		{"paytoken with a card_token nobody issued fails with 108", []step{
			{"paytoken", charge("paytoken", "", "card_token", "4F27B5BAA01C1FEC8E695855A53329B6EFCDF176"), map[string]any{
				"result": "error", "status": "failure", "code": "108", "err_code": "108", "err_description": "Токен не існує"}},
		}},
		{"data attaches info that status returns", []step{
			{"pay", pay("4242424242424242"), map[string]any{"status": "success", "info": nil}},
			{"data", onOrder("data", "info", "invoice 17"), map[string]any{"result": "ok", "status": "success", "info": "invoice 17"}},
			{"status", status(), map[string]any{"status": "success", "info": "invoice 17"}},
		}},
		{"status of an unknown order is payment_not_found", []step{
			{"status", status(), errorBody("payment_not_found", "Платіж не знайдено")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runFlow(t, m, tt.steps) })
	}
}

func TestHoldAndRefund(t *testing.T) {
	t.Parallel()
	m := start(t)
	hold := charge("hold", "4242424242424242", "amount", "10")
	held := map[string]any{"result": "ok", "status": "hold_wait", "action": "hold", "type": "hold", "amount": num("10.0")}
	payTen := pay("4242424242424242", "amount", "10")
	// The refund answer's action is the refunded payment's (LiqPay's refund
	// documentation), not "refund".
	releasedAnswer := map[string]any{"result": "ok", "action": "hold", "status": "reversed", "wait_amount": false}
	reversedAnswer := map[string]any{"result": "ok", "action": "pay", "status": "reversed", "wait_amount": false}
	tests := []struct {
		name  string
		steps []step
	}{
		{"hold then full completion charges the whole amount", []step{
			{"hold", hold, held},
			{"hold_completion", onOrder("hold_completion"), map[string]any{"result": "ok", "status": "success", "amount": num("10.0")}},
			{"status", status(), map[string]any{"status": "success", "amount": num("10.0")}},
		}},
		{"hold then partial completion charges less", []step{
			{"hold", hold, held},
			{"hold_completion 4", onOrder("hold_completion", "amount", "4"), map[string]any{"result": "ok", "status": "success", "amount": num("4.0")}},
			{"status", status(), map[string]any{"status": "success", "amount": num("4.0")}},
		}},
		{"completing more than was held is err_amount_hold and keeps the hold", []step{
			{"hold", hold, held},
			{"hold_completion 11", onOrder("hold_completion", "amount", "11"), errorBody("err_amount_hold", "Сума не може бути більше суми платежу")},
			{"status", status(), map[string]any{"status": "hold_wait", "amount": num("10.0")}},
		}},
		{"refund of a hold releases it", []step{
			{"hold", hold, held},
			{"refund", onOrder("refund"), releasedAnswer},
			{"status", status(), map[string]any{"status": "reversed"}},
			{"hold_completion after release", onOrder("hold_completion"), errorBody("payment_err_status", "Невірний статус платежу")},
		}},
		{"partial refund of a hold lowers what can be completed", []step{
			{"hold", hold, held},
			{"refund 4", onOrder("refund", "amount", "4"), releasedAnswer},
			{"status", status(), map[string]any{"status": "hold_wait", "refund_amount": num("4.0")}},
			{"hold_completion 7", onOrder("hold_completion", "amount", "7"), errorBody("err_amount_hold", "Сума не може бути більше суми платежу")},
			{"hold_completion", onOrder("hold_completion"), map[string]any{"result": "ok", "status": "success", "amount": num("6.0")}},
		}},
		{"full refund reverses the payment", []step{
			{"pay", payTen, map[string]any{"status": "success"}},
			{"refund", onOrder("refund"), reversedAnswer},
			{"status", status(), map[string]any{"status": "reversed", "refund_amount": num("10.0")}},
			{"refund again", onOrder("refund"), errorBody("payment_err_status", "Невірний статус платежу")},
		}},
		{"partial refund leaves the payment successful", []step{
			{"pay", payTen, map[string]any{"status": "success"}},
			{"refund 4", onOrder("refund", "amount", "4"), reversedAnswer},
			{"status", status(), map[string]any{"status": "success", "refund_amount": num("4.0")}},
			{"refund the remaining 6", onOrder("refund", "amount", "6"), reversedAnswer},
			{"status", status(), map[string]any{"status": "reversed", "refund_amount": num("10.0")}},
		}},
		{"refunding more than is left is err_amount_hold", []step{
			{"pay", payTen, map[string]any{"status": "success"}},
			{"refund 4", onOrder("refund", "amount", "4"), reversedAnswer},
			{"refund 7", onOrder("refund", "amount", "7", "language", "en"), errorBody("err_amount_hold", "Amount cannot exceed the payment amount")},
			{"status", status(), map[string]any{"status": "success", "refund_amount": num("4.0")}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runFlow(t, m, tt.steps) })
	}
}

// Verification steps other than 3-D Secure: confirm with the right data
// succeeds; leaving them past their deadline fails the payment.
func TestVerificationSteps(t *testing.T) {
	t.Parallel()
	const (
		otpCard      = "4000000000003089"
		cvvCard      = "4000000000003055"
		senderCard   = "4000000000003105"
		receiverCard = "4000000000003204"
	)
	success := map[string]any{"result": "ok", "status": "success", "err_code": nil, "token": nil}
	otpPending := map[string]any{"result": "ok", "status": "otp_verify", "confirm_phone": "38095*****01"}
	wrongOTP := errorBody("err_sms_otp", "Невірний SMS-пароль")
	failed := func(code, description string) map[string]any {
		return map[string]any{"result": "error", "status": "failure", "code": code, "err_code": code, "err_description": description}
	}
	sender := []any{"sender_first_name", "Taras", "sender_last_name", "Shevchenko", "sender_address", "Khreshchatyk 1",
		"sender_city", "Kyiv", "sender_country_code", "804", "sender_postal_code", "01001"}
	tests := []struct {
		name  string
		steps []step
	}{
		{"otp confirmed with the right code succeeds", []step{
			{"pay", pay(otpCard), otpPending},
			{"confirm otp", confirm("otp", "123456"), success},
			{"status", status(), success},
		}},
		{"otp wrong once then right succeeds", []step{
			{"pay", pay(otpCard), otpPending},
			{"confirm wrong otp", confirm("otp", "000000"), wrongOTP},
			{"status", status(), map[string]any{"status": "otp_verify"}},
			{"confirm right otp", confirm("otp", "123456"), success},
		}},
		{"otp wrong three times fails the payment", []step{
			{"pay", pay(otpCard), otpPending},
			{"wrong otp 1", confirm("otp", "111111"), wrongOTP},
			{"wrong otp 2", confirm("otp", "222222"), wrongOTP},
			{"wrong otp 3", confirm("otp", "333333"), failed("err_sms_otp", "Невірний SMS-пароль")},
			{"status", status(), map[string]any{"result": "ok", "status": "failure", "err_code": "err_sms_otp"}},
			{"right otp is too late", confirm("otp", "123456"), map[string]any{"status": "failure"}},
		}},
		{"otp not confirmed within 5 minutes expires", []step{
			{"pay", pay(otpCard), otpPending},
			{"4 minutes later", statusAfter("4m"), map[string]any{"status": "otp_verify"}},
			{"5 minutes later", statusAfter("1m"), map[string]any{"result": "ok", "status": "failure", "err_code": "expired_otp",
				"err_description": "Час підтвердження OTP минув"}},
			{"confirm after expiry", confirm("otp", "123456"), map[string]any{"status": "failure", "err_code": "expired_otp"}},
		}},
		{"cvv confirmed with card_cvv succeeds", []step{
			{"pay", pay(cvvCard), map[string]any{"result": "ok", "status": "cvv_verify"}},
			{"confirm cvv", confirm("card_cvv", "321"), success},
			{"status", status(), success},
		}},
		{"cvv not confirmed within 5 minutes expires", []step{
			{"pay", pay(cvvCard, "language", "en"), map[string]any{"status": "cvv_verify"}},
			{"5 minutes later", statusAfter("5m"), map[string]any{"status": "failure", "err_code": "expired_cvv",
				"err_description": "CVV confirmation time expired"}},
		}},
		{"sender_verify confirmed with the sender's data succeeds", []step{
			{"pay", pay(senderCard), map[string]any{"result": "ok", "status": "sender_verify"}},
			{"confirm without sender_city", confirm(sender[:6]...), errorBody("err_missing", "Не передано обов'язковий параметр sender_city")},
			{"confirm", confirm(sender...), map[string]any{"result": "ok", "status": "success", "sender_first_name": "Taras", "sender_last_name": "Shevchenko"}},
			{"status", status(), success},
		}},
		{"sender_verify not confirmed within 15 minutes expires", []step{
			{"pay", pay(senderCard), map[string]any{"status": "sender_verify"}},
			{"15 minutes later", statusAfter("15m"), map[string]any{"status": "failure", "err_code": "expired_sender",
				"err_description": "Час підтвердження даних відправника минув"}},
		}},
		{"receiver_verify confirmed with the receiver's name succeeds", []step{
			{"pay", pay(receiverCard), map[string]any{"result": "ok", "status": "receiver_verify"}},
			{"confirm", confirm("receiver_first_name", "Lesya", "receiver_last_name", "Ukrainka"), success},
			{"status", status(), success},
		}},
		{"receiver_verify not confirmed within 15 minutes expires", []step{
			{"pay", pay(receiverCard), map[string]any{"status": "receiver_verify"}},
			{"15 minutes later", statusAfter("15m"), map[string]any{"status": "failure", "err_code": "expired_receiver",
				"err_description": "Час підтвердження даних отримувача минув"}},
		}},
	}
	// One server per case: advancing the clock must not touch other cases.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			runFlow(t, start(t), tt.steps)
		})
	}
}

// threeDS is a payment waiting on the 3-D Secure page.
type threeDS struct {
	m        *mockpay
	orderID  string
	token    string
	redirect string // redirect_to
}

func start3DS(t *testing.T, m *mockpay) *threeDS {
	t.Helper()
	p := &threeDS{m: m, orderID: orderID(t)}
	got := m.do(t, payParams(p.orderID, "4000000000003063"))
	p.token, _ = got["token"].(string)
	p.redirect, _ = got["redirect_to"].(string)
	checkFields(t, "pay", map[string]any{"result": "ok", "status": "3ds_verify", "is_3ds": false,
		"redirect_to": m.base + "/api/3ds/request/" + p.token}, got)
	if !regexp.MustCompile(`^[A-Za-z0-9]{20,}$`).MatchString(p.token) {
		t.Fatalf("token %q does not look like a LiqPay payment token", p.token)
	}
	return p
}

// page GETs the 3-D Secure page with an optional return_to.
func (p *threeDS) page(t *testing.T, returnTo string) (int, string) {
	t.Helper()
	resp, err := noRedirects.Get(p.pageURL(returnTo))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("3-DS page Content-Type %q, want text/html", ct)
	}
	return resp.StatusCode, string(body)
}

// decide posts the page's form as the browser would: to the page's own URL.
func (p *threeDS) decide(t *testing.T, decision, returnTo string) *http.Response {
	t.Helper()
	form := url.Values{"decision": {decision}}
	if returnTo != "" {
		form.Set("return_to", returnTo)
	}
	resp, err := noRedirects.PostForm(p.pageURL(returnTo), form)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (p *threeDS) pageURL(returnTo string) string {
	if returnTo == "" {
		return p.redirect
	}
	return p.redirect + "?return_to=" + url.QueryEscape(returnTo)
}

var approveButton = regexp.MustCompile(`<button[^>]*name="decision"[^>]*value="approve"[^>]*>Approve</button>`)

func TestThreeDSecure(t *testing.T) {
	t.Parallel()
	const returnTo = "https://shop.example/3ds-return?order=42"
	succeeded := map[string]any{"result": "ok", "status": "success", "is_3ds": true, "mpi_eci": "5", "err_code": nil}

	t.Run("with return_to the customer approves and the merchant confirms", func(t *testing.T) {
		t.Parallel()
		m := start(t)
		p := start3DS(t, m)

		code, html := p.page(t, returnTo)
		if code != http.StatusOK || !approveButton.MatchString(html) {
			t.Fatalf("3-DS page: HTTP %d, Approve button present %v:\n%s", code, approveButton.MatchString(html), html)
		}
		checkFields(t, "confirm before the customer decides",
			map[string]any{"result": "ok", "status": "3ds_verify"},
			m.do(t, map[string]any{"version": 3, "action": "confirm", "confirm_token": p.token}))

		resp := p.decide(t, "approve", returnTo)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: HTTP %d, want 303", resp.StatusCode)
		}
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		gotLoc := map[string]any{"host": loc.Host, "path": loc.Path, "order": loc.Query().Get("order"), "liqpay_token": loc.Query().Get("liqpay_token")}
		checkFields(t, "Location "+loc.String(), map[string]any{"host": "shop.example", "path": "/3ds-return", "order": "42", "liqpay_token": p.token}, gotLoc)
		checkFields(t, "status after approval, before confirm", map[string]any{"status": "3ds_verify"}, m.statusOf(t, p.orderID))

		got := m.do(t, map[string]any{"version": 3, "action": "confirm", "confirm_token": loc.Query().Get("liqpay_token")})
		checkFields(t, "confirm with liqpay_token", succeeded, got)
		checkFields(t, "status", succeeded, m.statusOf(t, p.orderID))
	})

	t.Run("without return_to approving finishes the payment", func(t *testing.T) {
		t.Parallel()
		m := start(t)
		p := start3DS(t, m)
		resp := p.decide(t, "approve", "")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Payment status: success") {
			t.Errorf("approve: HTTP %d, body:\n%s", resp.StatusCode, body)
		}
		checkFields(t, "status", succeeded, m.statusOf(t, p.orderID))
	})

	t.Run("declining fails the payment with err_mpi", func(t *testing.T) {
		t.Parallel()
		m := start(t)
		p := start3DS(t, m)
		if resp := p.decide(t, "decline", returnTo); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("decline with return_to: HTTP %d, want 303 back to the shop", resp.StatusCode)
		}
		checkFields(t, "status", map[string]any{"result": "ok", "status": "failure", "is_3ds": false, "err_code": "err_mpi",
			"err_description": "Не вдалося перевірити картку"}, m.statusOf(t, p.orderID))
		checkFields(t, "confirm after decline", map[string]any{"result": "error", "status": "failure", "err_code": "err_mpi"},
			m.do(t, map[string]any{"version": 3, "action": "confirm", "confirm_token": p.token}))
	})

	t.Run("not deciding within 15 minutes expires the payment", func(t *testing.T) {
		t.Parallel()
		m := start(t)
		p := start3DS(t, m)
		m.advance(t, "14m")
		checkFields(t, "status after 14 minutes", map[string]any{"status": "3ds_verify"}, m.statusOf(t, p.orderID))
		m.advance(t, "1m")
		checkFields(t, "status after 15 minutes", map[string]any{"result": "ok", "status": "failure", "err_code": "expired_3ds",
			"err_description": "Час підтвердження 3DS минув"}, m.statusOf(t, p.orderID))
		p.decide(t, "approve", "")
		checkFields(t, "status after a late approve", map[string]any{"status": "failure", "err_code": "expired_3ds"}, m.statusOf(t, p.orderID))
		if _, html := p.page(t, ""); approveButton.MatchString(html) {
			t.Errorf("the page of an expired payment still offers Approve:\n%s", html)
		}
	})
}

// LiqPay writes amounts as floats that always carry a decimal point, and
// charges the shop 1.5 % rounded half up to the kopeck (reference §2.5:
// 3 → 0.05, 13 → 0.2, 16 → 0.24).
func TestAmountsAndCommission(t *testing.T) {
	t.Parallel()
	m := start(t)
	tests := []struct {
		name, amount     string
		want, commission string
	}{
		{"whole amount 3 as observed", "3", "3.0", "0.05"},
		{"whole amount 13 as observed", "13", "13.0", "0.2"},
		{"whole amount 16 as observed", "16", "16.0", "0.24"},
		{"kopecks", "7.34", "7.34", "0.11"},
		{"one decimal", "0.5", "0.5", "0.01"},
		{"a third decimal rounds half up", "1.005", "1.01", "0.02"},
		{"a third decimal rounds half up (2.675)", "2.675", "2.68", "0.04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.do(t, set(payParams(orderID(t), "4242424242424242"), "amount", tt.amount))
			checkFields(t, "pay", map[string]any{"status": "success", "amount": num(tt.want), "amount_debit": num(tt.want),
				"amount_credit": num(tt.want), "receiver_commission": num(tt.commission), "commission_credit": num(tt.commission),
				"sender_commission": num("0.0")}, got)
		})
	}
}

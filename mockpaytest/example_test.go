package mockpaytest_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/mockpaytest"
)

// In a test, pass the *testing.T to Start. An Example has none, so these
// run under exampleT, which stops mockpay when the example returns.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (t *exampleT) Logf(string, ...any)               {}
func (t *exampleT) Failed() bool                      { return false }
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// payParams is a LiqPay card payment of 10 UAH.
func payParams(orderID, card string) map[string]any {
	return map[string]any{"amount": 10, "currency": "UAH", "description": "example", "order_id": orderID,
		"card": card, "card_exp_month": "12", "card_exp_year": "29", "card_cvv": "123"}
}

// A LiqPay payment through the test's own merchant: the keys are fresh for
// every Start, so payment ids start over.
func ExampleStart() {
	t := &exampleT{}
	defer t.done()

	srv := mockpaytest.Start(t)
	paid := srv.LiqPay("pay", payParams("order-1", "4242424242424242"))
	fmt.Println(paid["status"], paid["payment_id"])
	// Output: success 2100000001
}

// SignLiqPay gives the data and signature a merchant's own code would send.
func ExampleServer_SignLiqPay() {
	t := &exampleT{}
	defer t.done()

	srv := mockpaytest.Start(t)
	params := payParams("order-2", "4242424242424242")
	params["action"], params["version"] = "pay", 3
	data, signature := srv.SignLiqPay(params)
	resp, err := http.PostForm(srv.URL()+"/api/request", map[string][]string{"data": {data}, "signature": {signature}})
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.StatusCode, len(signature))
	// Output: 200 28
}

// A callback to a Receiver, checked as a merchant's endpoint must check it.
func ExampleNewReceiver() {
	t := &exampleT{}
	defer t.done()

	srv := mockpaytest.Start(t)
	rv := mockpaytest.NewReceiver(t)
	params := payParams("order-3", "4242424242424242")
	params["server_url"] = rv.URL() + "/liqpay"
	srv.LiqPay("pay", params)

	cb := rv.WaitCallback(10 * time.Second)
	payment, err := srv.DecodeLiqPayCallback(cb)
	fmt.Println(cb.Path, payment["order_id"], payment["status"], err)
	// Output: /liqpay order-3 success <nil>
}

// A scenario scoped to the test's merchant declines a card that otherwise
// succeeds; other tests' merchants are not affected.
func ExampleServer_LoadScenarios() {
	t := &exampleT{}
	defer t.done()

	srv := mockpaytest.Start(t)
	srv.LoadScenarios("decline", `
version: 1
provider: liqpay
scenarios:
  - name: insufficient funds
    match: {card: "4242424242424242"}
    outcome: {status: failure, code: 9859}
`)
	got := srv.LiqPay("pay", payParams("order-4", "4242424242424242"))
	fmt.Println(got["status"], got["err_code"])
	// Output: failure 9859
}

// Time is virtual: an OTP left unconfirmed expires when the test moves the
// clock past its deadline (5 minutes), with no sleep.
func ExampleServer_Advance() {
	t := &exampleT{}
	defer t.done()

	srv := mockpaytest.Start(t)
	fmt.Println(srv.LiqPay("pay", payParams("order-5", "4000000000003089"))["status"])
	srv.Advance(6 * time.Minute)
	fmt.Println(srv.AwaitPayment(mockpaytest.ProviderLiqPay, "order-5")["status"])
	// Output:
	// otp_verify
	// failure
}

// A Liquido card charge with the test merchant's token and API key.
func ExampleServer_Liquido() {
	t := &exampleT{}
	defer t.done()

	srv := mockpaytest.Start(t)
	code, charge := srv.Liquido(http.MethodPost, "/v1/payments/charges/card", map[string]any{
		"idempotencyKey": "charge-1", "amount": 10000, "currency": "BRL", "country": "BR",
		"paymentMethod": "CREDIT_CARD", "paymentFlow": "DIRECT",
		"payer": map[string]any{"name": "Joao Silva", "email": "joao@example.com",
			"document": map[string]any{"documentId": "42243309114", "type": "CPF"}},
		"card": map[string]any{"cardHolderName": "JOAO SILVA", "cardNumber": "4111111111111111",
			"expirationMonth": "06", "expirationYear": "2029", "cvc": "123"},
		"description": "order charge-1",
	})
	fmt.Println(code, charge["transferStatus"])
	fmt.Println(srv.AwaitPayment(mockpaytest.ProviderLiquido, "charge-1", "SETTLED")["status"])
	// Output:
	// 200 SETTLED
	// SETTLED
}

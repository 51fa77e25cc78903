package mockpaytest_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/mockpaytest"
)

// TestCheckout is the README's mockpaytest example, verbatim between the
// markers below; TestReadmeQuotesTheExample holds the README to it.
// README example begins
func TestCheckout(t *testing.T) {
	t.Parallel()
	srv := mockpaytest.Start(t) // options: Seed, Scenarios, CallbackURL, CallbackPolicy, AdminToken, ProviderOnly, At, AwaitTimeout
	rv := mockpaytest.NewReceiver(t)

	// Your code under test gets srv.URL() and srv.LiqPayKeys() (or srv.LiquidoKeys()).
	paid := srv.LiqPay("pay", map[string]any{"amount": 10, "currency": "UAH", "description": "tea",
		"order_id": "order-1", "card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "29",
		"card_cvv": "123", "server_url": rv.URL()})
	if paid["status"] != "success" {
		t.Fatalf("pay: %v", paid)
	}
	payment, err := srv.DecodeLiqPayCallback(rv.WaitCallback(10 * time.Second)) // checks the signature
	if err != nil || payment["status"] != "success" {
		t.Fatalf("callback: %v %v", payment, err)
	}
}

// README example ends

func TestReadmeQuotesTheExample(t *testing.T) {
	src, err := os.ReadFile("readme_snippet_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, example, _ := strings.Cut(string(src), "// README example begins\n")
	example, _, _ = strings.Cut(example, "\n// README example ends")
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+strings.TrimSpace(example)+"\n```") {
		t.Errorf("README's mockpaytest example differs from TestCheckout in readme_snippet_test.go:\n%s", example)
	}
}

package shop_test

import (
	"testing"
	"time"

	"github.com/mockpay/mockpay/examples/gotest"
	"github.com/mockpay/mockpay/mockpaytest"
)

func TestChargeIsPaidAndCalledBack(t *testing.T) {
	t.Parallel()
	srv := mockpaytest.Start(t) // in-process, its own merchant, gone when the test ends
	rv := mockpaytest.NewReceiver(t)
	keys := srv.LiqPayKeys()
	client := shop.LiqPay{BaseURL: srv.URL(), PublicKey: keys.PublicKey, PrivateKey: keys.PrivateKey}

	status, err := client.Charge("order-1", "4242424242424242", 10, rv.URL())
	if err != nil || status != "success" {
		t.Fatalf("Charge: %q %v", status, err)
	}
	payment, err := srv.DecodeLiqPayCallback(rv.WaitCallback(10 * time.Second)) // signature checked
	if err != nil || payment["status"] != "success" || payment["order_id"] != "order-1" {
		t.Fatalf("callback: %v %v", payment, err)
	}
}

func TestChargeDeclinedByTheTestCard(t *testing.T) {
	t.Parallel()
	srv := mockpaytest.Start(t)
	keys := srv.LiqPayKeys()
	client := shop.LiqPay{BaseURL: srv.URL(), PublicKey: keys.PublicKey, PrivateKey: keys.PrivateKey}
	// 4000000000000002: LiqPay's documented card for a failure with "limit".
	if status, err := client.Charge("order-2", "4000000000000002", 10, ""); err != nil || status != "failure" {
		t.Fatalf("Charge with the failing card: %q %v", status, err)
	}
}

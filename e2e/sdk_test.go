package e2e

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// perPayment are the fields that must differ between two payments of the
// same card and amount; everything else must be equal.
var perPayment = []string{"order_id", "payment_id", "transaction_id", "liqpay_order_id",
	"create_date", "end_date", "authcode_debit", "rrn_debit"}

// Every official SDK encodes differently (raw JSON from Python, "\/" from
// PHP and Java, strings everywhere from Java and Ruby, null defaults from
// Ruby, \u003c from Go, reference §2.7); mockpay must read them all as the
// same payment.
func TestEverySDKEncodingGetsTheSameResult(t *testing.T) {
	t.Parallel()
	m := start(t)
	const description = `Замовлення №7 — tea/chips <b> & "quotes"`
	pays := map[liqpayclient.Encoding]map[string]any{}
	for _, enc := range liqpayclient.Encodings {
		t.Run(enc.String(), func(t *testing.T) {
			c := m.client(enc)
			orderID := "sdk-" + enc.String()
			params := set(payParams(orderID, "4242424242424242"), "amount", 1.5, "description", description)
			got := call(t, c, "request", params)
			checkFields(t, "pay", map[string]any{"result": "ok", "status": "success", "order_id": orderID,
				"description": description, "amount": num("1.5"), "version": num("3")}, got)
			pays[enc] = got

			statusParams := map[string]any{"version": 3, "action": "status", "order_id": orderID}
			if diff := cmp.Diff(got, call(t, c, "request", statusParams)); diff != "" {
				t.Errorf("status differs from the pay answer (-pay +status):\n%s", diff)
			}
			// Legacy path-per-action clients: api("payment/status", …) without action.
			legacy := drop(statusParams, "action")
			if diff := cmp.Diff(got, call(t, c, "payment/status", legacy)); diff != "" {
				t.Errorf("payment/status without action differs from the pay answer (-pay +status):\n%s", diff)
			}
		})
	}
	reference := drop(pays[liqpayclient.Go], perPayment...)
	for enc, got := range pays {
		if diff := cmp.Diff(reference, drop(got, perPayment...)); diff != "" {
			t.Errorf("%s's payment differs from Go's (-Go +%s):\n%s", enc, enc, diff)
		}
	}
}

// Version 7 requests are signed with SHA3-256 (reference §2.3); each SDK's
// encoding must work with that hash too.
func TestEverySDKEncodingSignedForVersion7Pays(t *testing.T) {
	t.Parallel()
	m := start(t)
	for _, enc := range liqpayclient.Encodings {
		t.Run(enc.String(), func(t *testing.T) {
			c := m.client(enc)
			c.Version7 = true
			orderID := "sdk7-" + enc.String()
			got := call(t, c, "request", set(payParams(orderID, "4242424242424242"), "version", 7))
			checkFields(t, "pay", map[string]any{"result": "ok", "status": "success", "version": num("7"), "order_id": orderID}, got)
		})
	}
}

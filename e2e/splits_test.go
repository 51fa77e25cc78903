package e2e

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"testing"
)

// A split payment (reference liqpay.md §3 split_rules, seed 001): the shares
// must add up to the amount, and each receiver gets its own callback with
// its share and its commission, at its own server_url, signed with its own
// key when mockpay serves its shop (the payer's key otherwise).

func splitRules(t *testing.T, rules ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func verifyWith(key, data, signature string) bool {
	sum := sha1.Sum([]byte(key + data + key))
	return base64.StdEncoding.EncodeToString(sum[:]) == signature
}

func TestSplitThatAddsUp(t *testing.T) {
	t.Parallel()
	m := start(t, "--config", scSecondMerchantConfig(t))
	payer, known, stranger := newReceiver(t), newReceiver(t), newReceiver(t)
	for _, action := range []string{"pay", "paysplit"} {
		t.Run(action, func(t *testing.T) {
			order := orderID(t)
			rules := splitRules(t,
				map[string]any{"public_key": scOtherPublic, "amount": 1, "commission_payer": "sender", "server_url": known.URL + "/" + order},
				map[string]any{"public_key": "i000000002", "amount": 2, "commission_payer": "receiver", "server_url": stranger.URL + "/" + order},
			)
			resp := m.do(t, set(payParams(order, "4242424242424242"), "action", action, "amount", "3",
				"split_rules", rules, "server_url", payer.URL+"/"+order))
			checkFields(t, action, map[string]any{"result": "ok", "status": "success", "action": action, "amount": num("3.0")}, resp)
			m.advance(t, "0s")

			byPath := func(rv *receiver) []callbackSeen {
				var out []callbackSeen
				for i, r := range rv.Received() {
					if r.Path == "/"+order {
						out = append(out, rv.seen()[i])
					}
				}
				return out
			}
			if got := byPath(payer); len(got) != 1 || got[0].payment["amount"] != num("3.0") || got[0].payment["public_key"] != publicKey {
				t.Fatalf("payer's callbacks: %+v", got)
			}
			cases := []struct {
				rv   *receiver
				key  string
				want map[string]any
			}{
				{known, scOtherPrivate, map[string]any{"status": "success", "public_key": scOtherPublic, "order_id": order,
					"amount": num("1.0"), "sender_commission": num("0.02"), "receiver_commission": num("0.0"), "amount_debit": num("1.02")}},
				{stranger, privateKey, map[string]any{"status": "success", "public_key": "i000000002", "order_id": order,
					"amount": num("2.0"), "sender_commission": num("0.0"), "receiver_commission": num("0.03"), "amount_credit": num("2.0")}},
			}
			for _, tc := range cases {
				got := byPath(tc.rv)
				if len(got) != 1 {
					t.Fatalf("receiver %v got %d callbacks, want 1", tc.want["public_key"], len(got))
				}
				checkFields(t, "receiver callback", tc.want, got[0].payment)
				if !verifyWith(tc.key, got[0].data, got[0].signature) {
					t.Errorf("receiver %v: signature does not verify with its key", tc.want["public_key"])
				}
			}
		})
	}
}

func TestSplitThatDoesNotAddUp(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	order := orderID(t)
	rules := splitRules(t,
		map[string]any{"public_key": "i000000001", "amount": 1, "server_url": rv.URL},
		map[string]any{"public_key": "i000000002", "amount": 1.5, "server_url": rv.URL},
	)
	resp := m.do(t, set(payParams(order, "4242424242424242"), "amount", "3", "split_rules", rules, "server_url", rv.URL, "language", "en"))
	checkFields(t, "split of 2.5 for 3", errorBody("err_split_amount", "Split amounts do not equal the payment amount"), resp)
	checkFields(t, "nothing was charged", map[string]any{"err_code": "payment_not_found"}, m.statusOf(t, order))

	// The same order may be paid once the rules add up; paysplit without
	// rules is err_missing.
	checkFields(t, "paysplit without rules", map[string]any{"err_code": "err_missing"},
		m.do(t, set(payParams(order, "4242424242424242"), "action", "paysplit")))
	checkFields(t, "malformed rules", map[string]any{"err_code": "err_wrong"},
		m.do(t, set(payParams(order, "4242424242424242"), "split_rules", "[{")))
	m.advance(t, "0s")
	if n := len(rv.Received()); n != 0 {
		t.Fatalf("%d callbacks for requests that charged nothing", n)
	}
}

package audit

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"time"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/internal/config"
)

const formType = "application/x-www-form-urlencoded"

func (c *Config) liqpayDefaults() error {
	if c.Merchant == "" {
		c.Merchant = config.DefaultLiqPayPublicKey
	}
	if c.Secret == "" {
		c.Secret = config.DefaultLiqPayPrivateKey
	}
	if c.Currency == "" {
		c.Currency = "UAH"
	}
	if c.Version == 0 {
		c.Version = 3
	}
	return nil
}

// liqpayAlgo is the hash LiqPay signs a callback of this version with
// (reference liqpay.md §2.3: 7 and later use SHA3-256).
func liqpayAlgo(version int) liqpay.SigAlgo {
	if version >= 7 {
		return liqpay.SHA3256
	}
	return liqpay.SHA1
}

// liqpayCases is the LiqPay battery. Every callback is a whole payment
// object as mockpay's LiqPay sends it (liqpay.CallbackBody), posted as the
// form data=<base64 JSON>&signature=<base64 hash> (reference §7).
func liqpayCases(c Config) ([]kase, error) {
	foreignPriv, err := foreignKey()
	if err != nil {
		return nil, err
	}
	now := c.Now()
	base := now.UnixMilli() % 1_000_000_000 // payment ids of this run
	pay := func(id int64, order, status, publicKey string, created time.Time) *liqpay.Payment {
		p := &liqpay.Payment{
			ID: id, Status: liqpay.Status(status),
			Common: &liqpay.Common{Action: "pay", Type: "buy", Paytype: "card",
				Version: c.Version, Algo: liqpayAlgo(c.Version), PublicKey: publicKey, Currency: c.Currency},
			OrderID: order, LiqPayOrderID: "MOCKPAYAUDIT" + order,
			Description: "mockpay receiver audit", Amount: liqpay.Amount(c.Amount),
			Extras: &liqpay.Extras{IP: "127.0.0.1"}, Is3DS: true, Created: clock.StampAt(created),
		}
		p.Card.Mask2, p.Card.Bank, p.Card.Type, p.Card.Country = "424242*42", "Test Bank", "visa", 804
		if status == "success" {
			p.Ended = clock.StampAt(created.Add(30 * time.Second))
			p.Completed = p.Ended
		}
		return p
	}
	form := func(p *liqpay.Payment, key string) send {
		data, sig := liqpay.CallbackBody(p, key)
		return send{contentType: formType, body: []byte(url.Values{"data": {data}, "signature": {sig}}.Encode())}
	}
	genuine := pay(base, c.Order, "success", c.Merchant, now.Add(-time.Minute))
	valid := form(genuine, c.Secret)

	data, _ := liqpay.CallbackBody(genuine, c.Secret)
	wrongSig := liqpay.Sign(liqpayAlgo(c.Version), "not-"+c.Secret, data)
	foreignPub := "sandbox_i" + foreignPriv[:8]
	// The JSON a careless receiver reads: the payment's own fields at the
	// top level, and the genuine signature beside them. No LiqPay signature
	// can cover such a body (it signs the base64 of data), so accepting it
	// means trusting whatever was posted.
	var fields map[string]any
	raw, _ := base64.StdEncoding.DecodeString(data)
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	fields["signature"] = liqpay.Sign(liqpayAlgo(c.Version), c.Secret, data)
	asJSON, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}

	late := pay(base+2, c.Order, "success", c.Merchant, now.Add(-2*time.Minute))
	earlier := pay(base+2, c.Order, "3ds_verify", c.Merchant, now.Add(-2*time.Minute))

	return []kase{
		{id: "valid", kind: Must, expect: accepted, title: "a genuine callback (success) for the order",
			safe:  "accepts it (2xx) once the signature and the order's amount and currency check out",
			sends: []send{valid}},
		{id: "wrong-signature", kind: Must, expect: refused, title: "the same data with a wrong signature",
			safe:  "recomputes base64(hash(private_key+data+private_key)) and refuses a mismatch (4xx)",
			sends: []send{{contentType: formType, body: []byte(url.Values{"data": {data}, "signature": {wrongSig}}.Encode())}}},
		{id: "foreign-key", kind: Must, expect: refused, title: "a callback signed with another merchant's key",
			safe:  "verifies with its own private key only, whatever public_key the data names, and refuses (4xx)",
			sends: []send{form(pay(base+1, c.Order, "success", foreignPub, now.Add(-time.Minute)), foreignPriv)}},
		{id: "missing-signature", kind: Must, expect: refused, title: "data without a signature",
			safe:  "refuses a callback with no signature (4xx)",
			sends: []send{{contentType: formType, body: []byte(url.Values{"data": {data}}.Encode())}}},
		{id: "wrong-encoding", kind: Must, expect: refused, title: "the payment posted as JSON instead of the form",
			safe:  "reads only the form fields data and signature (LiqPay never posts JSON) and refuses this (4xx)",
			sends: []send{{contentType: "application/json", body: asJSON}}},
		{id: "replay-other-order", kind: Advice, expect: survives, title: "a genuine callback of another order",
			safe:  "takes order_id, amount and currency from the verified data and checks them against its own order; an unknown order changes nothing",
			sends: []send{form(pay(base+3, c.Order+"-other", "success", c.Merchant, now.Add(-time.Minute)), c.Secret)}},
		{id: "duplicate", kind: Advice, expect: survives, title: "the genuine callback again, twice",
			safe:  "is idempotent: a repeat of a status it already holds changes nothing and is answered 2xx",
			sends: []send{valid, valid}},
		{id: "out-of-order", kind: Advice, expect: survives, title: "success, then an older 3ds_verify of the same payment",
			safe:  "keeps success: a final status is never replaced by an earlier, intermediate one",
			sends: []send{form(late, c.Secret), form(earlier, c.Secret)}},
		{id: "unknown-status-wait_secure", kind: Advice, expect: survives, title: "status wait_secure",
			safe:  "treats wait_secure (the payment is being checked) as not paid yet, not as success, and answers 2xx",
			sends: []send{form(pay(base+4, c.Order, "wait_secure", c.Merchant, now.Add(-time.Minute)), c.Secret)}},
		{id: "unknown-status-wait_lc", kind: Advice, expect: survives, title: "status wait_lc",
			safe:  "treats a status it does not know as not paid, logs it and answers 2xx",
			sends: []send{form(pay(base+5, c.Order, "wait_lc", c.Merchant, now.Add(-time.Minute)), c.Secret)}},
	}, nil
}

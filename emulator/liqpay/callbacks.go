package liqpay

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/scenarios"
)

// Dispatcher is what LiqPay needs of the callback dispatcher.
type Dispatcher interface {
	Enqueue(s callback.Scheduler, r callback.Request) string
	Settle(ctx context.Context, tenant string) error
}

// notify hands the payment's callback to the dispatcher, the way LiqPay
// sends it (reference §7): POST form data=<base64 JSON>&signature=<sig>, the
// whole payment object, signed with the algorithm of the payment's own
// request. It goes to the request's server_url, else the merchant's default.
// A scenario's callback rules may delay, duplicate, drop, reorder or
// mis-sign it — the faults merchant code must survive.
// Caller holds sh.mu, so the body is a snapshot of this very change and the
// callbacks of a payment are enqueued in the order the changes happened.
func (s *Server) notify(sh *shop, p *Payment) {
	if s.opts.Callbacks == nil {
		return
	}
	rule := scenarios.RuleFor(p.flow().CallbackRules, string(p.Status))
	target := p.ServerURL
	if target == "" {
		target = sh.merchant.ServerURL
	}
	if target == "" && rule.URL == "" {
		return
	}
	body := p
	key := sh.merchant.PrivateKey
	switch rule.Signature {
	case scenarios.SignatureWrong:
		key = "not-" + key // a signature no merchant key verifies
	case scenarios.SignatureForeign:
		body = sh.foreignPayment(p)
	}
	data, signature := CallbackBody(body, key)
	id := strconv.FormatInt(p.ID, 10)
	req := callback.Request{
		Tenant:    sh.tenant.ID,
		Provider:  "liqpay",
		URL:       rule.Target(target),
		Delay:     rule.Delay,
		Unordered: rule.Unordered,
		Header:    http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body:      []byte(url.Values{"data": {data}, "signature": {signature}}.Encode()),
		OrderKey:  id,
		Labels: map[string]string{
			"order_id": p.OrderID, "payment_id": id, "status": string(p.Status), "action": p.Action,
		},
		Policy: s.opts.CallbackPolicy(sh.merchant.PublicKey),
	}
	for range rule.Copies() {
		s.opts.Callbacks.Enqueue(sh.tenant.Clock, req)
	}
	if rule.BeforeResponse && rule.Copies() > 0 {
		p.waitCallbacks = true
	}
}

// foreignPayment is another order's payment of the same merchant — the most
// recent one — or, when there is none, a made-up one: a validly signed
// callback that is not about this order. Caller holds sh.mu.
func (sh *shop) foreignPayment(p *Payment) *Payment {
	var other *Payment
	for _, q := range sh.byID {
		if q.OrderID != p.OrderID && (other == nil || q.ID > other.ID) {
			other = q
		}
	}
	if other != nil {
		return other
	}
	fake := *p
	fake.ID, fake.OrderID = p.ID+1000, p.OrderID+"-foreign"
	fake.Verify = nil
	if p.Flow != nil { // a copy: the real payment keeps its rules
		f := *p.Flow
		f.CallbackRules = nil
		fake.Flow = &f
	}
	return &fake
}

// CallbackBody returns the data and signature fields of a payment's callback.
func CallbackBody(p *Payment, privateKey string) (data, signature string) {
	// Callbacks carry no "result" (reference §7 field list).
	raw := bytes.TrimSuffix(encode(p.wire("")), []byte("\n"))
	data = base64.StdEncoding.EncodeToString(raw)
	return data, Sign(p.Algo, privateKey, data)
}

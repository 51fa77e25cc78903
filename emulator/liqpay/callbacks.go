package liqpay

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mockpay/mockpay/internal/callback"
)

// Dispatcher is what LiqPay needs of the callback dispatcher.
type Dispatcher interface {
	Enqueue(s callback.Scheduler, r callback.Request) string
}

// notify hands the payment's callback to the dispatcher, the way LiqPay
// sends it (reference §7): POST form data=<base64 JSON>&signature=<sig>, the
// whole payment object, signed with the algorithm of the payment's own
// request. It goes to the request's server_url, else the merchant's default.
// Caller holds sh.mu, so the body is a snapshot of this very change and the
// callbacks of a payment are enqueued in the order the changes happened.
func (s *Server) notify(sh *shop, p *Payment) {
	if s.opts.Callbacks == nil {
		return
	}
	target := p.ServerURL
	if target == "" {
		target = sh.merchant.ServerURL
	}
	if target == "" {
		return
	}
	data, signature := CallbackBody(p, sh.merchant.PrivateKey)
	id := strconv.FormatInt(p.ID, 10)
	s.opts.Callbacks.Enqueue(sh.tenant.Clock, callback.Request{
		Tenant:   sh.tenant.ID,
		Provider: "liqpay",
		URL:      target,
		Header:   http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body:     []byte(url.Values{"data": {data}, "signature": {signature}}.Encode()),
		OrderKey: id,
		Labels: map[string]string{
			"order_id": p.OrderID, "payment_id": id, "status": string(p.Status), "action": p.Action,
		},
		Policy: s.opts.CallbackPolicy(sh.merchant.PublicKey),
	})
}

// CallbackBody returns the data and signature fields of a payment's callback.
func CallbackBody(p *Payment, privateKey string) (data, signature string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p.wire("")) // callbacks carry no "result" (reference §7 field list)
	data = base64.StdEncoding.EncodeToString(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return data, Sign(p.Algo, privateKey, data)
}

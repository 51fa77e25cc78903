package liquido

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/scenarios"
)

// Dispatcher is what Liquido needs of the callback dispatcher.
type Dispatcher interface {
	Enqueue(s callback.Scheduler, r callback.Request) string
	Settle(ctx context.Context, tenant string) error
}

// Sign returns the Liquido-Signature header value for a callback body sent at
// unix time ts (reference §15.2): HMAC-SHA256 keyed by the merchant's
// client_secret over "payload=<raw body>,timestamp=<ts>", in lowercase hex.
func Sign(secret string, body []byte, ts int64) string {
	t := strconv.FormatInt(ts, 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("payload="))
	mac.Write(body)
	mac.Write([]byte(",timestamp=" + t))
	return "algorithm=HmacSHA256,timestamp=" + t + ",signature=" + hex.EncodeToString(mac.Sum(nil))
}

// Callback signing keys, by the name a state file keeps (SignSpec).
const (
	signMerchant = "merchant" // the merchant's client_secret
	signWrong    = "wrong"    // a key the merchant does not have
)

func callbackSecret(m *merchant, spec string) string {
	if spec == signWrong {
		return "not-" + m.cfg.ClientSecret
	}
	return m.cfg.ClientSecret
}

// signer signs each attempt with secret at the attempt's virtual time.
func signer(secret string) func(at time.Time, body []byte) http.Header {
	return func(at time.Time, body []byte) http.Header {
		return http.Header{"Liquido-Signature": {Sign(secret, body, at.Unix())}}
	}
}

// notice is one callback about to be sent.
type notice struct {
	event     Event
	status    Status // what the callback reports, for the scenario's rules
	key       string // the idempotencyKey it is about (a refund's own for refunds)
	reference string // the payment's key: one payment's callbacks stay in order
	url       string
	rules     []scenarios.CallbackRule
	details   []byte        // chargeDetails
	foreign   func() []byte // another payment's (or refund's) chargeDetails
	// wrap builds the body around the details (the payment-link and payout
	// shapes); nil: {eventType, data: {chargeDetails}}.
	wrap func(details []byte) any
}

// notifyPayment sends a payment's callback. Caller holds m.mu, so the body
// is a snapshot of this very change, and a payment's callbacks are enqueued
// in the order the changes happened.
func (s *Server) notifyPayment(m *merchant, p *Payment, ev Event) {
	s.notify(m, notice{
		event: ev, status: p.Status, key: p.Key, reference: p.Key, url: p.CallbackURL, rules: p.ex().CallbackRules,
		details: p.encoded(),
		foreign: func() []byte {
			if q := m.latestOther(p); q != nil {
				return q.encoded()
			}
			// No other payment yet: a made-up one, still validly signed.
			fake := *p
			fake.Key += "-foreign"
			return fake.encoded()
		},
	})
}

// notifyRefund sends a refund's callback: chargeDetails is the refund, its
// referenceId the payment's key (reference §8.3). It goes to the refund's
// callbackUrl, else the payment's, else the merchant's.
func (s *Server) notifyRefund(m *merchant, r *Refund, ev Event) {
	target := r.CallbackURL
	if target == "" {
		target = r.Payment.CallbackURL
	}
	s.notify(m, notice{
		event: ev, status: r.Status, key: r.Key, reference: r.Payment.Key, url: target, rules: r.CallbackRules,
		details: r.encoded(),
		foreign: func() []byte {
			if q := m.latestOtherRefund(r); q != nil {
				return q.encoded()
			}
			fake := *r
			fake.Key += "-foreign"
			return fake.encoded()
		},
	})
}

// notify hands a callback to the dispatcher the way Liquido sends it
// (reference §15): POST JSON {eventType, data: {chargeDetails}} with the
// Liquido-Signature header, timestamped with the merchant's virtual clock,
// to the payment's callbackUrl or else the merchant's configured one. A
// scenario's callback rules may drop, delay, duplicate, reorder or redirect
// it, sign it with a wrong key, or send another payment's data validly
// signed — the faults merchant code must survive. Caller holds m.mu.
func (s *Server) notify(m *merchant, n notice) {
	if s.opts.Callbacks == nil {
		return
	}
	rule := scenarios.RuleFor(n.rules, string(n.status))
	target := n.url
	if target == "" {
		target = m.cfg.CallbackURL
	}
	if target == "" && rule.URL == "" {
		return
	}
	details, spec := n.details, signMerchant
	switch rule.Signature {
	case scenarios.SignatureWrong:
		spec = signWrong
	case scenarios.SignatureForeign:
		details = n.foreign()
	}
	details = bytes.TrimSuffix(details, []byte("\n"))
	var cb any
	if n.wrap != nil {
		cb = n.wrap(details)
	} else {
		var charge callbackJSON
		charge.EventType = n.event
		charge.Data.ChargeDetails = details
		cb = charge
	}
	body, err := marshal(cb)
	if err != nil {
		s.log.Error("liquido callback body", "err", err)
		return
	}
	req := callback.Request{
		Tenant:    m.tenant.ID,
		Provider:  "liquido",
		URL:       rule.Target(target),
		Delay:     rule.Delay,
		Unordered: rule.Unordered,
		Header:    http.Header{"Content-Type": {jsonType}},
		// Signed as each attempt is sent, timestamped with the merchant's
		// virtual clock at that moment, as a real retry would be.
		Sign:     signer(callbackSecret(m, spec)),
		SignSpec: spec,
		Body:     body,
		OrderKey: n.reference,
		Labels: map[string]string{
			"idempotency_key": n.key, "reference_id": n.reference, "status": string(n.status), "event": string(n.event),
		},
		Policy: s.opts.CallbackPolicy(m.cfg.ClientID),
	}
	for range rule.Copies() {
		s.opts.Callbacks.Enqueue(m.tenant.Clock, req)
	}
	if rule.BeforeResponse && rule.Copies() > 0 {
		m.wait = true
	}
}

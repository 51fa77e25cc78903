package liquido

import (
	"fmt"
	"strings"
)

// decodeCapture reads a capture: no body (BR/MX examples), or a JSON object
// with an amount for a partial capture (the Chile example, GUESS).
func decodeCapture(c *call) (request, *apiError) {
	key, e := pathKey(c)
	if e != nil {
		return nil, e
	}
	in := &keyRequest{key: key, do: (*Server).capture}
	if strings.TrimSpace(string(c.body)) == "" {
		return in, nil
	}
	body, e := decodeObject(c.body)
	if e != nil {
		return nil, e
	}
	f := newFields(body)
	if n, ok := f.long("amount", false); ok {
		if n <= 0 {
			f.fail("amount", "must be greater than 0")
		}
		in.amount = n
	}
	if f.failed() {
		return nil, errInvalid(*f.errs)
	}
	in.body = body
	return in, nil
}

// capture is POST /v1/payments/charges/card/capture/{idempotencyKey}
// (reference §5.7): an AUTHORIZED card becomes SETTLED, for its whole amount
// or, with {"amount": n}, part of it. Capturing a payment again returns it
// as it is, so a retried capture is harmless.
func (s *Server) capture(c *call, in *keyRequest) answer {
	m := c.m
	p := m.payments[in.key]
	switch {
	case p == nil:
		return failed(errPaymentNotFound(in.key))
	case p.captured && p.Status != StatusAuthorized && in.amount > 0 && in.amount != p.Captured:
		// A retry is harmless; a second capture of another amount is not a retry.
		return failed(errField("amount", fmt.Sprintf("payment %s was already captured for %d", p.Key, p.Captured)))
	case p.captured && p.Status != StatusAuthorized:
		return okPayment(p)
	case p.Status != StatusAuthorized:
		return failed(errBadRequest(fmt.Sprintf("Payment %s is %s: only AUTHORIZED card payments can be captured", p.Key, p.Status)))
	case in.amount > p.Amount:
		return failed(errField("amount", fmt.Sprintf("must not exceed the authorized amount of %d", p.Amount)))
	}
	if !s.decide(c, followUp(ActionCapture, p, in.body)) {
		return answer{skip: true}
	}
	p.captured = true
	if in.amount > 0 {
		p.Captured = in.amount
		price(c.m, p)
	}
	o := c.outcome()
	adopt(p, o)
	st := Status(o.Status)
	if st == "" {
		st = StatusSettled
	}
	s.setStatus(m, p, st, parseCode(o.Code), o.Message, c.now)
	s.scheduleThen(m, p, o.Then, c.now)
	return okPayment(p)
}

package liquido

import "fmt"

// cancel is POST /v1/payments/charges/cancel/{idempotencyKey} (reference
// §9): a card while AUTHORIZED (a void), a local method while IN_PROGRESS
// (the voucher or reference stops working) becomes CANCELLED. The docs list
// card, BANK_TRANSFER and PAY_CASH; mockpay lets every unpaid local method
// be cancelled (GUESS). Any other state is a 400; cancelling twice returns
// the cancelled payment.
func (s *Server) cancel(c *call, in *keyRequest) answer {
	m := c.m
	p := m.payments[in.key]
	switch {
	case p == nil:
		return failed(errPaymentNotFound(in.key))
	case p.Status == StatusCancelled:
		return okPayment(p)
	case !(p.isCard() && p.Status == StatusAuthorized) && !(!p.isCard() && p.Status == StatusInProgress):
		return failed(errBadRequest(fmt.Sprintf("Payment %s (%s) is %s and cannot be cancelled: card payments can be cancelled while AUTHORIZED, other methods while IN_PROGRESS",
			p.Key, p.Method, p.Status)))
	}
	if !s.decide(c, followUp(ActionCancel, p, nil)) {
		return answer{skip: true}
	}
	o := c.outcome()
	adopt(p, o)
	st := Status(o.Status)
	if st == "" {
		st = StatusCancelled
	}
	s.setStatus(m, p, st, parseCode(o.Code), o.Message, c.now)
	s.scheduleThen(m, p, o.Then, c.now)
	return okPayment(p)
}

package liqpay

import (
	"errors"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
)

// Secured payment (seed 000; reference §3 letter_of_credit, §5.1 wait_lc).
// A pay (or paytoken) with letter_of_credit=1 and letter_of_credit_date is
// charged and then waits in wait_lc: the money is taken but not credited to
// the merchant. It ends:
//   - success when the purchase is confirmed: confirm with the payment's
//     token (the wait_lc answer carries "token"; LiqPay's one confirmation
//     action, reference §4.13 — seed 000 names no other), or
//     ConfirmSecured from the control plane;
//   - success when letter_of_credit_date passes on the merchant's virtual
//     clock (the protection period expired);
//   - dispute when the customer says the goods were not received (seed 000
//     step 5: status «Dispute»), which stops the date; LiqPay takes that
//     from the customer, so mockpay takes it from mockpay_lc_dispute or
//     DisputeSecured. A dispute is resolved by mockpay_lc_resolve or
//     ResolveSecured: for the merchant (documents provided, seed 000 step 6)
//     → success; for the customer → reversed, the whole amount refunded.
// Each change sends the payment's callback. The mockpay_lc_* actions are
// mockpay's own, for tests: LiqPay has no API for them.

const (
	StatusWaitLC  Status = "wait_lc"
	StatusDispute Status = "dispute"

	ActionLCDispute Action = "mockpay_lc_dispute"
	ActionLCResolve Action = "mockpay_lc_resolve"
)

// letterOfCredit is a secured payment's protection, kept on its payment.
type letterOfCredit struct {
	Date  time.Time // letter_of_credit_date: funds go to the merchant then
	timer *clock.Timer
}

// ErrWrongStatus is what the secured-payment triggers return for a payment
// that is not at the step they act on (not wait_lc, not in dispute).
var ErrWrongStatus = errors.New("liqpay: the payment is not in a status this step applies to")

// validateLCDate reads letter_of_credit_date, which must be in the future.
func validateLCDate(c *call) (time.Time, *apiError) {
	raw, ok := c.params.Str("letter_of_credit_date")
	if !ok {
		return time.Time{}, newError(ErrMissing, c.lang, "letter_of_credit_date")
	}
	t, ok := parseLiqPayTime(raw)
	if !ok || !t.After(c.now) {
		return time.Time{}, newError(ErrWrong, c.lang, "letter_of_credit_date")
	}
	return t, nil
}

// startSecured runs when a secured payment reaches wait_lc: a fresh token to
// confirm with, and the date's timer. Caller holds sh.mu.
func (s *Server) startSecured(sh *shop, p *Payment) {
	if p.credit() == nil {
		return
	}
	p.Token = sh.confirmToken()
	sh.byToken[p.Token] = p
	s.armSecured(sh, p)
}

// armSecured sets the timer of letter_of_credit_date: the protection period
// ends and the funds go to the merchant. Caller holds sh.mu.
func (s *Server) armSecured(sh *shop, p *Payment) {
	sh.stop(p.credit().timer) // a scripted step back into wait_lc
	p.credit().timer = sh.at(p.credit().Date, func() {
		if p.Status == StatusWaitLC {
			s.finish(sh, p, StatusSuccess, "", p.credit().Date)
			p.takeWait() // no request waits on a timer's callbacks
		}
	})
}

// securedStep moves a secured payment one step: "confirm" (wait_lc →
// success), "dispute" (wait_lc → dispute), "merchant" or "customer"
// (dispute → success or reversed). Caller holds sh.mu.
func (s *Server) securedStep(sh *shop, p *Payment, step string, now time.Time) error {
	if p.credit() == nil {
		return ErrWrongStatus
	}
	from := StatusWaitLC
	if step == "merchant" || step == "customer" {
		from = StatusDispute
	}
	if p.Status != from {
		return ErrWrongStatus
	}
	sh.stop(p.credit().timer)
	switch step {
	case "confirm", "merchant":
		s.finish(sh, p, StatusSuccess, "", now)
	case "dispute":
		s.finish(sh, p, StatusDispute, "", now)
	case "customer":
		p.RefundAmount, p.flowFor().RefundedAt = p.Amount, now
		s.finish(sh, p, StatusReversed, "", now)
	}
	return nil
}

// lcDispute is mockpay_lc_dispute: the customer reports the goods not
// received.
func (s *Server) lcDispute(c *call) any {
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		if s.securedStep(sh, p, "dispute", c.now) != nil {
			return newError(ErrPaymentStatus, c.lang, "")
		}
		return p.wire("ok")
	})
}

// lcResolve is mockpay_lc_resolve with resolution "merchant" or "customer".
func (s *Server) lcResolve(c *call) any {
	res, ok := c.params.Str("resolution")
	if !ok {
		return newError(ErrMissing, c.lang, "resolution")
	}
	if res != "merchant" && res != "customer" {
		return newError(ErrWrong, c.lang, "resolution")
	}
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		if s.securedStep(sh, p, res, c.now) != nil {
			return newError(ErrPaymentStatus, c.lang, "")
		}
		return p.wire("ok")
	})
}

// confirmSecured is confirm on a wait_lc payment with its current token.
// Caller holds sh.mu.
func (s *Server) confirmSecured(c *call, p *Payment) any {
	_ = s.securedStep(c.shop, p, "confirm", c.now)
	return p.wire("ok")
}

// ConfirmSecured confirms a secured payment (wait_lc → success) as the
// customer's confirmation would, for the control plane.
func (s *Server) ConfirmSecured(publicKey, orderID string) error {
	return s.trigger(publicKey, orderID, "confirm")
}

// DisputeSecured opens a dispute on a secured payment (wait_lc → dispute).
func (s *Server) DisputeSecured(publicKey, orderID string) error {
	return s.trigger(publicKey, orderID, "dispute")
}

// ResolveSecured ends a dispute: for the merchant → success, for the
// customer → reversed.
func (s *Server) ResolveSecured(publicKey, orderID string, forMerchant bool) error {
	if forMerchant {
		return s.trigger(publicKey, orderID, "merchant")
	}
	return s.trigger(publicKey, orderID, "customer")
}

func (s *Server) trigger(publicKey, orderID, step string) error {
	sh, p, err := s.lookup(publicKey, orderID)
	if err != nil {
		return err
	}
	defer sh.mu.Unlock()
	err = s.securedStep(sh, p, step, sh.tenant.Clock.Now())
	p.takeWait()
	return err
}

package liqpay

import "github.com/mockpay/mockpay/internal/clock"

// holdCompletion captures a hold, fully or partly (reference §4.4).
func (s *Server) holdCompletion(c *call) any {
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		if p.Status != StatusHoldWait {
			return newError(ErrPaymentStatus, c.lang, "")
		}
		held := p.Amount - p.RefundAmount // a partial refund of a hold releases part of it
		amount, e := optionalAmount(c, held)
		if e != nil {
			return e
		}
		p.Amount, p.RefundAmount = amount, 0
		p.Completed = clock.StampAt(c.now)
		s.finish(sh, p, StatusSuccess, "", c.now)
		return p.wire("ok")
	})
}

// optionalAmount reads the amount of a capture or refund: absent means all
// of max; more than max is err_amount_hold. GUESS for refunds: LiqPay
// documents no code for refunding more than was paid, and err_amount_hold's
// text ("amount cannot exceed the payment amount") says exactly that.
func optionalAmount(c *call, max Amount) (Amount, *apiError) {
	raw, ok := c.params.Str("amount")
	if !ok {
		return max, nil
	}
	a, ok := parseAmount(raw)
	switch {
	case !ok:
		return 0, newError(ErrWrong, c.lang, "amount")
	case a <= 0:
		return 0, newError(ErrLimitAmount, c.lang, "")
	case a > max:
		return 0, newError(ErrAmountHold, c.lang, "")
	}
	return a, nil
}

package liqpay

// refund returns money of a payment, or releases a hold (reference §4.5).
// A full refund makes the payment reversed; a partial one leaves it as it
// was with refund_amount grown (for a hold: less stays held). The answer's
// status is "reversed" either way: the refund itself went through (GUESS).
func (s *Server) refund(c *call) any {
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		switch p.Status {
		case StatusSuccess, StatusSandbox, StatusHoldWait, StatusSubscribed, StatusUnsubscribed:
		default:
			return newError(ErrPaymentStatus, c.lang, "")
		}
		left := p.Amount - p.RefundAmount
		if left <= 0 { // a subscription refunded in full stays subscribed
			return newError(ErrPaymentStatus, c.lang, "")
		}
		amount, e := optionalAmount(c, left)
		if e != nil {
			return e
		}
		p.RefundAmount += amount
		p.flowFor().RefundedAt = c.now
		// A subscription stays what it is: a refund returns its first
		// period's money, unsubscribe ends it.
		if p.RefundAmount == p.Amount && p.subscription() == nil {
			s.finish(sh, p, StatusReversed, "", c.now)
		} else {
			s.changed(sh, p)
		}
		// The answer's action is the refunded payment's (pay, hold,
		// subscribe, paydonate, regular), as LiqPay's refund documentation
		// lists it; callbacks keep the payment's own object.
		return refundJSON{Result: "ok", PaymentID: p.ID, Action: p.Action, Status: StatusReversed}
	})
}

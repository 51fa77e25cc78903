package liquido

import (
	"encoding/json"
	"time"
)

// scheduleLinkExpiry expires the link at its expiresAt, if it has one.
// Caller holds m.mu.
func (s *Server) scheduleLinkExpiry(m *merchant, l *PaymentLink) {
	if l.ExpiresAt.IsZero() {
		return
	}
	l.expiry = m.at(l.ExpiresAt, func() {
		s.expireLink(m, l, m.tenant.Clock.Now())
	})
}

// expireLink ends a link nobody paid at expiresAt: one still waiting for a
// method becomes EXPIRED, one whose charge is still IN_PROGRESS (an unpaid
// Pix code or boleto) has that charge expire, and the link with it.
// Caller holds m.mu.
func (s *Server) expireLink(m *merchant, l *PaymentLink, now time.Time) {
	switch {
	case l.Status == StatusInitial:
		s.setLinkStatus(m, l, StatusExpired, l.RefundStatus, now)
	case l.payment != nil && l.payment.Status == StatusInProgress:
		s.setStatus(m, l.payment, StatusExpired, 0, "Payment link expired", now)
	}
}

// linkPaymentStatus is the paymentStatus a link shows for its charge's
// status: the charge's own, except that refunds are the link's
// refundStatus and leave it SETTLED.
func linkPaymentStatus(st Status) Status {
	if st == StatusRefunding || st == StatusRefunded {
		return StatusSettled
	}
	return st
}

// setLinkStatus is the one place a payment link's paymentStatus and
// refundStatus change. setStatus and setRefundStatus call it for a link's
// charge and refunds instead of sending the charge's callbacks, and link
// expiry calls it for a link nobody started paying. It stamps the times
// and sends the link notification (reference §10): CHARGE_SUCCEEDED on
// SETTLED, CHARGE_FAILED on FAILED, EXPIRED or CANCELLED (as for charges,
// a GUESS), CHARGE_CHARGED_BACK, and CHARGE_REFUND_SUCCEEDED or
// CHARGE_REFUND_FAILED when its refund ends. Caller holds m.mu.
func (s *Server) setLinkStatus(m *merchant, l *PaymentLink, pay, refund Status, now time.Time) {
	prevPay, prevRefund := l.Status, l.RefundStatus
	if pay == prevPay && refund == prevRefund {
		return
	}
	l.Status, l.RefundStatus, l.Updated = pay, refund, now
	defer s.publishLink(m, l, now) // to the ledger, while no charge speaks for the link
	if pay != prevPay && pay.final() {
		l.Finished = now
		if l.expiry != nil {
			m.disarm(l.expiry)
			l.expiry = nil
		}
	}
	var ev Event
	switch {
	case refund != prevRefund:
		switch refund {
		case StatusInProgress:
			l.RefundTime = now
		case StatusSettled:
			l.Refunded = true
			ev = EventChargeRefundSucceeded
		case StatusFailed:
			ev = EventChargeRefundFailed
		}
	default:
		ev = paymentEvent(prevPay, pay)
	}
	if ev != "" {
		s.notifyLink(m, l, ev)
	}
}

// notifyLink sends a link notification: {eventType, data: <link object>}
// (reference §10, §15.4), signed like every Liquido callback, to the link's
// callbackUrl or else the merchant's. Caller holds m.mu.
func (s *Server) notifyLink(m *merchant, l *PaymentLink, ev Event) {
	n := notice{
		event: ev, status: l.Status, key: l.ID, reference: l.ID, url: l.CallbackURL,
		details: l.encoded(),
		foreign: func() []byte {
			fake := *l
			fake.ID += "-foreign"
			return fake.encoded()
		},
		wrap: func(details []byte) any {
			return struct {
				EventType Event           `json:"eventType"`
				Data      json.RawMessage `json:"data"`
			}{ev, details}
		},
	}
	if ev == EventChargeRefundSucceeded || ev == EventChargeRefundFailed {
		n.status = l.RefundStatus
	}
	if l.payment != nil {
		n.rules = l.payment.ex().CallbackRules
	}
	s.notify(m, n)
}

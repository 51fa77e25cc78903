package liquido

import (
	"net/http"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/scenarios"
)

// scheduleFinalize settles (or fails, per finalStatus) a local-method payment
// after its delay, unless something else finished it first. A Pix code that
// expires before then expires the payment instead. Caller holds m.mu.
func (s *Server) scheduleFinalize(m *merchant, p *Payment, now time.Time) {
	at, st := now.Add(p.ex().params.delay), p.ex().params.finalStatus
	if !p.ex().pixExpiry.IsZero() && p.ex().pixExpiry.Before(at) {
		at, st = p.ex().pixExpiry, StatusExpired
	}
	p.more().finalize = m.at(at, func() {
		if p.Status == StatusInProgress {
			s.setStatus(m, p, st, 0, "", m.tenant.Clock.Now())
		}
	})
}

// scheduleThen plays a scenario's later transitions on the merchant's
// virtual clock, each After the one before, counted from since (the virtual
// time of the change that started the script). A step applies only if the
// payment is still in the status the step before left it in: a capture, a
// cancel or a refund in between ends the script. Caller holds m.mu.
func (s *Server) scheduleThen(m *merchant, p *Payment, steps []scenarios.Transition, since time.Time) {
	if len(steps) == 0 {
		return
	}
	from := p.Status
	plan := &thenPlan{Steps: steps, Since: since, From: from}
	p.more().plan = plan // what is left to play, for a state file (state.go)
	// Not m.at: PlayThen arms the next step after this one returned and
	// unlocked. The books check does what m.at does: a reset ends the script.
	b := m.books
	at := func(t time.Time, fn func()) { m.tenant.Clock.At(t, fn) }
	scenarios.PlayThen(at, steps, since, func(step scenarios.Transition, due time.Time) bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.books != b || p.Status != from {
			return false
		}
		s.setStatus(m, p, Status(step.Status), parseCode(step.Code), step.Message, due)
		from = p.Status
		plan.advance(due, from)
		return true
	})
}

// setStatus moves a payment to st and sends the callback the real provider
// sends for that change (reference §15.3): CHARGE_SUCCEEDED on reaching
// SETTLED, CHARGE_FAILED on FAILED — and, a GUESS the reference suggests, on
// CANCELLED and EXPIRED — CHARGE_CHARGED_BACK on CHARGED_BACK; none for
// IN_PROGRESS, AUTHORIZED, REFUNDING or REFUNDED. Caller holds m.mu.
func (s *Server) setStatus(m *merchant, p *Payment, st Status, code int, msg string, now time.Time) {
	prev := p.Status
	defer s.publish(m, p, now) // to the ledger, as this change leaves the payment
	p.Status = st
	p.Code, p.ErrMsg = failure(st, code, msg, "")
	if st.final() {
		p.Finished = clock.StampAt(now)
	}
	if st != StatusInProgress && p.ex().finalize != nil {
		m.disarm(p.ex().finalize) // off the books' timer set too, or it stays there until a reset
		p.x.finalize = nil
	}
	if st != StatusInProgress && p.x != nil {
		p.x.pending = nil
	}
	switch st {
	case StatusSettled:
		if p.Details.of().PayCash != nil {
			p.Details.of().PayCash.PaymentTime = LocalTime(now)
		}
	case StatusChargedBack:
		// The documented example's reason (reference §5.9), for cards.
		if p.Details.Card != nil {
			d := *p.Details.Card // a copy: other payments may share it (shared.go)
			d.ChargebackInfo = &chargebackInfo{Category: "OTHER", ReasonCode: "1999", ReasonMessage: "Not Classified"}
			p.Details.Card = &d
		}
	}
	if p.ex().link != nil {
		// A payment link's charge is reported as the link (reference §10).
		s.setLinkStatus(m, p.ex().link, linkPaymentStatus(st), p.ex().link.RefundStatus, now)
		return
	}
	if ev := paymentEvent(prev, st); ev != "" {
		s.notifyPayment(m, p, ev)
	}
}

// paymentEvent is the callback a status change sends, if any. Returning to
// SETTLED after a partial or failed refund is not a new success.
func paymentEvent(prev, st Status) Event {
	if prev == st {
		return ""
	}
	switch st {
	case StatusSettled:
		if prev == StatusRefunding || prev == StatusRefunded {
			return ""
		}
		return EventChargeSucceeded
	case StatusFailed, StatusCancelled, StatusExpired:
		return EventChargeFailed
	case StatusChargedBack:
		return EventChargeChargedBack
	}
	return ""
}

// failure gives transferStatusCode and transferErrorMsg for a status: 200
// and null except for FAILED and EXPIRED, which carry the scenario's code and
// message or 400 and a plain default (Liquido publishes no failure codes,
// reference §13.3; GUESS).
func failure(st Status, code int, msg, subject string) (int, string) {
	if !st.failed() {
		return http.StatusOK, ""
	}
	if code == 0 || code == http.StatusOK {
		code = http.StatusBadRequest
	}
	if msg == "" {
		if subject == "" {
			subject = "Payment"
		}
		msg = subject + " failed"
		if st == StatusExpired {
			msg = subject + " expired"
		}
	}
	return code, msg
}

package liquido

import (
	"errors"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/internal/trigger"
)

// Triggers on what is not a charge: payouts, payment links and PayCash
// recurring references, each named by its own identity (a payout's
// idempotencyKey, a link's linkId, a reference's idempotencyKey), each
// through its own status funnel so its callbacks go out as organic changes
// send them. Charges and refunds are looked up first (triggers.go).

// payoutTriggers are the events of a payout (reference §11: IN_PROGRESS,
// then SETTLED or REJECTED; a SETTLED payout may be returned).
var payoutTriggers = map[string]func(s *Server, m *merchant, po *Payout, ev trigger.Event, now time.Time) error{
	trigger.Settle:  (*Server).triggerPayoutSettle,
	trigger.Fail:    (*Server).triggerPayoutFail,
	trigger.Reverse: (*Server).triggerPayoutReverse,
}

// triggerResource applies ev to the payout, payment link or reference key
// names. found is false when the merchant has none of them. Caller holds m.mu.
func (s *Server) triggerResource(m *merchant, key string, ev trigger.Event, now time.Time) (status string, found bool, err error) {
	if po := m.payouts[key]; po != nil {
		fn, ok := payoutTriggers[ev.Name]
		if !ok {
			return string(po.Status), true, trigger.Conflict(string(po.Status), "%s is a payout: a payout can only be settled, failed or reversed (returned)", po.Key)
		}
		err := fn(s, m, po, ev, now)
		return string(po.Status), true, err
	}
	if l := m.links[key]; l != nil {
		if ev.Name != trigger.Expire {
			return string(l.Status), true, trigger.Conflict(string(l.Status), "%s is a payment link: a link can only be expired (its charge, once the payer chose a method, has the link's id and takes the payment events)", l.ID)
		}
		err := s.triggerLinkExpire(m, l, now)
		return string(l.Status), true, err
	}
	if ref := m.references[key]; ref != nil {
		if ev.Name != trigger.Settle {
			return string(ref.Status), true, trigger.Conflict(string(ref.Status), "%s is a PayCash recurring reference: it can only be paid, by settle with an amount", ref.Key)
		}
		err := s.triggerReferencePay(m, ref, ev, now)
		return string(ref.Status), true, err
	}
	return "", false, nil
}

// triggerPayoutSettle: an IN_PROGRESS payout reaches the recipient
// (SETTLED, PAYOUT_SUCCEEDED). Its scripted outcome is dropped, a scripted
// return included.
func (s *Server) triggerPayoutSettle(m *merchant, po *Payout, ev trigger.Event, now time.Time) error {
	if po.Status != StatusInProgress {
		return trigger.Conflict(string(po.Status), "only an IN_PROGRESS payout can be settled; %s is %s", po.Key, po.Status)
	}
	if ev.Amount != "" {
		return &trigger.ArgError{Msg: "a payout settles whole: amount does not apply"}
	}
	m.stopTimer(&po.timer)
	s.setPayoutStatus(m, po, StatusSettled, "", now)
	return nil
}

// triggerPayoutFail: the receiving bank rejects an IN_PROGRESS payout
// (REJECTED, PAYOUT_REJECTED) with the reason given or a plain default.
// Liquido publishes no payout failure codes, so code does not apply.
func (s *Server) triggerPayoutFail(m *merchant, po *Payout, ev trigger.Event, now time.Time) error {
	if po.Status != StatusInProgress {
		return trigger.Conflict(string(po.Status), "only an IN_PROGRESS payout can fail; %s is %s", po.Key, po.Status)
	}
	if ev.Code != "" {
		return &trigger.ArgError{Msg: "a payout's failure has no code: Liquido publishes none; give a reason"}
	}
	m.stopTimer(&po.timer)
	s.setPayoutStatus(m, po, StatusRejected, ev.Reason, now)
	return nil
}

// triggerPayoutReverse: the recipient's bank returns a SETTLED payout
// (REJECTED, PAYOUT_REJECTED), as statusEvent SETTLED_THEN_REJECTED does.
func (s *Server) triggerPayoutReverse(m *merchant, po *Payout, ev trigger.Event, now time.Time) error {
	if po.Status != StatusSettled {
		return trigger.Conflict(string(po.Status), "only a SETTLED payout can be reversed (returned); %s is %s", po.Key, po.Status)
	}
	m.stopTimer(&po.timer)
	msg := ev.Reason
	if msg == "" {
		msg = payoutReturned
	}
	s.setPayoutStatus(m, po, StatusRejected, msg, now)
	return nil
}

// triggerLinkExpire expires a link before its expiresAt, as its expiry
// timer would: an unpaid link becomes EXPIRED, one whose charge waits for
// the payer (a Pix code, a boleto) has that charge expire.
func (s *Server) triggerLinkExpire(m *merchant, l *PaymentLink, now time.Time) error {
	unpaid := l.Status == StatusInitial || (l.payment != nil && l.payment.Status == StatusInProgress)
	if !unpaid {
		return trigger.Conflict(string(l.Status), "only a payment link nobody paid can expire; %s is %s", l.ID, l.Status)
	}
	m.stopTimer(&l.expiry)
	s.expireLink(m, l, now)
	return nil
}

// triggerReferencePay pays amount (minor units, required: a reference may
// take any amount) against an ACTIVE reference, as a payer at a store does
// (PayReference): a new SETTLED PAY_CASH payment with its callback.
func (s *Server) triggerReferencePay(m *merchant, ref *reference, ev trigger.Event, now time.Time) error {
	if ev.Amount == "" {
		return &trigger.ArgError{Msg: "settle on a PayCash reference pays it: amount (minor units) is required"}
	}
	amount, err := triggerAmount(ev, maxAmount)
	if err != nil {
		return err
	}
	if _, err := s.payReference(m, ref, amount, now); err != nil {
		if errors.Is(err, ErrReferenceRefused) && ref.Status != StatusActive {
			return trigger.Conflict(string(ref.Status), "%s", err.Error())
		}
		return &trigger.ArgError{Msg: err.Error()}
	}
	return nil
}

// stopTimer stops a timer of the books and clears its field; disarm takes
// it off the books' timer set too. Caller holds m.mu.
func (m *merchant) stopTimer(t **clock.Timer) {
	m.disarm(*t)
	*t = nil
}

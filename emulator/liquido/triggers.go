package liquido

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/mockpay/mockpay/internal/trigger"
)

// triggerFunc applies one control-plane event to a payment, as Liquido would
// apply it, through setStatus (and setRefundStatus), so the callback goes out
// with the event type an organic change sends (reference §15.3). Caller
// holds m.mu.
type triggerFunc func(s *Server, m *merchant, p *Payment, ev trigger.Event, now time.Time) error

// refundTriggerFunc is the same for a refund named by its own idempotencyKey.
type refundTriggerFunc func(s *Server, m *merchant, r *Refund, ev trigger.Event, now time.Time) error

// triggers is Liquido's table of payment events (reference §13.2).
var triggers = map[string]triggerFunc{
	trigger.Settle:     (*Server).triggerSettle,
	trigger.Confirm:    (*Server).triggerConfirm,
	trigger.Fail:       (*Server).triggerFail,
	trigger.Expire:     (*Server).triggerExpire,
	trigger.Reverse:    (*Server).triggerReverse,
	trigger.Refund:     (*Server).triggerRefund,
	trigger.Chargeback: (*Server).triggerChargeback,
}

// refundTriggers are the events of a refund in progress (reference §8.1:
// a refund is SETTLED, IN_PROGRESS or FAILED).
var refundTriggers = map[string]refundTriggerFunc{
	trigger.Settle: (*Server).triggerRefundSettle,
	trigger.Fail:   (*Server).triggerRefundFail,
}

// notLiquido explains events Liquido's pay-in API does not have.
var notLiquido = map[string]string{
	trigger.Dispute:    "Liquido has no dispute status; a card payment disputed by its holder is charged back",
	trigger.NextCharge: "Liquido's pay-in API has no subscriptions",
}

// TriggerEvents lists the events Trigger accepts, sorted.
func TriggerEvents() []string {
	return slices.Sorted(maps.Keys(triggers))
}

// Trigger applies a provider event to a merchant's payment or refund, named
// by its idempotencyKey, or to its payout, payment link (linkId) or PayCash
// recurring reference (triggers_resources.go), and returns its status
// afterwards. Errors
// are trigger.ErrNoMerchant, trigger.ErrNotFound,
// *trigger.UnknownEventError, *trigger.ConflictError (with the current
// status) and *trigger.ArgError.
func (s *Server) Trigger(clientID, key string, ev trigger.Event) (string, error) {
	fn, ok := triggers[ev.Name]
	if !ok {
		return "", &trigger.UnknownEventError{Provider: "liquido", Event: ev.Name, Valid: TriggerEvents(), Why: notLiquido[ev.Name]}
	}
	m := s.merchantFor(clientID)
	if m == nil {
		return "", trigger.ErrNoMerchant
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	defer func() { m.wait = false }() // a trigger is no merchant request to hold back
	now := m.tenant.Clock.Now()
	if p := m.payments[key]; p != nil {
		err := fn(s, m, p, ev, now)
		return string(p.Status), err
	}
	if r := m.refunds[key]; r != nil {
		rfn, ok := refundTriggers[ev.Name]
		if !ok {
			return string(r.Status), trigger.Conflict(string(r.Status), "%s is a refund: a refund can only be settled or failed", r.Key)
		}
		err := rfn(s, m, r, ev, now)
		return string(r.Status), err
	}
	if status, found, err := s.triggerResource(m, key, ev, now); found {
		return status, err
	}
	return "", trigger.ErrNotFound
}

// triggerSettle: an IN_PROGRESS payment is paid (a voucher, a Pix code, a
// hosted page), an AUTHORIZED card is captured, whole or for amount (minor
// units), as the capture call does.
func (s *Server) triggerSettle(m *merchant, p *Payment, ev trigger.Event, now time.Time) error {
	switch p.Status {
	case StatusInProgress:
		if ev.Amount != "" {
			return &trigger.ArgError{Msg: "amount applies to capturing an AUTHORIZED card only"}
		}
	case StatusAuthorized:
		amount, err := triggerAmount(ev, p.Amount)
		if err != nil {
			return err
		}
		p.captured = true
		if amount != p.Captured {
			p.Captured = amount
			price(m, p)
		}
	default:
		return trigger.Conflict(string(p.Status), "only an IN_PROGRESS or AUTHORIZED payment can be settled; %s is %s", p.Key, p.Status)
	}
	s.setStatus(m, p, StatusSettled, 0, "", now)
	return nil
}

// triggerConfirm passes a card's pending 3-D Secure challenge, as approving
// the hosted page does: the payment gets the outcome decided at charge time.
func (s *Server) triggerConfirm(m *merchant, p *Payment, ev trigger.Event, now time.Time) error {
	if p.Status != StatusInProgress || p.ex().pending == nil {
		return trigger.Conflict(string(p.Status), "only a card payment waiting for 3-D Secure can be confirmed; %s is %s", p.Key, p.Status)
	}
	s.applyCardOutcome(m, p, *p.ex().pending, now)
	return nil
}

// triggerFail: an IN_PROGRESS payment fails (CHARGE_FAILED), with the given
// transferStatusCode and transferErrorMsg or 400 and a plain default.
func (s *Server) triggerFail(m *merchant, p *Payment, ev trigger.Event, now time.Time) error {
	if p.Status != StatusInProgress {
		return trigger.Conflict(string(p.Status), "only an IN_PROGRESS payment can fail; %s is %s", p.Key, p.Status)
	}
	code, err := triggerCode(ev)
	if err != nil {
		return err
	}
	s.setStatus(m, p, StatusFailed, code, ev.Reason, now)
	return nil
}

// triggerExpire: an IN_PROGRESS payment's voucher, code or page expires
// (EXPIRED, CHARGE_FAILED).
func (s *Server) triggerExpire(m *merchant, p *Payment, ev trigger.Event, now time.Time) error {
	if p.Status != StatusInProgress {
		return trigger.Conflict(string(p.Status), "only an IN_PROGRESS payment can expire; %s is %s", p.Key, p.Status)
	}
	s.setStatus(m, p, StatusExpired, 0, ev.Reason, now)
	return nil
}

// triggerReverse voids what has not been paid, as the cancel call does: an
// AUTHORIZED card or an IN_PROGRESS local method becomes CANCELLED.
func (s *Server) triggerReverse(m *merchant, p *Payment, ev trigger.Event, now time.Time) error {
	if !(p.isCard() && p.Status == StatusAuthorized) && !(!p.isCard() && p.Status == StatusInProgress) {
		return trigger.Conflict(string(p.Status), "only an AUTHORIZED card or an IN_PROGRESS local-method payment can be reversed (cancelled); %s (%s) is %s; use refund for a SETTLED one",
			p.Key, p.Method, p.Status)
	}
	s.setStatus(m, p, StatusCancelled, 0, "", now)
	return nil
}

// triggerRefund refunds a SETTLED payment, whole or amount (minor units), as
// a refund the merchant asked for and Liquido completed: a new refund with a
// generated idempotencyKey, SETTLED at once, CHARGE_REFUND_SUCCEEDED.
// Colombia refunds in full only (reference §8.1).
func (s *Server) triggerRefund(m *merchant, p *Payment, ev trigger.Event, now time.Time) error {
	if p.Status != StatusSettled && p.Status != StatusRefunding {
		return trigger.Conflict(string(p.Status), "only a SETTLED payment can be refunded; %s is %s", p.Key, p.Status)
	}
	if p.refundable() <= 0 {
		return trigger.Conflict(string(p.Status), "nothing is left to refund of %s", p.Key)
	}
	amount, err := triggerAmount(ev, p.refundable())
	if err != nil {
		return err
	}
	if p.Country == "CO" && (amount != p.Captured || p.ex().refunded+p.ex().refunding > 0) {
		return &trigger.ArgError{Msg: "Colombia supports full refunds only: amount must be " + strconv.FormatInt(p.Captured, 10)}
	}
	r := &Refund{seq: m.nextSeq(), Key: m.uuid(), Payment: p, Amount: amount, Currency: p.Currency, Country: p.Country,
		Description: ev.Reason, Created: now}
	m.refunds[r.Key] = r
	p.more().refunds = append(p.ex().refunds, r)
	s.setRefundStatus(m, r, StatusSettled, 0, "", now)
	return nil
}

// triggerChargeback: the card holder's bank takes a SETTLED card payment
// back (CHARGED_BACK, CHARGE_CHARGED_BACK with chargebackInfo, reference §5.9).
func (s *Server) triggerChargeback(m *merchant, p *Payment, ev trigger.Event, now time.Time) error {
	switch {
	case !p.isCard():
		return trigger.Conflict(string(p.Status), "only card payments are charged back; %s is a %s payment", p.Key, p.Method)
	case p.Status != StatusSettled:
		return trigger.Conflict(string(p.Status), "only a SETTLED card payment can be charged back; %s is %s", p.Key, p.Status)
	}
	s.setStatus(m, p, StatusChargedBack, 0, "", now)
	return nil
}

func (s *Server) triggerRefundSettle(m *merchant, r *Refund, ev trigger.Event, now time.Time) error {
	if r.Status != StatusInProgress {
		return trigger.Conflict(string(r.Status), "only an IN_PROGRESS refund can be settled; %s is %s", r.Key, r.Status)
	}
	s.setRefundStatus(m, r, StatusSettled, 0, "", now)
	return nil
}

func (s *Server) triggerRefundFail(m *merchant, r *Refund, ev trigger.Event, now time.Time) error {
	if r.Status != StatusInProgress {
		return trigger.Conflict(string(r.Status), "only an IN_PROGRESS refund can fail; %s is %s", r.Key, r.Status)
	}
	code, err := triggerCode(ev)
	if err != nil {
		return err
	}
	s.setRefundStatus(m, r, StatusFailed, code, ev.Reason, now)
	return nil
}

// triggerAmount reads an event's optional amount in minor units: absent is
// all of max.
func triggerAmount(ev trigger.Event, max int64) (int64, error) {
	if ev.Amount == "" {
		return max, nil
	}
	a, err := strconv.ParseInt(ev.Amount, 10, 64)
	switch {
	case err != nil:
		return 0, &trigger.ArgError{Msg: "amount must be an integer in minor units, such as 1050"}
	case a <= 0:
		return 0, &trigger.ArgError{Msg: "amount must be positive"}
	case a > max:
		return 0, &trigger.ArgError{Msg: "amount exceeds what is left: " + strconv.FormatInt(max, 10)}
	}
	return a, nil
}

// triggerCode reads a fail's optional transferStatusCode.
func triggerCode(ev trigger.Event) (int, error) {
	if ev.Code == "" {
		return 0, nil
	}
	code := parseCode(ev.Code)
	if code == 0 {
		return 0, &trigger.ArgError{Msg: "code must be a transferStatusCode between 100 and 9999"}
	}
	return code, nil
}

package liqpay

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/internal/trigger"
)

// triggerFunc applies one control-plane event to a payment, as LiqPay would
// apply it, through the same funnel as an organic change (finish, changed),
// so the callback goes out exactly as it would. Caller holds sh.mu.
type triggerFunc func(s *Server, sh *shop, p *Payment, ev trigger.Event, now time.Time) error

// triggers is LiqPay's table of events (reference §5.2).
var triggers = map[string]triggerFunc{
	trigger.Settle:  (*Server).triggerSettle,
	trigger.Confirm: (*Server).triggerConfirm,
	trigger.Fail:    (*Server).triggerFail,
	trigger.Expire:  (*Server).triggerExpire,
	trigger.Refund:  (*Server).triggerRefund,
	trigger.Reverse: (*Server).triggerReverse,
	// Secured payments: dispute (wait_lc → dispute); confirm (wait_lc →
	// success); a dispute is resolved by settle (for the merchant →
	// success) or reverse (for the customer → reversed, all refunded).
	// Subscriptions: next_charge charges the next period now.
	trigger.Dispute:    (*Server).triggerDispute,
	trigger.NextCharge: (*Server).triggerNextCharge,
}

// notLiqPay explains events LiqPay's status machine does not have.
var notLiqPay = map[string]string{
	// Reference liqpay.md §5.1 lists every status; none is a chargeback.
	trigger.Chargeback: "LiqPay has no chargeback status: money returned to the payer is reversed, use refund or reverse",
}

// TriggerEvents lists the events Trigger accepts, sorted.
func TriggerEvents() []string {
	return slices.Sorted(maps.Keys(triggers))
}

// Trigger applies a provider event to a merchant's payment, named by its
// payment_id or its order_id, and returns the payment's status afterwards.
// Errors are trigger.ErrNoMerchant, trigger.ErrNotFound,
// *trigger.UnknownEventError, *trigger.ConflictError (with the current
// status) and *trigger.ArgError.
func (s *Server) Trigger(publicKey, id string, ev trigger.Event) (string, error) {
	fn, ok := triggers[ev.Name]
	if !ok {
		return "", &trigger.UnknownEventError{Provider: "liqpay", Event: ev.Name, Valid: TriggerEvents(), Why: notLiqPay[ev.Name]}
	}
	sh := s.shop(publicKey)
	if sh == nil {
		return "", trigger.ErrNoMerchant
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p := sh.lookup(id)
	if p == nil {
		return "", trigger.ErrNotFound
	}
	now := sh.tenant.Clock.Now()
	s.expireIfDue(sh, p, now)
	err := fn(s, sh, p, ev, now)
	p.takeWait() // a trigger is no merchant request to hold back
	return string(p.Status), err
}

// lookup finds a payment by payment_id, else by order_id. Caller holds sh.mu.
func (sh *shop) lookup(id string) *Payment {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		if p, ok := sh.byID[n]; ok {
			return p
		}
	}
	return sh.byOrder[id]
}

// triggerSettle captures a hold, as hold_completion does: hold_wait →
// success, for the whole held amount or the given part of it.
//
// settle also pays a payment waiting on its payer page (invoice_wait,
// cash_wait, wait_qr, prepared) as the payer would, and resolves a secured
// payment's dispute for the merchant (dispute → success, seed 000 step 6).
func (s *Server) triggerSettle(sh *shop, p *Payment, ev trigger.Event, now time.Time) error {
	switch {
	case p.Status == StatusDispute:
		if ev.Amount != "" {
			return &trigger.ArgError{Msg: "settling a dispute releases the whole payment and takes no amount"}
		}
		return s.securedTrigger(sh, p, "merchant", now)
	case payerWaiting(p):
		if ev.Amount != "" {
			return &trigger.ArgError{Msg: "settle pays the whole invoice and takes no amount"}
		}
		sh.stop(p.Invoice.timer)
		s.finish(sh, p, successStatus(p), "", now)
		return nil
	case p.Status != StatusHoldWait:
		return trigger.Conflict(string(p.Status), "settle applies to a hold_wait payment (capture), a payment waiting on its payer page "+
			"(invoice_wait, cash_wait, wait_qr, prepared) or a dispute (resolved for the merchant); payment %d is %s", p.ID, p.Status)
	}
	held := p.Amount - p.RefundAmount
	amount, err := triggerAmount(ev, held)
	if err != nil {
		return err
	}
	p.Amount, p.RefundAmount = amount, 0
	p.Completed = clock.StampAt(now)
	s.finish(sh, p, StatusSuccess, "", now)
	return nil
}

// triggerConfirm passes a pending verification step (3-D Secure, OTP, CVV,
// sender or receiver data) as a successful confirm would.
func (s *Server) triggerConfirm(sh *shop, p *Payment, ev trigger.Event, now time.Time) error {
	v := p.Verify
	if v == nil && p.Status == StatusWaitLC {
		return s.securedTrigger(sh, p, "confirm", now) // the purchase confirmed: funds to the merchant
	}
	if v == nil {
		return trigger.Conflict(string(p.Status), "payment %d has no verification step to confirm and is no secured payment in wait_lc (status %s)", p.ID, p.Status)
	}
	if v.Step == Status3DSVerify {
		p.Is3DS = true
	}
	s.finish(sh, p, v.Then, "", now)
	return nil
}

// triggerFail fails a pending verification step: the issuer declined. The
// err_code defaults to err_mpi for 3-D Secure (as a declined 3-DS page) and
// to anti-fraud's "decline" otherwise.
// A payment waiting on its payer page fails the same way (the payer's card
// declined, "decline" by default).
func (s *Server) triggerFail(sh *shop, p *Payment, ev trigger.Event, now time.Time) error {
	waiting := payerWaiting(p)
	if p.Verify == nil && !waiting {
		return trigger.Conflict(string(p.Status), "only a payment waiting for a verification step or on its payer page can fail; payment %d is %s", p.ID, p.Status)
	}
	code := ErrCode(ev.Code)
	if code == "" {
		code = "decline"
		if p.Verify != nil && p.Verify.Step == Status3DSVerify {
			code = ErrMPI
		}
	}
	if waiting {
		sh.stop(p.Invoice.timer)
	}
	p.setErrMessage(ev.Reason)
	s.finish(sh, p, StatusFailure, code, now)
	return nil
}

// triggerExpire lets a verification step's deadline pass now: failure with
// the step's expired_* code. A payment waiting on its payer page expires as
// its expired_date would (expired_invoice, expired_cash, expired_qr,
// expired_prepared).
func (s *Server) triggerExpire(sh *shop, p *Payment, ev trigger.Event, now time.Time) error {
	if payerWaiting(p) {
		s.expirePayer(sh, p, now)
		return nil
	}
	if p.Verify == nil {
		return trigger.Conflict(string(p.Status), "only a payment waiting for a verification step or on its payer page can expire; payment %d is %s", p.ID, p.Status)
	}
	s.finish(sh, p, StatusFailure, expiryCode(p.Verify.Step), now)
	return nil
}

// triggerRefund returns money as the refund action does: all that is left
// by default, or the given amount. A full refund makes the payment
// reversed; a partial one keeps its status and grows refund_amount; both
// send a callback.
func (s *Server) triggerRefund(sh *shop, p *Payment, ev trigger.Event, now time.Time) error {
	if !refundable(p) {
		return trigger.Conflict(string(p.Status), "only a success, sandbox or hold_wait payment can be refunded; payment %d is %s", p.ID, p.Status)
	}
	amount, err := triggerAmount(ev, p.Amount-p.RefundAmount)
	if err != nil {
		return err
	}
	s.returnMoney(sh, p, amount, now)
	return nil
}

// triggerReverse returns everything that is left (or releases a hold):
// the payment becomes reversed.
//
// reverse also resolves a secured payment's dispute for the customer
// (dispute → reversed, the whole amount refunded, seed 000 step 6).
func (s *Server) triggerReverse(sh *shop, p *Payment, ev trigger.Event, now time.Time) error {
	if p.Status == StatusDispute {
		if ev.Amount != "" {
			return &trigger.ArgError{Msg: "reverse returns the whole payment and takes no amount; use refund for part of it"}
		}
		return s.securedTrigger(sh, p, "customer", now)
	}
	if !refundable(p) {
		return trigger.Conflict(string(p.Status), "only a success, sandbox or hold_wait payment can be reversed; payment %d is %s", p.ID, p.Status)
	}
	if ev.Amount != "" {
		return &trigger.ArgError{Msg: "reverse returns the whole payment and takes no amount; use refund for part of it"}
	}
	s.returnMoney(sh, p, p.Amount-p.RefundAmount, now)
	return nil
}

// triggerDispute opens a dispute on a secured payment: the customer says
// the goods were not received (wait_lc → dispute, seed 000 step 5), which
// stops letter_of_credit_date.
func (s *Server) triggerDispute(sh *shop, p *Payment, ev trigger.Event, now time.Time) error {
	if p.Status != StatusWaitLC || p.credit() == nil {
		return trigger.Conflict(string(p.Status), "dispute applies to secured payments waiting for confirmation (wait_lc); payment %d is %s", p.ID, p.Status)
	}
	return s.securedTrigger(sh, p, "dispute", now)
}

// triggerNextCharge charges a subscription's next period now, as its clock
// timer would (a new action=regular payment with its callback); the period
// after it keeps its own date.
func (s *Server) triggerNextCharge(sh *shop, p *Payment, ev trigger.Event, now time.Time) error {
	if p.subscription() == nil || !p.subscription().Active || p.Status != StatusSubscribed {
		return trigger.Conflict(string(p.Status), "next_charge applies to subscriptions (status subscribed); payment %d is %s", p.ID, p.Status)
	}
	s.chargeRegular(sh, p, now)
	return nil
}

// securedTrigger moves a secured payment one step (securedStep); a payment
// a scenario put in wait_lc or dispute without a letter of credit is a
// conflict. Caller holds sh.mu.
func (s *Server) securedTrigger(sh *shop, p *Payment, step string, now time.Time) error {
	if s.securedStep(sh, p, step, now) != nil {
		return trigger.Conflict(string(p.Status), "payment %d is no secured payment (letter_of_credit) in %s", p.ID, p.Status)
	}
	return nil
}

// payerWaiting reports a payment that waits on its payer page.
func payerWaiting(p *Payment) bool {
	return p.Invoice != nil && p.Status == waitStatus(p.Invoice.Kind)
}

func refundable(p *Payment) bool {
	switch p.Status {
	case StatusSuccess, StatusSandbox, StatusHoldWait:
		return true
	}
	return false
}

// returnMoney refunds amount of p as the refund action does. Caller holds sh.mu.
func (s *Server) returnMoney(sh *shop, p *Payment, amount Amount, now time.Time) {
	p.RefundAmount += amount
	p.flowFor().RefundedAt = now
	if p.RefundAmount == p.Amount {
		s.finish(sh, p, StatusReversed, "", now)
		return
	}
	s.changed(sh, p)
}

// triggerAmount reads an event's optional amount (major units, "10.50"):
// absent is all of max.
func triggerAmount(ev trigger.Event, max Amount) (Amount, error) {
	if ev.Amount == "" {
		return max, nil
	}
	a, ok := parseAmount(ev.Amount)
	switch {
	case !ok:
		return 0, &trigger.ArgError{Msg: "amount must be a decimal number in major units, such as 10.50"}
	case a <= 0:
		return 0, &trigger.ArgError{Msg: "amount must be positive"}
	case a > max:
		return 0, &trigger.ArgError{Msg: "amount exceeds what is left: " + max.String()}
	}
	return a, nil
}

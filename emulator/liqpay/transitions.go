package liqpay

import (
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/scenarios"
)

// setStatus moves a payment to a scripted status: a verification step
// starts one, "success" (or none) is whatever a charge that went through
// becomes, a failure keeps its code. Caller holds sh.mu.
func (s *Server) setStatus(c *call, p *Payment, st Status, code ErrCode, rules []scenarios.ConfirmRule) {
	switch {
	case verifyStep(st):
		s.startVerification(c, p, st, rules)
	case st == "" || st == StatusSuccess:
		s.finish(c.shop, p, successStatus(p), "", c.now)
	case (st == StatusFailure || st == StatusError) && code == "":
		// GUESS: a scripted failure without a code gets anti-fraud's
		// generic "decline" (reference §6.2).
		s.finish(c.shop, p, st, "decline", c.now)
	default:
		s.finish(c.shop, p, st, code, c.now)
	}
}

// scheduleThen plays a scenario's later transitions on the virtual clock,
// each After the one before, counted from since (the virtual time of the
// change that started the script). A step applies only if the payment is
// still in the status the step before left it in: a refund or a confirm in
// between ends the script. Caller holds sh.mu.
func (s *Server) scheduleThen(sh *shop, p *Payment, steps []scenarios.Transition, since time.Time) {
	if len(steps) == 0 {
		return
	}
	from := p.Status
	plan := &thenPlan{Steps: steps, Since: since, From: from}
	p.flowFor().plan = plan // what is left to play, for a state file (state.go)
	// sh.at runs each step under sh.mu, and not at all after a reset.
	at := func(t time.Time, fn func()) { sh.at(t, fn) }
	scenarios.PlayThen(at, steps, since, func(step scenarios.Transition, due time.Time) bool {
		if p.Status != from {
			return false
		}
		c := &call{shop: sh, now: due, baseURL: p.BaseURL}
		p.setErrMessage(step.Message)
		s.setStatus(c, p, Status(step.Status), ErrCode(step.Code), nil)
		p.takeWait() // no request waits on a timer's callbacks
		from = p.Status
		if p.flow().plan == plan {
			plan.Steps, plan.Since, plan.From = plan.Steps[1:], due, from
		}
		return true
	})
}

// successStatus is what a charge that went through becomes: hold_wait for a
// hold, sandbox when the request asked for sandbox=1 (reference §8).
func successStatus(p *Payment) Status {
	switch {
	case p.Type == "hold":
		return StatusHoldWait
	case p.subscription() != nil:
		return StatusSubscribed
	case p.credit() != nil:
		return StatusWaitLC
	case p.Sandbox:
		return StatusSandbox
	}
	return StatusSuccess
}

// finish moves a payment to a final (or hold_wait) status. Caller holds sh.mu.
func (s *Server) finish(sh *shop, p *Payment, st Status, code ErrCode, now time.Time) {
	if p.Verify != nil {
		sh.stop(p.Verify.timer)
		p.Verify = nil
	}
	p.Status, p.ErrCode, p.Ended = st, code, clock.StampAt(now)
	switch st {
	case StatusSubscribed:
		s.startSubscription(sh, p, now)
	case StatusWaitLC:
		s.startSecured(sh, p)
	}
	if st == StatusHoldWait {
		s.expireHoldLater(sh, p, now)
	} else if p.flow().holdTimer != nil {
		sh.stop(p.Flow.holdTimer) // completed or released: nothing left to expire
		p.Flow.holdTimer = nil
	}
	// The debit's codes are the first charge's: a later success (hold
	// completion, a secured payment released) keeps them.
	if moneyTaken(st) && p.AuthcodeDebit == 0 {
		p.AuthcodeDebit = sh.digitCode(6)
		p.RRNDebit = sh.digitCode(13)
		if p.Recurring && p.extras().CardToken == "" {
			tok := sh.cardToken()
			p.setExtras(func(x *Extras) { x.CardToken = tok })
			sh.cardTokens[tok] = p.Card
			sh.tokenOrder.Add(tok)
		}
	}
	s.changed(sh, p)
}

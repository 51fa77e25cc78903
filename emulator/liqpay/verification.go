package liqpay

import (
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// startVerification puts a payment into a confirmation step with its
// deadline on the tenant's virtual clock; a step that follows another (OTP,
// then 3-D Secure) replaces it with a fresh token. Caller holds sh.mu.
func (s *Server) startVerification(c *call, p *Payment, step Status, rules []scenarios.ConfirmRule) {
	sh := c.shop
	if p.Verify != nil {
		sh.stop(p.Verify.timer)
	}
	ttl := s.ttl(step)
	p.Status = step
	p.Token = sh.confirmToken()
	p.Verify = &verification{Step: step, Then: successStatus(p), Deadline: c.now.Add(ttl), Rules: rules}
	switch step {
	case Status3DSVerify:
		to := c.baseURL + "/api/3ds/request/" + p.Token
		p.setExtras(func(x *Extras) { x.RedirectTo = to })
	case StatusOTPVerify:
		phone := p.extras().Phone
		if phone == "" {
			phone = "380950000001" // LiqPay's documented test phone
		}
		p.setExtras(func(x *Extras) { x.ConfirmPhone = maskPhone(phone) })
	}
	sh.byToken[p.Token] = p
	s.mu.Lock()
	s.tokens[p.Token] = sh
	s.mu.Unlock()
	s.armExpiry(sh, p)
	s.changed(sh, p)
}

// armExpiry fails the payment when its verification deadline passes.
// Caller holds sh.mu.
func (s *Server) armExpiry(sh *shop, p *Payment) {
	p.Verify.timer = sh.at(p.Verify.Deadline, func() {
		s.expireIfDue(sh, p, sh.tenant.Clock.Now())
		p.takeWait() // no request waits on a timer's callbacks
	})
}

func (s *Server) ttl(step Status) time.Duration {
	st := s.opts.Settings
	switch step {
	case Status3DSVerify:
		return st.ThreeDSTTL.Std()
	case StatusOTPVerify:
		return st.OTPTTL.Std()
	case StatusCVVVerify:
		return st.CVVTTL.Std()
	}
	return st.SenderTTL.Std()
}

// expireIfDue fails a payment whose confirmation deadline has passed. It runs
// from the clock timer and, lazily, before any action reads the payment, so
// the answer never depends on which came first. Caller holds sh.mu.
func (s *Server) expireIfDue(sh *shop, p *Payment, now time.Time) {
	if p.Verify == nil || now.Before(p.Verify.Deadline) {
		return
	}
	s.finish(sh, p, StatusFailure, expiryCode(p.Verify.Step), now)
}

// confirm finishes a verification step with the payment's token
// (reference §4.13). Confirming a payment that is already final returns it
// as it is, so a retried confirm is harmless.
func (s *Server) confirm(c *call) any {
	token, ok := c.params.Str("confirm_token")
	if !ok {
		return newError(ErrMissing, c.lang, "confirm_token")
	}
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p, ok := sh.byToken[token]
	if !ok {
		return newError(ErrPaymentNotFound, c.lang, "")
	}
	s.expireIfDue(sh, p, c.now)
	resp := s.confirmStep(c, p)
	c.waitCallbacks = p.takeWait()
	return resp
}

// confirmStep decides a confirmation: a scenario's confirm rule when one
// matches the request, the provider's own checks otherwise. Caller holds sh.mu.
func (s *Server) confirmStep(c *call, p *Payment) any {
	sh := c.shop
	if p.Status == StatusWaitLC && c.params.S("confirm_token") == p.Token {
		return s.confirmSecured(c, p)
	}
	v := p.Verify
	if v == nil {
		return p.chargeResult()
	}
	// The customer must pass the 3-DS page first; until then the payment
	// is still waiting and confirm says so.
	if v.Step == Status3DSVerify && !v.Approved3DS {
		return p.wire("ok")
	}
	for _, rule := range v.Rules {
		if !rule.Matches(c.params) {
			continue
		}
		st := Status(rule.Status)
		if st == StatusSuccess {
			st = v.Then
		}
		if v.Step == Status3DSVerify && st != StatusFailure && st != StatusError {
			p.Is3DS = true
		}
		p.setErrMessage(rule.Message)
		s.setStatus(c, p, st, ErrCode(rule.Code), nil)
		s.scheduleThen(sh, p, rule.Then, c.now)
		return p.chargeResult()
	}
	switch v.Step {
	case Status3DSVerify:
		p.Is3DS = true
	case StatusOTPVerify:
		otp, ok := c.params.Str("otp")
		if !ok {
			return newError(ErrMissing, c.lang, "otp")
		}
		if otp != s.opts.Settings.OTP {
			v.OTPFailures++
			if v.OTPFailures >= s.opts.Settings.OTPAttempts {
				s.finish(sh, p, StatusFailure, ErrSMSOTP, c.now)
				return p.chargeResult()
			}
			return newError(ErrSMSOTP, c.lang, "")
		}
	case StatusCVVVerify:
		cvv, ok := c.params.Str("card_cvv")
		if !ok {
			return newError(ErrMissing, c.lang, "card_cvv")
		}
		if !cvvValid(cvv) {
			return newError(ErrWrong, c.lang, "card_cvv")
		}
	case StatusSenderVerify, StatusReceiverVerify:
		for _, f := range verifyFields(v.Step) {
			if _, ok := c.params.Str(f); !ok {
				return newError(ErrMissing, c.lang, f)
			}
		}
		if v.Step == StatusSenderVerify {
			p.setExtras(func(x *Extras) {
				x.FirstName, x.LastName = c.params.S("sender_first_name"), c.params.S("sender_last_name")
			})
		}
	}
	s.finish(sh, p, v.Then, "", c.now)
	return p.chargeResult()
}

// verifyFields are the fields confirm needs for sender and receiver steps
// (reference §4.13).
func verifyFields(step Status) []string {
	if step == StatusSenderVerify {
		return []string{"sender_first_name", "sender_last_name", "sender_address", "sender_city", "sender_country_code", "sender_postal_code"}
	}
	return []string{"receiver_first_name", "receiver_last_name"}
}

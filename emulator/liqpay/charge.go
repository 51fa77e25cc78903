package liqpay

import (
	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/scenarios"
)

// outcome is what a charge decides before anything is stored: a status
// (a final one, a waiting one, or a verification step), with the rest of the
// matched scenario's outcome. Deciding is separate from applying, so the
// decision is a value that tests and scenarios share.
type outcome struct {
	status  Status // "" means the charge goes through
	code    ErrCode
	message string
	sc      *scenarios.Outcome
}

// chargeInput is a validated charge request.
type chargeInput struct {
	amount   Amount
	currency string
	card     card
	token    string // card_token used instead of a card
}

// charge handles pay, hold, auth, paytoken and subscribe.
func (s *Server) charge(c *call) any {
	chargeDefaults(c)
	in, e := validateCharge(c)
	if e != nil {
		return e
	}
	flows, e := validateFlows(c, in.currency)
	if e != nil {
		return e
	}
	splits, e := parseSplits(c, in.amount)
	if e != nil {
		return e
	}
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e := sh.checkOrderFree(c); e != nil {
		return e
	}
	if flows.prepare != "" {
		return s.dryRun(c, in, flows)
	}
	s.decide(c)
	if c.unprocessedFault() {
		return unprocessed{}
	}
	out := decide(c, in)
	p := s.newPayment(c, in)
	flows.attach(p)
	if len(splits) > 0 {
		p.flowFor().Splits = splits
	}
	if c.params.Flag("verifycode") && (c.action == ActionAuth || c.action == ActionCardVerification) {
		code := sh.digits(6) // GUESS: six digits, like an SMS code
		p.setExtras(func(x *Extras) { x.Verifycode = code })
	}
	s.apply(c, p, out)
	c.waitCallbacks = p.takeWait()
	return p.chargeResult()
}

// decide picks the outcome of a charge: an expired card fails whatever the
// scenarios say (it is the card's own state, like a bad Luhn digit);
// otherwise the matched scenario decides — LiqPay's test cards are the
// embedded default scenarios — and a charge no scenario matches succeeds.
// Token validity is checked against the shop when applying.
func decide(c *call, in chargeInput) outcome {
	if in.token == "" && !in.card.TestCard && expired(in.card.ExpMonth, in.card.ExpYear, c.now) {
		return outcome{status: StatusFailure, code: ErrCardExpired}
	}
	if c.scenario == nil {
		return outcome{}
	}
	o := c.scenario.Outcome
	return outcome{status: Status(o.Status), code: ErrCode(o.Code), message: o.Message, sc: &o}
}

// checkOrderFree enforces order_id uniqueness (reference §6.3): a new charge
// may reuse the order_id only of a payment that failed. Caller holds sh.mu.
func (sh *shop) checkOrderFree(c *call) *apiError {
	old, ok := sh.byOrder[c.params.S("order_id")]
	if ok && old.Status != StatusFailure && old.Status != StatusError {
		return newError(ErrOrderIDDuplicate, c.lang, "")
	}
	return nil
}

// newPayment stores a fresh payment for a charge. Caller holds sh.mu.
func (s *Server) newPayment(c *call, in chargeInput) *Payment {
	sh, pay := c.shop, s.buildPayment(c, in)
	pay.ID = sh.newID()
	sh.byOrder[pay.OrderID] = pay
	sh.byID[pay.ID] = pay
	return pay
}

// buildPayment is a charge's payment before it has an id or is stored (a
// dry run stops there). Caller holds sh.mu.
func (s *Server) buildPayment(c *call, in chargeInput) *Payment {
	sh, p := c.shop, c.params
	action, typ := string(c.action), "buy"
	switch c.action {
	case ActionHold:
		typ = "hold"
	case ActionPayToken:
		action = "pay" // GUESS: token charges report action "pay", like pay+card_token
	case ActionPayDonate:
		typ = "donate" // reference §4.0 lists type donate (GUESS there)
	}
	common := Common{Action: action, Type: typ, Paytype: "card", Version: int(c.version), Algo: c.algo,
		PublicKey: sh.merchant.PublicKey, Currency: in.currency, Language: c.lang, BaseURL: c.baseURL,
		ServerURL: p.S("server_url"), Card: in.card}
	if in.token != "" {
		common.Card = sh.tokenCard(in.token)
	}
	pay := &Payment{
		Common:        sh.common(common),
		Status:        StatusSuccess,
		OrderID:       p.S("order_id"),
		LiqPayOrderID: sh.liqpayOrderID(c.now),
		Description:   p.S("description"),
		Amount:        in.amount,
		Recurring:     p.Flag("recurringbytoken"),
		Extras: newExtras(Extras{
			Phone: p.S("phone"), IP: p.S("ip"), Info: p.S("info"), Customer: p.S("customer"),
			FirstName: p.S("sender_first_name"), LastName: p.S("sender_last_name"),
			Product: [4]string{p.S("product_category"), p.S("product_description"), p.S("product_name"), p.S("product_url")},
		}),
		Sandbox: p.Flag("sandbox"),
		Created: clock.StampAt(c.now),
		Ended:   clock.StampAt(c.now),
	}
	return pay
}

// tokenCard is the card behind a card_token; sandbox_token stands for the
// success test card. Unknown tokens get an empty card and fail in apply.
func (sh *shop) tokenCard(token string) card {
	if token == SandboxToken {
		return describeCard("4242424242424242", 12, 2099)
	}
	return sh.cardTokens[token]
}

// apply carries out a decided outcome on a new payment. Caller holds sh.mu.
func (s *Server) apply(c *call, p *Payment, out outcome) {
	sh := c.shop
	if tok := c.params.S("card_token"); p.Card.Mask2 == "" && tok != "" {
		out = outcome{status: StatusFailure, code: ErrTokenNotFound}
	} else if tok != "" && sh.tokens.state[tok] == tokenSuspended {
		out = outcome{status: StatusFailure, code: ErrTokenInactive}
	}
	var rules []scenarios.ConfirmRule
	var then []scenarios.Transition
	if out.sc != nil {
		if len(out.sc.Fields) > 0 || len(out.sc.Callbacks) > 0 {
			p.flowFor().Overrides, p.flowFor().CallbackRules = out.sc.Fields, out.sc.Callbacks
		}
		p.setErrMessage(out.message)
		rules, then = out.sc.Confirm, out.sc.Then
	}
	s.setStatus(c, p, out.status, out.code, rules)
	s.scheduleThen(sh, p, then, c.now)
}

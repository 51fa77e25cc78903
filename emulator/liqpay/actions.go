package liqpay

import (
	"regexp"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// handler runs one action and returns what to encode: a *apiError,
// paymentJSON or refundJSON.
type handler func(s *Server, c *call) any

// actions maps each emulated action to its handler (reference §4).
var actions = map[Action]handler{
	ActionPay:            (*Server).charge,
	ActionHold:           (*Server).charge,
	ActionAuth:           (*Server).charge,
	ActionPayToken:       (*Server).charge,
	ActionHoldCompletion: (*Server).holdCompletion,
	ActionRefund:         (*Server).refund,
	ActionStatus:         (*Server).status,
	ActionData:           (*Server).data,
	ActionConfirm:        (*Server).confirm,
	// Subscriptions and secured payments (subscriptions.go, secured.go).
	ActionSubscribe:       (*Server).charge,
	ActionSubscribeUpdate: (*Server).subscribeUpdate,
	ActionUnsubscribe:     (*Server).unsubscribe,
	ActionLCDispute:       (*Server).lcDispute,
	ActionLCResolve:       (*Server).lcResolve,

	// The rest of the catalogue (catalogue.go and the files it names).
	ActionPaySplit:                (*Server).charge,
	ActionPayDonate:               (*Server).charge,
	ActionCardVerification:        (*Server).charge,
	ActionP2PDebit:                (*Server).charge,
	ActionP2PCredit:               (*Server).p2pcredit,
	ActionPayCash:                 (*Server).payLater,
	ActionPayQR:                   (*Server).payLater,
	ActionPaymentPrepare:          (*Server).paymentPrepare,
	ActionTicket:                  (*Server).ticket,
	ActionMPI:                     (*Server).mpi,
	ActionInvoiceSend:             (*Server).invoiceSend,
	ActionInvoiceBot:              (*Server).invoiceSend,
	ActionInvoiceCancel:           (*Server).invoiceCancel,
	ActionInvoiceUnits:            (*Server).invoiceUnits,
	ActionInvoiceUnitsByLang:      (*Server).invoiceUnits,
	ActionTokenCreate:             (*Server).tokenCreate,
	ActionTokenCreateUnique:       (*Server).tokenCreate,
	ActionTokenUpdate:             (*Server).tokenUpdate,
	ActionReports:                 (*Server).reports,
	ActionRegister:                (*Server).register,
	ActionReportsCompensation:     (*Server).reportsCompensation,
	ActionReportsCompensationFile: (*Server).reportsCompensationFile,
	ActionReportsCompensationStat: (*Server).reportsCompensationStatus,
}

var phonePattern = regexp.MustCompile(`^\+?[0-9]{10,15}$`)

// currencies LiqPay accepts (err_wrong_currency's own text, reference §6.2).
var currencies = map[string]bool{"UAH": true, "USD": true, "EUR": true}

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
	p.Splits = splits
	if c.params.Flag("verifycode") && (c.action == ActionAuth || c.action == ActionCardVerification) {
		p.Verifycode = sh.digits(6) // GUESS: six digits, like an SMS code
	}
	s.apply(c, p, out)
	c.waitCallbacks = p.takeWait()
	return p.chargeResult()
}

func validateCharge(c *call) (chargeInput, *apiError) {
	in, e := validateOrder(c)
	if e != nil {
		return in, e
	}
	p := c.params
	_, hasCard := p.Str("card")
	token, hasToken := p.Str("card_token")
	switch {
	case c.action == ActionPayToken && !hasToken:
		return in, newError(ErrMissing, c.lang, "card_token")
	case hasToken && (!hasCard || c.action == ActionPayToken):
		in.token = token
		return in, nil
	case !hasCard:
		return in, newError(ErrMissing, c.lang, "card")
	}
	in.card, e = validateCard(p, c.lang)
	return in, e
}

// validateCard reads card, card_exp_month, card_exp_year and card_cvv, the
// card block every card-taking action shares. A documented test card passes
// whatever its Luhn digit (LiqPay's own documentation card fails it), and is
// marked so that its expiry is not held against it.
func validateCard(p Params, lang string) (card, *apiError) {
	pan, present := p.Str("card")
	if !present {
		return card{}, newError(ErrMissing, lang, "card")
	}
	pan, ok := normalizePAN(pan)
	testCard := ok && documentedTestCards[pan]
	if !ok || (!luhn(pan) && !testCard) {
		return card{}, newError(ErrCard, lang, "")
	}
	month, year, bad := parseExpiry(p)
	if bad != "" {
		if _, present := p.Str(bad); !present {
			return card{}, newError(ErrMissing, lang, bad)
		}
		return card{}, newError(ErrWrong, lang, bad)
	}
	cvv, ok := p.Str("card_cvv")
	if !ok {
		return card{}, newError(ErrMissing, lang, "card_cvv")
	}
	if !cvvValid(cvv) {
		return card{}, newError(ErrWrong, lang, "card_cvv")
	}
	cd := describeCard(pan, month, year)
	cd.TestCard = testCard
	return cd, nil
}

// validateOrder checks what every charge needs besides the card: order_id,
// amount, currency, description, phone and server_url. Hosted checkout runs
// it when the form arrives, before the customer enters a card.
func validateOrder(c *call) (chargeInput, *apiError) {
	var in chargeInput
	var e *apiError
	if in.amount, in.currency, e = validateAmount(c); e != nil {
		return in, e
	}
	if _, ok := c.params.Str("description"); !ok {
		return in, newError(ErrMissing, c.lang, "description")
	}
	if phone, ok := c.params.Str("phone"); ok && !phonePattern.MatchString(phone) {
		return in, newError(ErrPhone, c.lang, "")
	}
	return in, nil
}

func cvvValid(cvv string) bool {
	if len(cvv) < 3 || len(cvv) > 4 {
		return false
	}
	for i := 0; i < len(cvv); i++ {
		if cvv[i] < '0' || cvv[i] > '9' {
			return false
		}
	}
	return true
}

func requireOrderID(c *call) *apiError {
	v, present := c.params["order_id"]
	id, ok := c.params.Str("order_id")
	switch {
	case !present || v == nil:
		return newError(ErrMissing, c.lang, "order_id")
	case !ok:
		return newError(ErrOrderIDEmpty, c.lang, "")
	case len(id) > 255, !cleanID(id):
		return newError(ErrWrong, c.lang, "order_id")
	}
	return nil
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
	pay := &Payment{
		Action:        action,
		Type:          typ,
		Paytype:       "card",
		Status:        StatusSuccess,
		Version:       int(c.version),
		Algo:          c.algo,
		PublicKey:     sh.merchant.PublicKey,
		OrderID:       p.S("order_id"),
		LiqPayOrderID: sh.liqpayOrderID(c.now),
		Description:   p.S("description"),
		Currency:      in.currency,
		Language:      c.lang,
		Amount:        in.amount,
		Card:          in.card,
		Recurring:     p.Flag("recurringbytoken"),
		Phone:         p.S("phone"),
		IP:            p.S("ip"),
		Info:          p.S("info"),
		Customer:      p.S("customer"),
		FirstName:     p.S("sender_first_name"),
		LastName:      p.S("sender_last_name"),
		Product:       [4]string{p.S("product_category"), p.S("product_description"), p.S("product_name"), p.S("product_url")},
		Sandbox:       p.Flag("sandbox"),
		ServerURL:     p.S("server_url"),
		Created:       c.now,
		Ended:         c.now,
		BaseURL:       c.baseURL,
	}
	if in.token != "" {
		pay.Card = sh.tokenCard(in.token)
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
		p.Overrides, p.CallbackRules, p.ErrMessage = out.sc.Fields, out.sc.Callbacks, out.message
		rules, then = out.sc.Confirm, out.sc.Then
	}
	s.setStatus(c, p, out.status, out.code, rules)
	s.scheduleThen(sh, p, then, c.now)
}

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
	p.plan = plan // what is left to play, for a state file (state.go)
	// sh.at runs each step under sh.mu, and not at all after a reset.
	at := func(t time.Time, fn func()) { sh.at(t, fn) }
	scenarios.PlayThen(at, steps, since, func(step scenarios.Transition, due time.Time) bool {
		if p.Status != from {
			return false
		}
		c := &call{shop: sh, now: due, baseURL: p.BaseURL}
		p.ErrMessage = step.Message
		s.setStatus(c, p, Status(step.Status), ErrCode(step.Code), nil)
		p.takeWait() // no request waits on a timer's callbacks
		from = p.Status
		if p.plan == plan {
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
	case p.Sub != nil:
		return StatusSubscribed
	case p.LC != nil:
		return StatusWaitLC
	case p.Sandbox:
		return StatusSandbox
	}
	return StatusSuccess
}

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
		p.RedirectTo = c.baseURL + "/api/3ds/request/" + p.Token
	case StatusOTPVerify:
		phone := p.Phone
		if phone == "" {
			phone = "380950000001" // LiqPay's documented test phone
		}
		p.ConfirmPhone = maskPhone(phone)
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

// finish moves a payment to a final (or hold_wait) status. Caller holds sh.mu.
func (s *Server) finish(sh *shop, p *Payment, st Status, code ErrCode, now time.Time) {
	if p.Verify != nil {
		sh.stop(p.Verify.timer)
		p.Verify = nil
	}
	p.Status, p.ErrCode, p.Ended = st, code, now
	switch st {
	case StatusSubscribed:
		s.startSubscription(sh, p, now)
	case StatusWaitLC:
		s.startSecured(sh, p)
	}
	if st == StatusHoldWait {
		s.expireHoldLater(sh, p, now)
	} else if p.holdTimer != nil {
		sh.stop(p.holdTimer) // completed or released: nothing left to expire
		p.holdTimer = nil
	}
	// The debit's codes are the first charge's: a later success (hold
	// completion, a secured payment released) keeps them.
	if moneyTaken(st) && p.AuthcodeDebit == "" {
		p.AuthcodeDebit = sh.digits(6)
		p.RRNDebit = sh.digits(13)
		if p.Recurring && p.CardToken == "" {
			p.CardToken = sh.cardToken()
			sh.cardTokens[p.CardToken] = p.Card
		}
	}
	s.changed(sh, p)
}

// find looks a payment up by order_id, or by payment_id when the request
// names one. Caller holds sh.mu.
func (sh *shop) find(c *call) (*Payment, *apiError) {
	if id, ok := c.params.Int("payment_id"); ok {
		if p, ok := sh.byID[id]; ok {
			return p, nil
		}
		return nil, newError(ErrPaymentNotFound, c.lang, "")
	}
	if _, ok := c.params.Str("order_id"); !ok {
		return nil, newError(ErrMissing, c.lang, "order_id")
	}
	if p, ok := sh.byOrder[c.params.S("order_id")]; ok {
		return p, nil
	}
	return nil, newError(ErrPaymentNotFound, c.lang, "")
}

// status answers action=status with the payment object (reference §4.6). A
// failed payment is a valid answer here, so result stays "ok".
func (s *Server) status(c *call) any {
	return s.withPayment(c, func(sh *shop, p *Payment) any { return p.wire("ok") })
}

// withPayment runs fn on the payment the request names, under the shop's
// lock, after any verification deadline that passed has been applied.
func (s *Server) withPayment(c *call, fn func(sh *shop, p *Payment) any) any {
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p, e := sh.find(c)
	if e != nil {
		return e
	}
	s.expireIfDue(sh, p, c.now)
	resp := fn(sh, p)
	c.waitCallbacks = p.takeWait()
	return resp
}

// data attaches info to a payment (reference §4.7).
func (s *Server) data(c *call) any {
	info, ok := c.params.Str("info")
	if !ok {
		return newError(ErrMissing, c.lang, "info")
	}
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		p.Info = info
		return p.wire("ok")
	})
}

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
		p.Completed = c.now
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
		p.RefundedAt = c.now
		// A subscription stays what it is: a refund returns its first
		// period's money, unsubscribe ends it.
		if p.RefundAmount == p.Amount && p.Sub == nil {
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
		p.ErrMessage = rule.Message
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
			p.FirstName, p.LastName = c.params.S("sender_first_name"), c.params.S("sender_last_name")
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

package liqpay

import (
	"net/mail"
	"time"
)

// This file holds the actions of reference §4.8, §4.12, §4.14, §4.16 and
// §4.17 that are not plain card charges, and hold expiry.

// holdPeriod is how long funds stay blocked by a hold that is never
// completed. LiqPay documents no period; GUESS: 30 days, the longest
// authorisation hold card schemes allow, after which the hold ends as a
// released hold does: "reversed" (reference §5.1), with its callback.
const holdPeriod = 30 * 24 * time.Hour

// expireHoldLater schedules the release of a hold on the virtual clock.
// Caller holds sh.mu.
func (s *Server) expireHoldLater(sh *shop, p *Payment, now time.Time) {
	if p.flow().holdTimer != nil {
		return
	}
	p.flowFor().HoldUntil = now.Add(holdPeriod)
	s.armHoldExpiry(sh, p)
}

// armHoldExpiry releases a hold still waiting at p.HoldUntil. Caller holds sh.mu.
func (s *Server) armHoldExpiry(sh *shop, p *Payment) {
	f := p.flowFor()
	f.holdTimer = sh.at(f.HoldUntil, func() {
		if p.Status == StatusHoldWait {
			s.finish(sh, p, StatusReversed, "", sh.tenant.Clock.Now())
			p.takeWait() // no request waits on a timer's callbacks
		}
	})
}

// chargeDefaults fills what a charge-like action does not require but the
// charge needs. cardverification takes no amount (reference §4.12): GUESS,
// it authorises 1 UAH, the "up to 1 USD" the documentation speaks of.
func chargeDefaults(c *call) {
	if c.action != ActionCardVerification {
		return
	}
	p := make(Params, len(c.params)+2)
	for k, v := range c.params {
		p[k] = v
	}
	if _, ok := p.Str("amount"); !ok {
		p["amount"] = "1"
	}
	if _, ok := p.Str("currency"); !ok {
		p["currency"] = "UAH"
	}
	c.params = p
}

// validateAmount checks what every payment-creating action needs: order_id,
// amount, currency and server_url. Invoices need no description (LiqPay
// answers "Invoice" for an empty one, reference §4.15).
func validateAmount(c *call) (Amount, string, *apiError) {
	if e := requireOrderID(c); e != nil {
		return 0, "", e
	}
	raw, ok := c.params.Str("amount")
	if !ok {
		return 0, "", newError(ErrMissing, c.lang, "amount")
	}
	amount, ok := parseAmount(raw)
	if !ok {
		return 0, "", newError(ErrWrong, c.lang, "amount")
	}
	if amount <= 0 || amount > 100_000_000_00 {
		return 0, "", newError(ErrLimitAmount, c.lang, "")
	}
	currency, ok := c.params.Str("currency")
	if !ok {
		return 0, "", newError(ErrMissing, c.lang, "currency")
	}
	if !currencies[currency] {
		return 0, "", newError(ErrWrongCurrency, c.lang, "")
	}
	if u, ok := c.params.Str("server_url"); ok && (len(u) > 510 || !validHTTPURL(u)) {
		return 0, "", newError(ErrWrong, c.lang, "server_url")
	}
	return amount, currency, nil
}

// p2pcredit pays money out of the shop to a card (reference §4.17). The
// receiver's card decides the outcome like a payer's card does (test cards,
// scenarios); receiver_card_token must be a token of this shop;
// receiver_account (an IBAN transfer) always goes through.
func (s *Server) p2pcredit(c *call) any {
	amount, currency, e := validateAmount(c)
	if e != nil {
		return e
	}
	if _, ok := c.params.Str("description"); !ok {
		return newError(ErrMissing, c.lang, "description")
	}
	var in chargeInput
	in.amount, in.currency = amount, currency
	pan, hasCard := c.params.Str("receiver_card")
	tok, hasToken := c.params.Str("receiver_card_token")
	_, hasAccount := c.params.Str("receiver_account")
	switch {
	case hasCard:
		pan, ok := normalizePAN(pan)
		if !ok || !luhn(pan) {
			return newError(ErrCard, c.lang, "")
		}
		in.card = describeCard(pan, 0, 0)
	case hasToken:
		in.token = tok
	case !hasAccount:
		return newError(ErrMissing, c.lang, "receiver_card")
	}
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e := sh.checkOrderFree(c); e != nil {
		return e
	}
	// Scenarios match the receiver's card as match.card.
	asked := c.params
	if hasCard {
		c.params = make(Params, len(asked)+1)
		for k, v := range asked {
			c.params[k] = v
		}
		c.params["card"] = pan
	}
	s.decide(c)
	c.params = asked
	if c.unprocessedFault() {
		return unprocessed{}
	}
	p := s.newPayment(c, in)                        // a receiver_card_token's card, if the shop issued it
	p.setCommon(func(c *Common) { c.Type = "p2p" }) // GUESS: LiqPay's type for transfers
	// The receiver's card has no expiry to check, so the scenario decides
	// directly (decide would call a card without one expired).
	var out outcome
	switch {
	case hasToken && p.Card.Mask2 == "":
		out = outcome{status: StatusFailure, code: ErrTokenNotFound}
	case c.scenario != nil:
		o := c.scenario.Outcome
		out = outcome{status: Status(o.Status), code: ErrCode(o.Code), message: o.Message, sc: &o}
	}
	s.apply(c, p, out)
	c.waitCallbacks = p.takeWait()
	return p.chargeResult()
}

// ticket e-mails the receipt of a payment (reference §4.8): mockpay checks
// the address and the payment and sends nothing.
func (s *Server) ticket(c *call) any {
	email, ok := c.params.Str("email")
	if !ok {
		return newError(ErrMissing, c.lang, "email")
	}
	if _, err := mail.ParseAddress(email); err != nil || len(email) > 254 {
		return newError(ErrWrong, c.lang, "email")
	}
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		return resultOK{Result: "ok"}
	})
}

// resultOK is the bare {"result":"ok"} answer.
type resultOK struct {
	Result string `json:"result"`
}

// mpiJSON answers action=mpi (reference §4.14), 3-D Secure 2 form.
type mpiJSON struct {
	Result     string `json:"result"`
	Status     Status `json:"status"`
	MpiVersion string `json:"mpi_version"`
	MpiStatus  string `json:"mpi_status"`
	MpiCres    string `json:"mpi_cres,omitempty"`
	Cres       string `json:"cres,omitempty"`
	Eci        string `json:"eci,omitempty"`
	Cavv       string `json:"cavv,omitempty"`
	DsTransID  string `json:"dsTransID,omitempty"`
	ErrCode    string `json:"err_code,omitempty"`
}

// mpi runs merchant-driven 3-D Secure: mockpay's directory server answers
// at once. GUESS: a frictionless "Y" (eci 05) for any valid card, "N" with
// status failure and err_code 5 ("card does not support 3-D Secure") for an
// expired card; the merchant then sends pay with cres/eci/cavv/dsTransID,
// which mockpay accepts like any pay.
func (s *Server) mpi(c *call) any {
	if e := requireOrderID(c); e != nil {
		return e
	}
	if _, ok := c.params["threeDSInfo"]; !ok {
		return newError(ErrMissing, c.lang, "threeDSInfo")
	}
	cd, e := validateCard(c.params, c.lang)
	if e != nil {
		return e
	}
	c.shop.mu.Lock()
	defer c.shop.mu.Unlock()
	if expired(cd.ExpMonth, cd.ExpYear, c.now) {
		return mpiJSON{Result: "ok", Status: StatusFailure, MpiVersion: "2.0", MpiStatus: "N", ErrCode: "5"}
	}
	sh := c.shop
	return mpiJSON{Result: "ok", Status: StatusSuccess, MpiVersion: "2.0", MpiStatus: "Y",
		MpiCres: sh.randString(alnum, 40), Cres: sh.randString(alnum, 40), Eci: "05",
		Cavv: sh.randString(alnum, 28), DsTransID: sh.uuid()}
}

// uuid is a random version-4 UUID from the tenant's seeded faker. Caller holds sh.mu.
func (sh *shop) uuid() string { return sh.tenant.Fake.UUID() }

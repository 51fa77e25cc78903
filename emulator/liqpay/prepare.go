package liqpay

import (
	"strings"

	"github.com/mockpay/mockpay/scenarios"
)

// prepare and DCC (reference §4.16, seed 001's prepare parameter, seed 002).
//
// prepare: "1" is a dry run: the request is validated, the order_id checked
// and the scenario that would decide the charge looked at, but nothing is
// charged or stored, the order_id stays free and no scenario's times is used
// up. prepare: "tariffs" is the DCC quote: the same dry run, with
// dcc_allowed. LiqPay documents neither answer's status; mockpay answers
// "prepared" (the §5.1 status "payment created, waiting for customer")
// when the charge would go through, the verification step it would need
// (3ds_verify, otp_verify, …) without a token, or the failure it would end in.

// StatusPrepared answers a dry run that would go through.
const StatusPrepared Status = "prepared"

// prepareMode reads the prepare parameter: "" (a real charge), "1" or
// "tariffs". "0" and "false" mean a real charge too.
func prepareMode(c *call) (string, *apiError) {
	v, ok := c.params.Str("prepare")
	switch {
	case !ok, v == "0", strings.EqualFold(v, "false"):
		return "", nil
	case v == "1", strings.EqualFold(v, "true"):
		return "1", nil
	case v == "tariffs":
		return "tariffs", nil
	}
	return "", newError(ErrWrong, c.lang, "prepare")
}

// peeker is the scenario engine's dry-run lookup (scenarios.Engine.Peek).
type peeker interface {
	Peek(tenant string, r scenarios.Request) *scenarios.Scenario
}

// dryRun answers prepare without touching the shop's payments. Caller
// holds sh.mu.
func (s *Server) dryRun(c *call, in chargeInput, f flowInput) any {
	if pk, ok := s.opts.Scenarios.(peeker); ok {
		c.scenario = pk.Peek(c.shop.tenant.ID, scenarioRequest(c.shop, string(c.action), c.params))
	}
	out := decide(c, in)
	p := s.buildPayment(c, in)
	f.attach(p)
	if f.prepare == "tariffs" {
		if offer, ok := dccOffer(p.Amount, p.Currency); ok {
			p.flowFor().DCCAllowed = []dccQuote{offer}
		}
	}
	p.Status = StatusPrepared
	switch {
	case verifyStep(out.status):
		p.Status = out.status
		p.Is3DS = out.status == Status3DSVerify
	case out.status == StatusFailure || out.status == StatusError:
		p.Status, p.ErrCode = out.status, out.code
		p.setErrMessage(out.message)
		if p.ErrCode == "" {
			p.ErrCode = "decline"
		}
	case p.Card.Mask2 == "" && in.token != "":
		p.Status, p.ErrCode = StatusFailure, ErrTokenNotFound
	}
	return p.chargeResult()
}

// dccQuote is one entry of dcc_allowed (seed 002): the payment's amount in
// the card's currency, the rate, and the commission in that currency.
type dccQuote struct {
	Amount     Money4 `json:"amount"`
	Rate       Money4 `json:"rate"`
	Commission Money4 `json:"commission"`
	Currency   string `json:"currency"`
}

// dccRates are mockpay's fixed DCC rates: for a payment in the key
// currency, the alternative currency and its rate in units of the payment
// currency per unit of the alternative one, in ten-thousandths. UAH → USD at
// 27.7905 is seed 002's own example (100 UAH → 3.5984 USD); the others are
// mockpay's choice (README, DCC). The rates never move, so tests can
// compute the amounts.
var dccRates = map[string]struct {
	currency string
	rate     Money4
}{
	"UAH": {"USD", 277905},
	"USD": {"UAH", 360},
	"EUR": {"UAH", 333},
}

// dccOffer quotes amount (kopecks) in the alternative currency, rounded
// half up to four decimals as seed 002 shows; DCC's commission is 0.0 as in
// the seed.
func dccOffer(amount Amount, currency string) (dccQuote, bool) {
	r, ok := dccRates[currency]
	if !ok || amount <= 0 {
		return dccQuote{}, false
	}
	// amount/100 ÷ rate/10000, in ten-thousandths: amount·10⁶/rate.
	alt := (int64(amount)*2_000_000 + int64(r.rate)) / (2 * int64(r.rate))
	return dccQuote{Amount: Money4(alt), Rate: r.rate, Currency: r.currency}, true
}

// Money4 is an amount with up to four decimals (DCC amounts and rates,
// amount_debit of a DCC payment), written like LiqPay's amounts: 3.5984,
// 27.7905, 0.0, 100.0.
type Money4 int64

// MarshalJSON writes the value with at least one decimal.
func (m Money4) MarshalJSON() ([]byte, error) {
	return appendDecimal(make([]byte, 0, 24), int64(m), 10000), nil
}

func (m Money4) String() string { return decimal(int64(m), 10000) }

// money4 widens kopecks to ten-thousandths.
func money4(a Amount) Money4 { return Money4(a) * 100 }

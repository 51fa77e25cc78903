package liqpay

import (
	"time"
)

// flowInput is what a charge asks for beyond paying: a dry run (prepare),
// a subscription, a secured payment, a DCC debit. It is validated with the
// charge, before anything is stored.
type flowInput struct {
	prepare string
	sub     *subscription // nil: no subscription
	lcDate  time.Time     // zero: not a secured payment
	dcc     bool          // is_dcc_debit
}

// validateFlows reads the flow parameters of a charge. A subscription is
// action subscribe, or pay/paytoken with subscribe=1 (reference §4.1, §4.9);
// a secured payment is pay/paytoken with letter_of_credit=1 (seed 000).
func validateFlows(c *call, currency string) (flowInput, *apiError) {
	var f flowInput
	var e *apiError
	if f.prepare, e = prepareMode(c); e != nil {
		return f, e
	}
	payLike := c.action == ActionPay || c.action == ActionPayToken
	if c.action == ActionSubscribe || (payLike && c.params.Flag("subscribe")) {
		if f.sub, e = validateSubscription(c); e != nil {
			return f, e
		}
	}
	if payLike && c.params.Flag("letter_of_credit") {
		if f.sub != nil {
			// GUESS: a secured subscription makes no sense (each period
			// would need its own confirmation); LiqPay documents neither.
			return f, newError(ErrWrong, c.lang, "letter_of_credit")
		}
		if f.lcDate, e = validateLCDate(c); e != nil {
			return f, e
		}
	}
	if c.params.Flag("is_dcc_debit") {
		if _, ok := dccRates[currency]; !ok {
			return f, newError(ErrWrong, c.lang, "is_dcc_debit")
		}
		f.dcc = true
	}
	return f, nil
}

// attach puts the flows on a freshly built payment.
func (f flowInput) attach(p *Payment) {
	if f.sub != nil {
		sub := *f.sub
		p.flowFor().Sub = &sub
		p.setCommon(func(c *Common) { c.Action = string(ActionSubscribe) }) // seed 003: the subscription is "action":"subscribe"
	}
	if !f.lcDate.IsZero() {
		p.flowFor().LC = &letterOfCredit{Date: f.lcDate}
	}
	if f.dcc {
		if offer, ok := dccOffer(p.Amount, p.Currency); ok {
			p.flowFor().DCCDebit = &offer
			p.flowFor().DCCAllowed = []dccQuote{offer}
		}
	}
}

// parseLiqPayTime reads LiqPay's date parameters: "YYYY-MM-DD HH:MM:SS" in
// UTC (reference §3), or a bare "YYYY-MM-DD" meaning its midnight UTC.
func parseLiqPayTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.DateTime, time.DateOnly} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// moneyTaken tells the statuses in which the card has been debited, which
// give the payment its authcode_debit and rrn_debit.
func moneyTaken(st Status) bool {
	switch st {
	case StatusSuccess, StatusSandbox, StatusHoldWait, StatusSubscribed, StatusWaitLC:
		return true
	}
	return false
}

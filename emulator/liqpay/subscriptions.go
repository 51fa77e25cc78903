package liqpay

import (
	"errors"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
)

// Subscriptions (reference §4.9–§4.11, seed 003). A subscription is the
// payment of the request that created it (action subscribe, or pay with
// subscribe=1): it answers "action":"subscribe", "status":"subscribed" and
// pays the first period. Each later period is a new payment with
// "action":"regular", "type":"regular" and the subscription's order_id,
// charged on the merchant's virtual clock with its own callback. Choices
// where LiqPay is silent (README, Subscriptions):
//   - periods count from subscribe_date_start, or from the moment the
//     subscription is made when that date is past (as §4.9 says); regular
//     charge n falls due at start + n periods;
//   - a month later than Jan 31 is the last day of February: the day is
//     clamped to the target month's length, always counted from the start
//     (Jan 31 → Feb 28 → Mar 31), so a short month does not shift the rest;
//   - status by order_id answers the subscription; each regular payment is
//     addressed by its payment_id (status, refund);
//   - a scenario with match action "regular" decides regular charges (with
//     times to pick which: the test cards do not apply to them).

const (
	ActionSubscribe       Action = "subscribe"
	ActionSubscribeUpdate Action = "subscribe_update"
	ActionUnsubscribe     Action = "unsubscribe"
	// ActionRegular is no request's action: it names the periodic charges
	// (their "action") and is what scenarios match them by.
	ActionRegular Action = "regular"

	StatusSubscribed   Status = "subscribed"
	StatusUnsubscribed Status = "unsubscribed"

	ErrPaymentNotSubscribed ErrCode = "payment_not_subscribed"
)

// periodicities are subscribe_periodicity's documented values.
var periodicities = map[string]bool{"day": true, "week": true, "month": true, "year": true}

// subscription is a subscription's schedule, kept on its payment.
type subscription struct {
	Periodicity string
	DateStart   time.Time // subscribe_date_start as requested
	Start       time.Time // what periods count from, set when it becomes subscribed
	Charged     int       // regular charges made so far
	Next        time.Time // when the next regular charge falls due
	Active      bool
	Regular     []int64 // payment ids of the regular charges
	// gen changes whenever the pending timer is superseded (a forced charge,
	// unsubscribe), so a timer already firing knows it is stale.
	gen   int
	timer *clock.Timer
}

func validateSubscription(c *call) (*subscription, *apiError) {
	per, ok := c.params.Str("subscribe_periodicity")
	if !ok {
		return nil, newError(ErrMissing, c.lang, "subscribe_periodicity")
	}
	if !periodicities[per] {
		return nil, newError(ErrWrong, c.lang, "subscribe_periodicity")
	}
	raw, ok := c.params.Str("subscribe_date_start")
	if !ok {
		return nil, newError(ErrMissing, c.lang, "subscribe_date_start")
	}
	start, ok := parseLiqPayTime(raw)
	if !ok {
		return nil, newError(ErrWrong, c.lang, "subscribe_date_start")
	}
	return &subscription{Periodicity: per, DateStart: start}, nil
}

// addPeriods is start plus n periods. Months and years clamp the day to the
// target month's length (Jan 31 + 1 month = Feb 28, or 29 in a leap year).
func addPeriods(start time.Time, per string, n int) time.Time {
	switch per {
	case "day":
		return start.AddDate(0, 0, n)
	case "week":
		return start.AddDate(0, 0, 7*n)
	}
	months := n
	if per == "year" {
		months = 12 * n
	}
	y, m, d := start.Date()
	first := time.Date(y, m+time.Month(months), 1, start.Hour(), start.Minute(), start.Second(), start.Nanosecond(), start.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// startSubscription activates a payment's subscription once it reaches
// subscribed and schedules the first regular charge. Caller holds sh.mu.
func (s *Server) startSubscription(sh *shop, p *Payment, now time.Time) {
	sub := p.subscription()
	if sub == nil || sub.Active {
		return
	}
	sub.Active = true
	sub.Start = sub.DateStart
	if sub.Start.Before(now) {
		sub.Start = now
	}
	s.scheduleRegular(sh, p)
}

// scheduleRegular sets the timer of the next regular charge. Caller holds sh.mu.
func (s *Server) scheduleRegular(sh *shop, p *Payment) {
	sub := p.subscription()
	sub.gen++
	gen := sub.gen
	sub.Next = addPeriods(sub.Start, sub.Periodicity, sub.Charged+1)
	due := sub.Next
	sub.timer = sh.at(due, func() {
		if !sub.Active || sub.gen != gen {
			return
		}
		s.chargeRegular(sh, p, due)
	})
}

// chargeRegular makes one period's payment and schedules the next. Caller
// holds sh.mu.
func (s *Server) chargeRegular(sh *shop, sp *Payment, now time.Time) {
	sub := sp.subscription()
	sh.stop(sub.timer)
	sub.Charged++
	r := &Payment{
		ID: sh.newID(),
		// As LiqPay's reports show regular charges: action regular, type regular.
		Common: sh.common(Common{Action: string(ActionRegular), Type: "regular", Paytype: "card",
			Version: sp.Version, Algo: sp.Algo, PublicKey: sp.PublicKey, Currency: sp.Currency,
			Language: sp.Language, BaseURL: sp.BaseURL, ServerURL: sp.ServerURL, Card: sp.Card}),
		Status:        StatusSuccess,
		OrderID:       sp.OrderID,
		LiqPayOrderID: sh.liqpayOrderID(now),
		Description:   sp.Description,
		Amount:        sp.Amount,
		Extras:        regularExtras(sp.extras()),
		Sandbox:       sp.Sandbox,
		Created:       clock.StampAt(now),
		Ended:         clock.StampAt(now),
	}
	sh.byID[r.ID] = r
	sub.Regular = append(sub.Regular, r.ID)

	// What a scenario sees of a regular charge: the subscription's terms.
	body := Params{
		"public_key": sp.PublicKey, "action": string(ActionRegular), "order_id": sp.OrderID,
		"amount": r.Amount.String(), "currency": r.Currency, "description": r.Description,
		"phone": r.extras().Phone, "subscribe_periodicity": sub.Periodicity,
	}
	c := &call{shop: sh, params: body, action: ActionRegular, lang: r.Language, version: int64(r.Version),
		algo: r.Algo, now: now, baseURL: sp.BaseURL}
	var out outcome
	if s.opts.Scenarios != nil {
		req := scenarioRequest(sh, string(ActionRegular), body)
		req.Method = "card"
		if c.scenario = s.opts.Scenarios.Decide(sh.tenant.ID, req); c.scenario != nil {
			o := c.scenario.Outcome
			out = outcome{status: Status(o.Status), code: ErrCode(o.Code), message: o.Message, sc: &o}
		}
	}
	s.apply(c, r, out)
	r.takeWait() // no request waits on a timer's callbacks
	s.scheduleRegular(sh, sp)
}

// subscribeUpdate changes a subscription's amount, currency or description
// for the periods to come (reference §4.10, seed 003); it answers the
// subscription. Fields not sent stay as they were.
func (s *Server) subscribeUpdate(c *call) any {
	var amount Amount
	if raw, ok := c.params.Str("amount"); ok {
		a, ok := parseAmount(raw)
		if !ok {
			return newError(ErrWrong, c.lang, "amount")
		}
		if a <= 0 || a > 100_000_000_00 {
			return newError(ErrLimitAmount, c.lang, "")
		}
		amount = a
	}
	currency, hasCurrency := c.params.Str("currency")
	if hasCurrency && !currencies[currency] {
		return newError(ErrWrongCurrency, c.lang, "")
	}
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		if p.subscription() == nil || p.Status != StatusSubscribed {
			return newError(ErrPaymentNotSubscribed, c.lang, "")
		}
		if amount > 0 {
			p.Amount = amount
		}
		if hasCurrency {
			p.setCommon(func(c *Common) { c.Currency = currency })
		}
		if d, ok := c.params.Str("description"); ok {
			p.Description = d
		}
		return p.wire("ok")
	})
}

// unsubscribe ends a subscription: no regular charge after this
// (reference §4.11). Unsubscribing again answers the same object.
func (s *Server) unsubscribe(c *call) any {
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		if p.subscription() == nil || (p.Status != StatusSubscribed && p.Status != StatusUnsubscribed) {
			return newError(ErrPaymentNotSubscribed, c.lang, "")
		}
		if p.Status == StatusSubscribed {
			s.stopSubscription(sh, p)
			s.finish(sh, p, StatusUnsubscribed, "", c.now)
		}
		return p.wire("ok")
	})
}

func (s *Server) stopSubscription(sh *shop, p *Payment) {
	sub := p.subscription()
	sub.Active = false
	sub.gen++
	sh.stop(sub.timer)
}

// ErrNotSubscribed is what ChargeNextPeriod returns for an order that is no
// active subscription.
var ErrNotSubscribed = errors.New("liqpay: the order is not an active subscription")

// ChargeNextPeriod charges a subscription's next period now, on the
// control plane's request, instead of waiting for its date; the period
// after it keeps its own date. It returns ErrUnknownMerchant,
// ErrUnknownOrder or ErrNotSubscribed.
func (s *Server) ChargeNextPeriod(publicKey, orderID string) error {
	sh, p, err := s.lookup(publicKey, orderID)
	if err != nil {
		return err
	}
	defer sh.mu.Unlock()
	if p.subscription() == nil || !p.subscription().Active || p.Status != StatusSubscribed {
		return ErrNotSubscribed
	}
	s.chargeRegular(sh, p, sh.tenant.Clock.Now())
	return nil
}

// Errors of the exported triggers.
var (
	ErrUnknownMerchant = errors.New("liqpay: unknown public_key")
	ErrUnknownOrder    = errors.New("liqpay: unknown order_id")
)

// lookup finds a merchant's payment by order_id and returns with the shop
// locked when err is nil.
func (s *Server) lookup(publicKey, orderID string) (*shop, *Payment, error) {
	sh := s.shop(publicKey)
	if sh == nil {
		return nil, nil, ErrUnknownMerchant
	}
	sh.mu.Lock()
	p, ok := sh.byOrder[orderID]
	if !ok {
		sh.mu.Unlock()
		return nil, nil, ErrUnknownOrder
	}
	s.expireIfDue(sh, p, sh.tenant.Clock.Now())
	return sh, p, nil
}

// regularExtras are what a regular charge takes of its subscription's
// extras: the payer, not the flows' own strings.
func regularExtras(x Extras) *Extras {
	return newExtras(Extras{Phone: x.Phone, IP: x.IP, Customer: x.Customer, FirstName: x.FirstName, LastName: x.LastName, Product: x.Product})
}

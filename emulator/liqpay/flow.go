package liqpay

import (
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/scenarios"
)

// Flow is what the flows beyond a plain charge add to a payment: DCC,
// split receivers, a hold's expiry, a refund's date, and what the deciding scenario asked
// for. A plain charge has none of it, so it lives behind one pointer, nil
// until set, keeping a stored payment smaller. Embedded, so a state file
// names the fields as before; read through Payment.flow, write through
// Payment.flowFor — never p.Splits directly, which panics when nil.
type Flow struct {
	DCCDebit   *dccQuote  // is_dcc_debit: the card is debited this instead
	DCCAllowed []dccQuote // dcc_allowed: a tariffs quote, or a DCC payment's offer
	// Splits are the split receivers.
	Splits []split
	// RefundedAt is when it was last refunded.
	RefundedAt time.Time
	// HoldUntil is when a hold still waiting is released (hold expiry).
	HoldUntil time.Time
	holdTimer *clock.Timer

	// Flows beyond paying (chargeflows.go): a subscription's schedule, a
	// secured payment's protection. Read through Payment.subscription and
	// Payment.credit.
	Sub *subscription
	LC  *letterOfCredit

	// From the scenario that decided the payment.
	Overrides     map[string]any
	CallbackRules []scenarios.CallbackRule
	// plan is the scenario's then-steps still to play.
	plan *thenPlan
}

// flow returns the payment's flow parts, the zero value when it has none.
func (p *Payment) flow() Flow {
	if p.Flow == nil {
		return Flow{}
	}
	return *p.Flow
}

// flowFor returns the payment's flow parts to change, allocating them.
func (p *Payment) flowFor() *Flow {
	if p.Flow == nil {
		p.Flow = &Flow{}
	}
	return p.Flow
}

// subscription is the payment's subscription, nil if it is none.
func (p *Payment) subscription() *subscription {
	if p.Flow == nil {
		return nil
	}
	return p.Sub
}

// credit is the payment's letter of credit, nil if it has none.
func (p *Payment) credit() *letterOfCredit {
	if p.Flow == nil {
		return nil
	}
	return p.LC
}

package liquido

import "github.com/mockpay/mockpay/scenarios"

// followUp is the scenario request of an operation on an existing payment.
func followUp(a Action, p *Payment, body map[string]any) scenarios.Request {
	r := scenarios.Request{Action: string(a), Method: p.Method, Currency: p.Currency, Country: p.Country,
		OrderID: p.Key, Description: p.Description, Amount: amountOf(p.Amount), Body: body}
	if p.card != nil {
		r.Card = p.card.masked()
	}
	return r
}

// adopt takes a follow-up scenario's field overrides and callback rules,
// when it has any, for the rest of the payment's life.
func adopt(p *Payment, o scenarios.Outcome) {
	if o.Fields != nil {
		p.more().Overrides = o.Fields
	}
	if o.Callbacks != nil {
		p.more().CallbackRules = o.Callbacks
	}
}

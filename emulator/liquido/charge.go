package liquido

import (
	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/scenarios"
)

// run creates a charge.
func (in *chargeRequest) run(s *Server, c *call) answer {
	m := c.m
	// Idempotency: the key is the payment's identity (reference §3, §14
	// GUESS). The same body returns the payment as it stands, with no new
	// side effect — the Magento plugin resends the key on a shopper's retry
	// on purpose — and another body under the same key is a conflict.
	if p, ok := m.payments[in.key]; ok {
		return replay(in.key, p.hash, in.hash, func() answer { return okPayment(p) })
	}
	var fx *proposal
	if in.proposalID != "" {
		q, e := proposalFor(m, in, c.now)
		if e != nil {
			return failed(e)
		}
		fx = q
	}
	var card *storedCard
	switch {
	case in.cardID != "":
		// A saved card is usable by the merchant that saved it only.
		if card = m.cards[in.cardID]; card == nil {
			return failed(errField("cardId", "no card was saved with this cardId"))
		}
	case in.card != nil:
		card = m.shareCard(in.card.stored())
	}
	p := s.newPayment(c, in, card, fx)

	// An expired card fails whatever the scenarios say: it is the card's
	// own state, not an outcome to script.
	if card != nil && expired(card.info.ExpirationMonth, card.info.ExpirationYear, c.now) {
		m.payments[p.Key] = p
		if fx != nil {
			useProposal(fx, p.Key)
		}
		s.setStatus(m, p, StatusFailed, 400, "Card expired", c.now)
		return okPayment(p)
	}
	if !s.decide(c, in.scenarioRequest(card)) {
		return answer{skip: true}
	}
	m.payments[p.Key] = p
	if fx != nil {
		useProposal(fx, p.Key)
	}
	o := c.outcome()
	if o.Fields != nil || o.Callbacks != nil { // as adopt: an empty set is kept, and saved, as it was
		x := p.more()
		x.Overrides, x.CallbackRules = o.Fields, o.Callbacks
	}
	switch {
	case p.isCard():
		s.beginCard(c, p, in, o)
	default:
		s.beginLocal(c, p, in, o)
	}
	return okPayment(p)
}

// scenarioRequest is what the scenario engine matches a charge on. The full
// card number is used for matching only; a saved card is matched by its
// masked number (bin, stars, last four).
func (in *chargeRequest) scenarioRequest(card *storedCard) scenarios.Request {
	r := scenarios.Request{
		Action: string(in.action), Method: in.method, Currency: in.currency, Country: in.country,
		OrderID: in.key, Description: in.description, Phone: in.payerPhone, Amount: amountOf(in.amount), Body: in.body,
	}
	if r.Phone == "" {
		r.Phone = in.nequiPhone
	}
	switch {
	case in.card != nil:
		r.Card = in.card.pan
	case card != nil:
		r.Card = card.masked()
	}
	return r
}

// newPayment builds (but does not store) the payment of a charge.
func (s *Server) newPayment(c *call, in *chargeRequest, card *storedCard, fx *proposal) *Payment {
	m := c.m
	// What payments made alike repeat is shared (shared.go).
	p := &Payment{
		seq: m.nextSeq(), Key: in.key,
		PaymentCommon: m.common(PaymentCommon{Action: in.action, Method: in.method, Flow: in.flow, Currency: in.currency,
			Country: in.country, CallbackURL: in.callbackURL, SubMerchantID: in.subMerchant, Vendor: in.vendor,
			ReturnURL: in.returnURL, baseURL: c.baseURL}), // finalCurrency: priced below
		Amount: in.amount, Captured: in.amount,
		Created: clock.StampAt(c.now), Payer: m.shareRaw(in.payer), OrderInfo: m.shareRaw(in.orderInfo),
		Description: in.description, capture: in.capture, hash: in.hash, card: card,
	}
	if in.params != (testParams{}) || in.link != nil || fx != nil {
		x := p.more()
		x.params, x.link, x.fx = in.params, in.link, fx
	}
	price(m, p)
	if p.isCard() {
		d := &cardDetails{Installments: in.installments}
		if card != nil {
			d.CardInfo = &card.info // the card is never changed, only replaced
		}
		if in.cardID != "" {
			d.CardID = in.cardID // "returned when paid with card ID" (SEED)
		}
		p.Details.Card = d
	}
	return p
}

// price sets finalAmount and finalCurrency from the charged amount: a USD
// pay-in converted to local money (reference §12), and Colombia's 2 %
// CO_IVA_TAX withholding on top for cards of a merchant that withholds, as
// the seed example shows (10000 → 10200). Liquido sets tax withholding up
// per merchant (reference §12); mockpay's built-in default merchant has it
// on, so the seed reproduces, and other merchants have it off unless their
// configuration turns it on (GUESS, as the reference suggests). Caller
// holds m.mu.
func price(m *merchant, p *Payment) {
	withhold := m.cfg.Withholds()
	final, currency := convert(p.Captured, p.Currency, p.Country)
	if p.ex().fx != nil { // at the proposal's quoted rate (proposals.go)
		final, currency = convertAt(p.Captured, p.ex().fx.rate), p.ex().fx.Target
	}
	p.Tax = nil
	if withhold && p.Country == "CO" && p.isCard() {
		withheld := (final*2 + 50) / 100
		p.Tax = &amountDetails{TaxWithholdDetails: taxWithholdDetails{
			TaxRate:        taxRate{ModifierType: "RATE", Type: "CO_IVA_TAX", Rate: 0.02},
			WithholdAmount: withheld,
		}}
		final += withheld
	}
	p.FinalAmount = final
	if p.FinalCurrency != currency { // the merchant's shared PaymentCommon with it
		c := *p.PaymentCommon
		c.FinalCurrency = currency
		p.PaymentCommon = m.common(c)
	}
}

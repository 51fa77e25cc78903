package liquido

import (
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// beginCard starts a card payment: synchronous for DIRECT (reference §16:
// "processed asynchronously except credit card"), waiting on a hosted page
// for 3-D Secure and REDIRECT.
func (s *Server) beginCard(c *call, p *Payment, in *chargeRequest, o scenarios.Outcome) {
	m := c.m
	if in.card != nil && in.country == "MX" {
		// MX: "the response will return a card id" on a first payment with
		// card data (reference §5.2); mockpay saves the card as the vault does.
		p.Details.Card.CardID = m.uuid()
		m.cards[p.Details.Card.CardID] = p.card
		m.cardOrder.Add(p.Details.Card.CardID)
	}
	switch {
	case p.Flow == FlowRedirect && (o.Status == "" || Status(o.Status) == StatusSettled):
		// The payer enters the card on mockpay's hosted page; the outcome
		// is decided then, by the card entered (test cards work there too).
		p.more().page = s.link(m, p, pageCheckout)
		p.Details.Card.PaymentURL = c.baseURL + "/liquido/" + pageCheckout.path() + "/" + p.ex().page
		s.setStatus(m, p, StatusInProgress, 0, "", c.now)
	case in.use3DS:
		// IN_PROGRESS with threeDsRedirectUrl (reference §5.6); approving on
		// the page applies what was decided now — a failure card still
		// fails, after the challenge, as it would at the issuer.
		p.more().page = s.link(m, p, page3DS)
		p.Details.Card.Card3DSInfo = &card3DSInfo{Use3DS: true, MerchantSite3DS: in.site3DS,
			ThreeDSRedirectURL: c.baseURL + "/liquido/" + page3DS.path() + "/" + p.ex().page}
		p.more().pending = &o
		s.setStatus(m, p, StatusInProgress, 0, "", c.now)
	default:
		// Its card details are final: share them (shared.go).
		p.Details.Card = m.shareCardDetails(p.Details.Card)
		s.applyCardOutcome(m, p, o, c.now)
	}
}

// applyCardOutcome carries out a decided card outcome: no status (or
// SETTLED) is a charge that goes through — AUTHORIZED when capture is false
// (reference §5.7) — anything else is the scenario's own status. Caller
// holds m.mu.
func (s *Server) applyCardOutcome(m *merchant, p *Payment, o scenarios.Outcome, now time.Time) {
	st := Status(o.Status)
	if st == "" || st == StatusSettled {
		st = StatusSettled
		if !p.capture {
			st = StatusAuthorized
		}
	}
	s.setStatus(m, p, st, parseCode(o.Code), o.Message, now)
	s.scheduleThen(m, p, o.Then, now)
}

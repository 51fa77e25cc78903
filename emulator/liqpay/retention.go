package liqpay

import "strconv"

// finished reports whether nothing more happens to a payment by itself:
// what retention may forget. A hold, an active subscription or a payment
// waiting for its payer is kept, however old, until it finishes; so is a
// finished payment with scenario steps still to play (a then: reversal an
// hour later), which would otherwise come back to the control plane's list
// when its step fires. An unsubscribed subscription has finished.
func finished(p *Payment) bool {
	switch p.Status {
	case StatusSuccess, StatusFailure, StatusError, StatusReversed, StatusSandbox, StatusUnsubscribed:
	default:
		return false
	}
	plan := p.flow().plan
	return plan == nil || plan.From != p.Status || len(plan.Steps) == 0
}

// Forget drops a finished payment of merchant publicKey, by its payment_id,
// for retention (--retain-payments, --retain-age): afterwards a status or
// refund of it answers as for an unknown payment. It reports whether the
// payment is gone (or was never there); false means it is still in
// progress and kept. Its confirm token and invoice token go with it, from
// the shop and from the server's page tokens, so memory really drops.
func (s *Server) Forget(publicKey, paymentID string) bool {
	sh := s.shop(publicKey)
	id, err := strconv.ParseInt(paymentID, 10, 64)
	if sh == nil || err != nil {
		return true
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p := sh.byID[id]
	if p == nil {
		return true
	}
	if !finished(p) {
		return false
	}
	delete(sh.byID, id)
	if sh.byOrder[p.OrderID] == p {
		delete(sh.byOrder, p.OrderID)
	}
	if p.Token != "" && sh.byToken[p.Token] == p {
		delete(sh.byToken, p.Token)
	}
	if p.Invoice != nil && sh.invoices[p.Invoice.Token] == p {
		delete(sh.invoices, p.Invoice.Token)
	}
	s.mu.Lock() // lock order: the shop before s.mu
	defer s.mu.Unlock()
	for _, tok := range []string{p.Token, invoiceToken(p)} {
		if tok != "" && s.tokens[tok] == sh && sh.byToken[tok] == nil && sh.invoices[tok] == nil {
			delete(s.tokens, tok)
		}
	}
	return true
}

func invoiceToken(p *Payment) string {
	if p.Invoice == nil {
		return ""
	}
	return p.Invoice.Token
}

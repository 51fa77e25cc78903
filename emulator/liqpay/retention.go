package liqpay

import "strconv"

// finished reports whether nothing more happens to a payment by itself:
// what retention may forget. A hold, a subscription or a payment waiting
// for its payer is kept, however old, until it finishes.
func finished(st Status) bool {
	switch st {
	case StatusSuccess, StatusFailure, StatusError, StatusReversed, StatusSandbox:
		return true
	}
	return false
}

// Forget drops a finished payment of merchant publicKey, by its payment_id,
// for retention (--retain-payments, --retain-age): afterwards a status or
// refund of it answers as for an unknown payment. It reports whether the
// payment is gone (or was never there); false means it is still in
// progress and kept.
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
	if !finished(p.Status) {
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
	return true
}

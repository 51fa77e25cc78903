package liquido

// Forget drops a payment of merchant clientID in a final status, by its
// idempotencyKey, for retention (--retain-payments, --retain-age):
// afterwards retrieving or refunding it answers as for an unknown payment,
// and the key can be used again. It reports whether the record is gone (or
// was never there); false means it is kept: a payment still in progress,
// or a payout or payment link (kind), which retention leaves alone.
// Refunds of a forgotten payment stay until a reset.
func (s *Server) Forget(clientID, key, kind string) bool {
	if kind != "" {
		return false
	}
	m := s.merchantFor(clientID)
	if m == nil {
		return true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.payments[key]
	if p == nil {
		return true
	}
	if !p.Status.final() {
		return false
	}
	delete(m.payments, key)
	return true
}

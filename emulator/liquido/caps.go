package liquido

import "github.com/mockpay/mockpay/internal/capped"

// TrimStores bounds what a merchant's traffic fills besides payments,
// payouts and payment links (which retention forgets through the ledger,
// Forget): vaulted cards (the vault, and an MX card charge's cardId), FX
// proposals, PayCash references and virtual accounts are kept up to max of
// each per merchant (--retain-payments; 0: no cap), the oldest going
// first. As for payments, what may still be used is kept however old: a
// proposal not yet expired nor used, or used by a payment still stored (a
// state file saves the payment with it), and a reference still ACTIVE. Forgotten
// ones answer as unknown ones (a charge with a forgotten cardId or
// proposalId is refused as with a made-up one). It reports how many went.
func (s *Server) TrimStores(max int) int {
	n := 0
	for _, m := range s.merchantList() {
		n += s.trimMerchant(m, max)
	}
	return n
}

func (s *Server) trimMerchant(m *merchant, max int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.tenant.Clock.Now()
	n := capped.Trim(&m.cardOrder, m.cards, max, nil, nil)
	n += capped.Trim(&m.proposalOrder, m.proposals, max, func(_ string, q *proposal) bool {
		if q.usedBy != "" {
			return m.payments[q.usedBy] != nil
		}
		return now.Before(q.Expires)
	}, nil)
	var pages []string
	n += capped.Trim(&m.referenceOrder, m.references, max, func(_ string, ref *reference) bool {
		return ref.Status == StatusActive
	}, func(_ string, ref *reference) {
		m.disarm(ref.expire)
		pages = append(pages, ref.page)
	})
	n += capped.Trim(&m.accountOrder, m.accounts, max, nil, nil)
	if len(pages) > 0 {
		s.unlinkTokens(m, pages)
	}
	return n
}

package liquido

import (
	"bytes"
	"encoding/json"
)

// Render answers the ledger's question for one of its records: the
// payment, payout or open payment link (by kind, as publish named it) as a
// retrieve call would answer it, or nil when the merchant holds it no
// more. The ledger calls it without its own lock held, so taking the
// merchant's lock here cannot deadlock with publish.
func (s *Server) Render(tenant, merchant, id, kind string) json.RawMessage {
	m := s.merchantFor(merchant)
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tenant.ID != tenant {
		return nil
	}
	var b []byte
	switch kind {
	case "":
		if p := m.payments[id]; p != nil {
			b = p.encoded()
		}
	case "payout":
		if po := m.payouts[id]; po != nil {
			b = po.encoded()
		}
	case "payment_link":
		if l := m.links[id]; l != nil {
			b = l.encoded()
		}
	}
	if b == nil {
		return nil
	}
	return bytes.TrimSpace(b) // cardInfo never holds the number or the CVC
}

package liquido

import "github.com/mockpay/mockpay/internal/clock"

// Forget drops a record of merchant clientID for retention
// (--retain-payments, --retain-age), by its ledger id and kind: a payment
// ("", by idempotencyKey) with its refunds, a payout ("payout", by
// idempotencyKey) or a payment link nobody paid ("payment_link", by
// linkId). Afterwards retrieving it answers as for an unknown one, its
// keys (the refunds' too) can be used again, and its hosted pages and
// files are gone. A link's charge takes its link with it, and the link's
// page.
//
// It reports whether the record is gone (or was never there); false means
// it is still live and kept, as LiqPay keeps a payment in progress: a
// payment not in a final status, or with a refund in progress, or with
// scenario steps still to play; a payout IN_PROGRESS or with its return
// (SETTLED_THEN_REJECTED) still to come; a link still waiting for its payer
// or for its refund.
//
// gone, if not nil, runs under the merchant's lock once the record is
// forgotten: the ledger forgets it there, before a new request can use the
// freed key again and publish a new record under the same id.
func (s *Server) Forget(clientID, key, kind string, gone func()) (forgotten bool) {
	m := s.merchantFor(clientID)
	if m == nil {
		if gone != nil {
			gone()
		}
		return true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if gone != nil {
		defer func() {
			if forgotten {
				gone()
			}
		}()
	}
	var tokens []string
	switch kind {
	case "":
		p := m.payments[key]
		if p == nil {
			return true
		}
		if m.livePayment(p) || (p.ex().link != nil && liveLink(p.ex().link)) {
			return false
		}
		tokens = m.forgetPayment(p)
	case "payout":
		po := m.payouts[key]
		if po == nil {
			return true
		}
		if m.livePayout(po) {
			return false
		}
		m.disarm(po.timer)
		delete(m.payouts, key)
	case "payment_link":
		l := m.links[key]
		if l == nil {
			return true
		}
		if p := l.payment; p != nil {
			// Its charge took the record over (the ledger's kind may lag).
			if m.livePayment(p) || liveLink(l) {
				return false
			}
			tokens = m.forgetPayment(p)
			break
		}
		if liveLink(l) {
			return false
		}
		tokens = m.forgetLink(l)
	default:
		return false // a kind this emulator does not know: keep it
	}
	s.unlinkTokens(m, tokens)
	return true
}

// livePayment reports whether something may still happen to p by itself
// or through a refund: what retention must keep. Caller holds m.mu.
func (m *merchant) livePayment(p *Payment) bool {
	if !p.Status.final() || p.ex().plan.live(p.Status) != nil {
		return true
	}
	for _, r := range p.ex().refunds {
		if r.Status == StatusInProgress || r.plan.live(r.Status) != nil {
			return true
		}
	}
	return false
}

// livePayout reports whether a payout may still change: in progress, or
// settled with its return still armed. Caller holds m.mu.
func (m *merchant) livePayout(po *Payout) bool {
	if po.Status != StatusSettled && po.Status != StatusRejected {
		return true
	}
	return m.armed(po.timer)
}

// liveLink reports whether a payment link still waits for its payer or for
// its refund.
func liveLink(l *PaymentLink) bool {
	return !l.Status.final() || l.RefundStatus == StatusInProgress
}

// forgetPayment drops p, its refunds and the link it pays from the books,
// and returns the page tokens that named them. Caller holds m.mu.
func (m *merchant) forgetPayment(p *Payment) []string {
	for _, r := range p.ex().refunds {
		if m.refunds[r.Key] == r {
			delete(m.refunds, r.Key)
		}
		m.disarm(r.finalize)
	}
	m.disarm(p.ex().finalize)
	if m.payments[p.Key] == p {
		delete(m.payments, p.Key)
	}
	tokens := []string{p.ex().page, p.ex().pdf}
	if p.ex().link != nil {
		tokens = append(tokens, m.forgetLink(p.ex().link)...)
	}
	return tokens
}

// forgetLink drops a payment link; its page's token is its linkId.
// Caller holds m.mu.
func (m *merchant) forgetLink(l *PaymentLink) []string {
	m.disarm(l.expiry)
	if m.links[l.ID] == l {
		delete(m.links, l.ID)
	}
	return []string{l.ID}
}

// armed reports whether t is a timer of the books still to fire.
// Caller holds m.mu.
func (m *merchant) armed(t *clock.Timer) bool {
	if t == nil {
		return false
	}
	_, ok := m.timers[t]
	return ok
}

// disarm stops t and takes it off the books' timer set, where a stopped
// timer would otherwise stay until a reset. Caller holds m.mu.
func (m *merchant) disarm(t *clock.Timer) {
	if t == nil {
		return
	}
	t.Stop()
	delete(m.timers, t)
}

// unlinkTokens drops the page and file tokens of a forgotten record, those
// still naming m. Caller holds m.mu (lock order: merchant before s.mu).
func (s *Server) unlinkTokens(m *merchant, tokens []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tok := range tokens {
		if l, ok := s.links[tok]; ok && tok != "" && l.m == m {
			delete(s.links, tok)
		}
	}
}

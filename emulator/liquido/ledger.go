package liquido

import (
	"bytes"
	"time"

	"github.com/mockpay/mockpay/internal/ledger"
)

// publish hands the payment, as a retrieve call would answer it, to the
// control plane's ledger. Caller holds m.mu; setStatus and setRefundStatus
// call it, so every new payment and every change (a refund moves its
// payment to REFUNDING or REFUNDED) arrives there.
func (s *Server) publish(m *merchant, p *Payment, now time.Time) {
	if s.opts.Ledger == nil {
		return
	}
	s.record(m, ledger.Record{
		ID:       p.Key,
		OrderID:  p.Key,
		Status:   string(p.Status),
		Amount:   p.Amount,
		Currency: p.Currency,
		Created:  p.Created.Time(),
		Updated:  now,
		Payment:  wanted(s, m, p.encoded), // cardInfo never holds the number or the CVC
	})
}

// publishPayout hands a payout to the ledger as kind "payout", so the
// control plane lists it and await sees it settle: setPayoutStatus calls
// it on every change. Caller holds m.mu.
func (s *Server) publishPayout(m *merchant, po *Payout, now time.Time) {
	if s.opts.Ledger == nil {
		return
	}
	s.record(m, ledger.Record{
		ID:       po.Key,
		OrderID:  po.Key,
		Status:   string(po.Status),
		Kind:     "payout",
		Amount:   po.Amount,
		Currency: po.Currency,
		Created:  po.Created,
		Updated:  now,
		Payment:  wanted(s, m, po.encoded),
	})
}

// publishLink hands a payment link nobody has started paying to the ledger
// as kind "payment_link", under its linkId, so the control plane lists an
// open link and await sees it expire. Once the payer chooses a method the
// link's charge, whose idempotencyKey is the linkId, takes the record over
// (setStatus publishes it), continuing the same history. Caller holds m.mu.
func (s *Server) publishLink(m *merchant, l *PaymentLink, now time.Time) {
	if s.opts.Ledger == nil || l.payment != nil {
		return
	}
	s.record(m, ledger.Record{
		ID:       l.ID,
		OrderID:  l.ID,
		Status:   string(l.Status),
		Kind:     "payment_link",
		Amount:   l.Amount,
		Currency: l.Currency,
		Created:  l.Created,
		Updated:  now,
		Payment:  wanted(s, m, l.encoded),
	})
}

// wanted is a payment's JSON for the ledger's live feed, or nil when no
// one subscribes to the merchant's events (ledger.WantsPayment): encoding
// it on every change for no one was a large part of a charge's work.
func wanted(s *Server, m *merchant, encoded func() []byte) []byte {
	if !ledger.WantsPayment(s.opts.Ledger, m.tenant.ID) {
		return nil
	}
	return bytes.TrimSpace(encoded())
}

// record hands one record to the ledger under the merchant's names. The
// callers check for a ledger first, so nothing is encoded for none.
func (s *Server) record(m *merchant, rec ledger.Record) {
	rec.Provider, rec.Merchant, rec.Tenant = "liquido", m.cfg.ClientID, m.tenant.ID
	s.opts.Ledger.Publish(rec)
}

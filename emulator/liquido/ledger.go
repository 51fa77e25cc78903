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
	s.opts.Ledger.Publish(ledger.Record{
		Provider: "liquido",
		Merchant: m.cfg.ClientID,
		Tenant:   m.tenant.ID,
		ID:       p.Key,
		OrderID:  p.Key,
		Status:   string(p.Status),
		Amount:   p.Amount,
		Currency: p.Currency,
		Created:  p.Created,
		Updated:  now,
		Payment:  bytes.TrimSpace(p.encoded()), // cardInfo never holds the number or the CVC
	})
}

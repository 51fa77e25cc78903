package liqpay

import (
	"bytes"
	"strconv"

	"github.com/mockpay/mockpay/internal/ledger"
)

// publish hands the payment, as a status call would answer it, to the
// control plane's ledger. Caller holds sh.mu; changed calls it, so every new
// payment and every change arrives there.
func (s *Server) publish(sh *shop, p *Payment) {
	if s.opts.Ledger == nil {
		return
	}
	var payment []byte
	if ledger.WantsPayment(s.opts.Ledger, sh.tenant.ID) {
		payment = bytes.TrimSpace(encode(p.wire("ok"))) // the card is already masked on the payment
	}
	s.opts.Ledger.Publish(ledger.Record{
		Provider: "liqpay",
		Merchant: sh.merchant.PublicKey,
		Tenant:   sh.tenant.ID,
		ID:       strconv.FormatInt(p.ID, 10),
		OrderID:  p.OrderID,
		Status:   string(p.Status),
		Amount:   int64(p.Amount),
		Currency: p.Currency,
		Created:  p.Created.Time(),
		Updated:  sh.tenant.Clock.Now(),
		Payment:  payment,
	})
}

package liqpay

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Render answers the ledger's question for one of its records (a payment
// by payment_id): the payment as a status call would answer it, or nil
// when the shop holds it no more. The ledger calls it without its own
// lock held, so taking the shop's lock here cannot deadlock with publish.
func (s *Server) Render(tenant, merchant, id, _ string) json.RawMessage {
	sh := s.shop(merchant)
	n, err := strconv.ParseInt(id, 10, 64)
	if sh == nil || err != nil {
		return nil
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p := sh.byID[n]
	if p == nil || sh.tenant.ID != tenant {
		return nil
	}
	return bytes.TrimSpace(encode(p.wire("ok"))) // the card is already masked on the payment
}

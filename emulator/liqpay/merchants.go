package liqpay

import (
	"fmt"
	"slices"

	"github.com/mockpay/mockpay/internal/config"
)

// Shops come from the configuration and, at run time, from the control
// plane (POST /_mockpay/merchants), which also removes and resets them.
// Lock order, as everywhere in the emulator: a shop's mu before s.mu.

// Merchant reports a shop's configuration.
func (s *Server) Merchant(publicKey string) (config.LiqPayMerchant, bool) {
	sh := s.shop(publicKey)
	if sh == nil {
		return config.LiqPayMerchant{}, false
	}
	return sh.merchant, true
}

// AddMerchant starts serving a new shop; its public_key must be unused.
func (s *Server) AddMerchant(m config.LiqPayMerchant) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.shops[m.PublicKey]; dup {
		return fmt.Errorf("liqpay public_key %q is already in use", m.PublicKey)
	}
	s.shops[m.PublicKey] = newShop(s.opts.Tenants.Add("liqpay", m.PublicKey), m)
	s.opts.Merchants = append(s.opts.Merchants, m)
	return nil
}

// RemoveMerchant stops serving a shop: requests signed with its keys get
// "public_key not found", its pages (3-D Secure, checkout, payer pages) are
// gone at once and none of its timers fires again. The caller removes its
// tenant and callbacks. It reports whether there was one.
func (s *Server) RemoveMerchant(publicKey string) bool {
	s.mu.Lock()
	sh := s.shops[publicKey]
	if sh == nil {
		s.mu.Unlock()
		return false
	}
	delete(s.shops, publicKey)
	s.opts.Merchants = slices.DeleteFunc(s.opts.Merchants, func(m config.LiqPayMerchant) bool { return m.PublicKey == publicKey })
	s.mu.Unlock()
	s.forget(sh)
	return true
}

// ResetMerchant forgets everything a shop holds — payments, order ids,
// subscriptions, secured payments, invoices and other payer pages, card
// tokens, registers, checkout sessions — stops every timer its payments
// armed (subscription periods, letter_of_credit_date, hold expiry,
// verification deadlines, expired_date, scenario steps) and restarts its
// payment ids and generated values, as a freshly started shop. Its clock
// and callbacks are the caller's to reset. It reports whether the shop
// exists.
func (s *Server) ResetMerchant(publicKey string) bool {
	sh := s.shop(publicKey)
	if sh == nil {
		return false
	}
	s.forget(sh)
	sh.mu.Lock()
	sh.tenant.Reseed()
	sh.mu.Unlock()
	return true
}

// forget replaces a shop's books with fresh ones, stops the old books'
// timers and drops every page token and checkout session of the shop. Taking s.mu after sh.mu
// keeps the emulator's lock order.
func (s *Server) forget(sh *shop) {
	sh.mu.Lock()
	old := sh.books
	sh.books = newBooks()
	old.stopTimers()
	s.mu.Lock()
	s.dropTokens(sh)
	s.mu.Unlock()
	sh.mu.Unlock()
	s.checkouts.drop(sh)
}

// dropTokens forgets the page tokens of sh (3-D Secure, payer pages,
// registers); caller holds s.mu.
func (s *Server) dropTokens(sh *shop) {
	for token, owner := range s.tokens {
		if owner == sh {
			delete(s.tokens, token)
		}
	}
}

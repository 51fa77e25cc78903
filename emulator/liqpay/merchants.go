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
// "public_key not found" and its 3-D Secure pages are gone at once. The
// caller removes its tenant and callbacks. It reports whether there was one.
func (s *Server) RemoveMerchant(publicKey string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shops[publicKey]
	if sh == nil {
		return false
	}
	delete(s.shops, publicKey)
	s.opts.Merchants = slices.DeleteFunc(s.opts.Merchants, func(m config.LiqPayMerchant) bool { return m.PublicKey == publicKey })
	s.dropTokens(sh)
	return true
}

// ResetMerchant forgets a shop's payments, order ids, confirm tokens and
// card tokens, and restarts its payment ids and generated values, as a
// freshly started shop. Its clock and callbacks are the caller's to reset.
// It reports whether the shop exists.
func (s *Server) ResetMerchant(publicKey string) bool {
	sh := s.shop(publicKey)
	if sh == nil {
		return false
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	fresh := newShop(sh.tenant, sh.merchant)
	sh.byOrder, sh.byID, sh.byToken, sh.cardTokens, sh.nextID = fresh.byOrder, fresh.byID, fresh.byToken, fresh.cardTokens, fresh.nextID
	sh.tenant.Reseed()
	s.mu.Lock()
	s.dropTokens(sh)
	s.mu.Unlock()
	return true
}

// dropTokens forgets the 3-D Secure tokens of sh; caller holds s.mu.
func (s *Server) dropTokens(sh *shop) {
	for token, owner := range s.tokens {
		if owner == sh {
			delete(s.tokens, token)
		}
	}
}

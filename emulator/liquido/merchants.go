package liquido

import (
	"fmt"
	"slices"

	"github.com/mockpay/mockpay/internal/config"
)

// Merchants come from the configuration and, at run time, from the control
// plane (POST /_mockpay/merchants), which also removes and resets them.

// merchantFor finds a merchant by client_id.
func (s *Server) merchantFor(clientID string) *merchant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byClientID[clientID]
}

// merchantList copies the merchant set, so callers can take each
// merchant's lock without holding s.mu (lock order: merchant before s.mu).
func (s *Server) merchantList() []*merchant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.merchants)
}

// Merchant reports a merchant's configuration.
func (s *Server) Merchant(clientID string) (config.LiquidoMerchant, bool) {
	m := s.merchantFor(clientID)
	if m == nil {
		return config.LiquidoMerchant{}, false
	}
	return m.cfg, true
}

// AddMerchant starts serving a new merchant. Its client_id and api_key must
// be unused: the api_key alone names the merchant in some lookups.
func (s *Server) AddMerchant(mc config.LiquidoMerchant) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.byClientID[mc.ClientID]; dup {
		return fmt.Errorf("liquido client_id %q is already in use", mc.ClientID)
	}
	for _, m := range s.merchants {
		if m.cfg.APIKey == mc.APIKey {
			return fmt.Errorf("liquido api_key of %q is already in use", mc.ClientID)
		}
	}
	m := newMerchant(s.opts.Tenants.Add("liquido", mc.ClientID), mc)
	s.merchants = append(s.merchants, m)
	s.byClientID[mc.ClientID] = m
	return nil
}

// RemoveMerchant stops serving a merchant: its access tokens, pages and
// files stop working at once, and its timers are stopped (merchant.reset),
// so nothing of it settles or calls back later. The caller removes its
// tenant and callbacks. It reports whether there was one.
func (s *Server) RemoveMerchant(clientID string) bool {
	s.mu.Lock()
	m := s.byClientID[clientID]
	if m == nil {
		s.mu.Unlock()
		return false
	}
	delete(s.byClientID, clientID)
	s.merchants = slices.DeleteFunc(s.merchants, func(x *merchant) bool { return x == m })
	s.dropLinks(m)
	s.mu.Unlock()
	// Lock order: the merchant's mu is never taken under s.mu.
	m.mu.Lock()
	m.reset()
	m.mu.Unlock()
	return true
}

// ResetMerchant forgets everything a merchant's API calls made: its books
// (books.go: payments, refunds, vaulted cards, payment links, payouts, FX
// proposals, PayCash references, virtual accounts — and with them the
// idempotency keys, which are checked against those), stops every timer
// they armed, drops the tokens of its pages and files, and restarts its
// generated ids. Access tokens stay valid: they are credentials, not state.
// Its clock and callbacks are the caller's to reset. It reports whether
// the merchant exists.
func (s *Server) ResetMerchant(clientID string) bool {
	m := s.merchantFor(clientID)
	if m == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reset()
	s.mu.Lock() // lock order: merchant before s.mu
	s.dropLinks(m)
	s.mu.Unlock()
	return true
}

// dropLinks forgets every page and file link of m; caller holds s.mu.
func (s *Server) dropLinks(m *merchant) {
	for token, l := range s.links {
		if l.m == m {
			delete(s.links, token)
		}
	}
}

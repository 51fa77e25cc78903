package liqpay

import "github.com/mockpay/mockpay/internal/capped"

// MaxRegisters caps the compensation files (reports_compensation_file) a
// shop keeps: each holds a whole CSV file, so the cap is a small one of its
// own rather than the retained payment count. The oldest go first; a
// forgotten register_token answers as an unknown one.
const MaxRegisters = 100

// TrimStores bounds what a shop's traffic fills besides payments, for
// retention: card tokens (token_create and recurringbytoken=1) and
// token_create_unique's card fingerprints are kept up to max per shop
// (--retain-payments; 0: no cap), compensation files up to MaxRegisters.
// The oldest go first; a forgotten card_token answers as a deleted one
// (code 108, "token does not exist"). It reports how many entries went.
func (s *Server) TrimStores(max int) int {
	s.mu.RLock()
	shops := make([]*shop, 0, len(s.shops))
	for _, sh := range s.shops {
		shops = append(shops, sh)
	}
	s.mu.RUnlock()
	n := 0
	for _, sh := range shops {
		n += s.trimShop(sh, max)
	}
	return n
}

func (s *Server) trimShop(sh *shop, max int) int {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	n := capped.Trim(&sh.tokenOrder, sh.cardTokens, max, nil, func(tok string, _ card) {
		delete(sh.tokens.state, tok)
	})
	// A fingerprint whose token is gone is what goes first.
	n += capped.Trim(&sh.uniqueOrder, sh.tokens.unique, max, func(_, tok string) bool {
		_, held := sh.cardTokens[tok]
		return held
	}, nil)
	var files []string
	n += capped.Trim(&sh.registerOrder, sh.registers, MaxRegisters, nil, func(tok string, _ []byte) {
		files = append(files, tok)
	})
	if len(files) > 0 {
		s.mu.Lock() // lock order: the shop before s.mu
		for _, tok := range files {
			if s.tokens[tok] == sh {
				delete(s.tokens, tok)
			}
		}
		s.mu.Unlock()
	}
	return n
}

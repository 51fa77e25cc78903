package liquido

import "sync"

// A client sends the same access token with every request until it
// expires, and verifying it — two base64 and two JSON decodes and an HMAC
// — was 4 % of a card charge's CPU and a tenth of its allocations
// (docs/benchmarks.md). verifiedTokens remembers the tokens that verified,
// with the merchant they verified against: a token is taken from it only
// while that same merchant (the same key) still serves its client_id, so a
// merchant removed or re-created verifies afresh. What verification does
// not check (expiry, against the merchant's clock) is checked by the caller
// every time, as before.
type verifiedTokens struct {
	mu   sync.RWMutex
	byID map[string]verifiedToken
}

type verifiedToken struct {
	m  *merchant
	cl claims
}

// maxVerifiedTokens bounds the memory: when full, it starts over.
const maxVerifiedTokens = 1024

func (v *verifiedTokens) get(token string) (verifiedToken, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	t, ok := v.byID[token]
	return t, ok
}

func (v *verifiedTokens) put(token string, t verifiedToken) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.byID == nil || len(v.byID) >= maxVerifiedTokens {
		v.byID = make(map[string]verifiedToken)
	}
	v.byID[token] = t
}

package control

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"sync"
)

// Tokens are the merchant-scoped control-plane tokens handed out by
// POST /_mockpay/merchants. A token covers the merchants created together
// (a LiqPay key, a Liquido client_id, or both); it stops working when they
// are all deleted.
type Tokens struct {
	mu     sync.RWMutex
	scopes map[string][]string // token → merchant keys
}

// NewTokens returns an empty set of tokens.
func NewTokens() *Tokens { return &Tokens{scopes: map[string][]string{}} }

// Issue makes a fresh token for the given merchant keys.
func (t *Tokens) Issue(keys ...string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported systems
	token := "mpt_" + hex.EncodeToString(b)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scopes[token] = slices.Clone(keys)
	return token
}

// Scope reports the merchant keys a token covers.
func (t *Tokens) Scope(token string) ([]string, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	keys, ok := t.scopes[token]
	return keys, ok
}

// Forget removes a merchant key from every token; a token left covering
// nothing is revoked.
func (t *Tokens) Forget(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for token, keys := range t.scopes {
		keys = slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == key })
		if len(keys) == 0 {
			delete(t.scopes, token)
			continue
		}
		t.scopes[token] = keys
	}
}

// Snapshot copies every token with its merchants (--state-file).
func (t *Tokens) Snapshot() map[string][]string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make(map[string][]string, len(t.scopes))
	for token, keys := range t.scopes {
		out[token] = slices.Clone(keys)
	}
	return out
}

// Restore adds saved tokens back.
func (t *Tokens) Restore(saved map[string][]string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for token, keys := range saved {
		t.scopes[token] = slices.Clone(keys)
	}
}

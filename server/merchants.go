package server

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/control"
)

// policies holds each merchant's callback retry policy, by key; merchants
// made at run time add theirs while callbacks are being sent.
type policies struct {
	mu sync.RWMutex
	m  map[string]callback.Policy
}

func newPolicies() *policies { return &policies{m: map[string]callback.Policy{}} }

func (p *policies) get(key string) callback.Policy {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.m[key]
}

func (p *policies) set(key string, pol callback.Policy) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[key] = pol
}

func (p *policies) forget(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, key)
}

// made is a merchant created through the control plane.
type made struct {
	provider string
	policy   *control.PolicySpec
}

// merchants implements control.MerchantStore over both emulators.
type merchants struct {
	s *Server

	mu   sync.Mutex
	made map[string]made // by "provider:key", what the API made
	// making counts merchants being made by requests in flight, so that
	// concurrent requests cannot together pass --max-merchants.
	making int
}

// tooMany answers a request that would pass --max-merchants.
func tooMany(held, limit, want int) error {
	return fmt.Errorf("mockpay holds %d merchants made with POST /_mockpay/merchants, and this request would make %d more, past --max-merchants (%d): delete some with DELETE /_mockpay/merchants/{key}, or raise the limit", held, want, limit)
}

// reserve counts n merchants about to be made against --max-merchants.
func (ms *merchants) reserve(n int) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if limit := ms.s.cfg.MaxMerchants; limit > 0 && len(ms.made)+ms.making+n > limit {
		return tooMany(len(ms.made)+ms.making, limit, n)
	}
	ms.making += n
	return nil
}

// CreateMerchants makes fresh credentials for the providers the spec names,
// with their policy and scenario set, and a token scoped to them.
func (ms *merchants) CreateMerchants(spec control.MerchantSpec) (control.Created, error) {
	s := ms.s
	n := 0
	if spec.LiqPay != nil {
		n++
	}
	if spec.Liquido != nil {
		n++
	}
	if err := ms.reserve(n); err != nil {
		return control.Created{}, err
	}
	reserved := true
	defer func() {
		if reserved {
			ms.mu.Lock()
			ms.making -= n
			ms.mu.Unlock()
		}
	}()
	cb := s.cfg.Callbacks
	if spec.Callbacks != nil {
		d, _ := spec.Callbacks.Parse() // checked by the handler
		cb = cb.For(overrides(d))
	}
	pol := policy(cb)
	var out control.Created
	var keys []string
	if spec.LiqPay != nil {
		m := config.LiqPayMerchant{ServerURL: spec.LiqPay.ServerURL}
		var err error
		for range 5 { // a clash of 11 random digits is unlikely; retry it anyway
			m.PublicKey = "sandbox_i" + randomString(digits, 11)
			m.PrivateKey = "sandbox_" + randomString(alnum, 40)
			if err = s.liqpay.AddMerchant(m); err == nil {
				break
			}
		}
		if err != nil {
			return out, err
		}
		s.liqpayPolicies.set(m.PublicKey, pol)
		keys = append(keys, m.PublicKey)
		out.LiqPay = &control.Merchant{Provider: "liqpay", Merchant: m.PublicKey, Source: "api",
			PublicKey: m.PublicKey, PrivateKey: m.PrivateKey, ServerURL: m.ServerURL, Callbacks: policyJSON(cb)}
	}
	if spec.Liquido != nil {
		tax := spec.Liquido.TaxWithholding
		m := config.LiquidoMerchant{CallbackURL: spec.Liquido.CallbackURL, TaxWithholding: &tax}
		var err error
		for range 5 {
			// Shaped like Liquido's: a Cognito app client id and secret,
			// an API Gateway key (reference liquido.md §2).
			m.ClientID = randomString(lowerAlnum, 26)
			m.ClientSecret = randomString(lowerAlnum, 52)
			m.APIKey = randomString(alnum, 40)
			if err = s.liquido.AddMerchant(m); err == nil {
				break
			}
		}
		if err != nil {
			ms.undo(keys)
			return out, err
		}
		s.liquidoPolicies.set(m.ClientID, pol)
		keys = append(keys, m.ClientID)
		out.Liquido = &control.Merchant{Provider: "liquido", Merchant: m.ClientID, Source: "api",
			ClientID: m.ClientID, ClientSecret: m.ClientSecret, APIKey: m.APIKey, CallbackURL: m.CallbackURL,
			TaxWithholding: &tax, Callbacks: policyJSON(cb)}
	}
	ms.mu.Lock()
	ms.making -= n
	reserved = false
	if out.LiqPay != nil {
		ms.made["liqpay:"+out.LiqPay.Merchant] = made{provider: "liqpay", policy: spec.Callbacks}
	}
	if out.Liquido != nil {
		ms.made["liquido:"+out.Liquido.Merchant] = made{provider: "liquido", policy: spec.Callbacks}
	}
	ms.mu.Unlock()
	if spec.ScenarioSet != nil {
		for _, k := range keys {
			set := spec.ScenarioSet()
			set.Merchant = k
			s.scenarios.Put(set)
		}
	}
	out.Token = s.tokens.Issue(keys...)
	return out, nil
}

// undo removes merchants made by a request that then failed.
func (ms *merchants) undo(keys []string) {
	for _, k := range keys {
		_ = ms.DeleteMerchant(k)
	}
}

// ListMerchants lists the configured merchants, then those the API made.
func (ms *merchants) ListMerchants() []control.Merchant {
	s := ms.s
	ms.mu.Lock()
	defer ms.mu.Unlock()
	var out []control.Merchant
	for _, key := range s.liqpay.Merchants() {
		m, ok := s.liqpay.Merchant(key)
		if !ok {
			continue
		}
		cb := s.cfg.Callbacks.For(m.Callbacks)
		out = append(out, control.Merchant{Provider: "liqpay", Merchant: key, Source: ms.source("liqpay", key),
			PublicKey: m.PublicKey, PrivateKey: m.PrivateKey, ServerURL: m.ServerURL, Callbacks: policyJSON(ms.policy("liqpay", key, cb))})
	}
	for _, key := range s.liquido.Merchants() {
		m, ok := s.liquido.Merchant(key)
		if !ok {
			continue
		}
		tax := m.Withholds()
		cb := s.cfg.Callbacks.For(m.Callbacks)
		out = append(out, control.Merchant{Provider: "liquido", Merchant: key, Source: ms.source("liquido", key),
			ClientID: m.ClientID, ClientSecret: m.ClientSecret, APIKey: m.APIKey, CallbackURL: m.CallbackURL,
			TaxWithholding: &tax, Callbacks: policyJSON(ms.policy("liquido", key, cb))})
	}
	return out
}

// source tells how a merchant came to be; caller holds ms.mu.
func (ms *merchants) source(provider, key string) string {
	if _, ok := ms.made[provider+":"+key]; ok {
		return "api"
	}
	for _, m := range ms.s.cfg.LiqPay.Merchants {
		if provider == "liqpay" && m.PublicKey == key {
			return "config"
		}
	}
	for _, m := range ms.s.cfg.Liquido.Merchants {
		if provider == "liquido" && m.ClientID == key {
			return "config"
		}
	}
	return "default" // the built-in default merchants
}

// policy is the policy of a merchant the API made, or cb; caller holds ms.mu.
func (ms *merchants) policy(provider, key string, cb config.Callbacks) config.Callbacks {
	if m, ok := ms.made[provider+":"+key]; ok && m.policy != nil {
		d, _ := m.policy.Parse()
		return ms.s.cfg.Callbacks.For(overrides(d))
	}
	return cb
}

// DeleteMerchant removes a merchant the API made, under every provider
// that has the key: first its state (every reset part), then the merchant
// itself, its tenant, scenario set, policy and its place in tokens.
func (ms *merchants) DeleteMerchant(key string) error {
	s := ms.s
	ms.mu.Lock()
	var found []string
	configured := false
	for _, provider := range []string{"liqpay", "liquido"} {
		if _, ok := ms.made[provider+":"+key]; ok {
			found = append(found, provider)
			delete(ms.made, provider+":"+key)
		} else if _, ok := s.tenants.Get(provider, key); ok {
			configured = true
		}
	}
	ms.mu.Unlock()
	if len(found) == 0 {
		if configured {
			return control.ErrConfigured
		}
		return control.ErrNoMerchant
	}
	for _, provider := range found {
		id := provider + ":" + key
		switch provider {
		case "liqpay":
			s.liqpay.RemoveMerchant(key)
			s.liqpayPolicies.forget(key)
		case "liquido":
			s.liquido.RemoveMerchant(key)
			s.liquidoPolicies.forget(key)
		}
		for _, p := range s.resetParts {
			p.ResetTenant(id)
		}
		s.tenants.Remove(provider, key)
	}
	s.scenarios.Delete("merchant", key)
	s.tokens.Forget(key)
	return nil
}

// overrides turns a parsed policy into the configuration's override form.
func overrides(d control.PolicyDurations) *config.Callbacks {
	o := &config.Callbacks{Timeout: config.Duration(d.Timeout)}
	if !d.KeepBackoff {
		o.Backoff = make([]config.Duration, len(d.Backoff))
		for i, b := range d.Backoff {
			o.Backoff[i] = config.Duration(b)
		}
	}
	return o
}

func policyJSON(c config.Callbacks) *control.PolicySpec {
	out := &control.PolicySpec{Timeout: c.Timeout.Std().String(), Backoff: []string{}}
	for _, d := range c.Backoff {
		out.Backoff = append(out.Backoff, time.Duration(d).String())
	}
	return out
}

const (
	digits     = "0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// randomString draws n characters of alphabet from crypto/rand: merchant
// keys must not repeat between runs or parallel jobs, whatever the seed.
// (The modulo's slight bias does not matter for test credentials.)
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported systems
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

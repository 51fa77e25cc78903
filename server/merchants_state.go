package server

import (
	"encoding/json"
	"fmt"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/control"
)

// merchantsState is what --state-file keeps of the merchants made through
// the control plane: their credentials, retry policies and the tokens
// scoped to them. It is restored before the tenants, so the emulators'
// state of those merchants has somewhere to go.
type merchantsState struct {
	LiqPay  []madeLiqPay        `json:"liqpay"`
	Liquido []madeLiquido       `json:"liquido"`
	Tokens  map[string][]string `json:"tokens"`
}

type madeLiqPay struct {
	Merchant config.LiqPayMerchant `json:"merchant"`
	Policy   *control.PolicySpec   `json:"policy,omitempty"`
}

type madeLiquido struct {
	Merchant config.LiquidoMerchant `json:"merchant"`
	Policy   *control.PolicySpec    `json:"policy,omitempty"`
}

// Snapshot saves the merchants the API made.
func (ms *merchants) Snapshot() (json.RawMessage, error) {
	s := ms.s
	ms.mu.Lock()
	var st merchantsState
	for id, m := range ms.made {
		key := id[len(m.provider)+1:]
		switch m.provider {
		case "liqpay":
			if c, ok := s.liqpay.Merchant(key); ok {
				st.LiqPay = append(st.LiqPay, madeLiqPay{Merchant: c, Policy: m.policy})
			}
		case "liquido":
			if c, ok := s.liquido.Merchant(key); ok {
				st.Liquido = append(st.Liquido, madeLiquido{Merchant: c, Policy: m.policy})
			}
		}
	}
	ms.mu.Unlock()
	st.Tokens = s.tokens.Snapshot()
	return json.Marshal(st)
}

// Check reports whether raw holds merchants Restore can make.
func (ms *merchants) Check(raw json.RawMessage) error {
	_, err := decodeMerchants(raw)
	return err
}

func decodeMerchants(raw json.RawMessage) (merchantsState, error) {
	var st merchantsState
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, fmt.Errorf("merchants: %w", err)
	}
	for _, m := range st.LiqPay {
		if m.Merchant.PublicKey == "" || m.Merchant.PrivateKey == "" {
			return st, fmt.Errorf("merchants: a LiqPay merchant without keys")
		}
	}
	for _, m := range st.Liquido {
		if m.Merchant.ClientID == "" || m.Merchant.ClientSecret == "" || m.Merchant.APIKey == "" {
			return st, fmt.Errorf("merchants: a Liquido merchant without credentials")
		}
	}
	return st, nil
}

// Restore makes the saved merchants again, with their policies and tokens.
func (ms *merchants) Restore(raw json.RawMessage) error {
	st, err := decodeMerchants(raw)
	if err != nil {
		return err
	}
	s := ms.s
	for _, m := range st.LiqPay {
		if err := s.liqpay.AddMerchant(m.Merchant); err != nil {
			return fmt.Errorf("merchants: %w", err)
		}
		s.liqpayPolicies.set(m.Merchant.PublicKey, ms.policyOf(m.Policy))
		ms.remember("liqpay", m.Merchant.PublicKey, m.Policy)
	}
	for _, m := range st.Liquido {
		if err := s.liquido.AddMerchant(m.Merchant); err != nil {
			return fmt.Errorf("merchants: %w", err)
		}
		s.liquidoPolicies.set(m.Merchant.ClientID, ms.policyOf(m.Policy))
		ms.remember("liquido", m.Merchant.ClientID, m.Policy)
	}
	s.tokens.Restore(st.Tokens)
	return nil
}

func (ms *merchants) remember(provider, key string, p *control.PolicySpec) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.made[provider+":"+key] = made{provider: provider, policy: p}
}

// policyOf is the dispatcher policy of a saved policy spec (the global one
// where there is none).
func (ms *merchants) policyOf(p *control.PolicySpec) callback.Policy {
	cb := ms.s.cfg.Callbacks
	if p != nil {
		if d, err := p.Parse(); err == nil {
			cb = cb.For(overrides(d))
		}
	}
	return policy(cb)
}

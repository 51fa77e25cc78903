package liqpay

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// thenPlan is what is left of a scenario's then-steps for a payment: the
// steps, the virtual time the next one counts from, and the status the
// payment must still be in for them to apply.
type thenPlan struct {
	Steps []scenarios.Transition `json:"steps"`
	Since time.Time              `json:"since"`
	From  Status                 `json:"from"`
}

// liqpayState is LiqPay's section of a state file (internal/state).
type liqpayState struct {
	Shops map[string]shopState `json:"shops"` // by public_key
}

// shopState is one shop's state, one field per map of shop. A map added to
// shop needs its field here, in snapshot and in restore.
type shopState struct {
	NextID int64 `json:"next_id"`
	// Payments, by payment_id: byID, and from them byOrder (newest per
	// order_id) and byToken (confirm tokens).
	Payments []paymentState `json:"payments"`
	// CardTokens are the card_tokens issued (cardTokens).
	CardTokens map[string]card `json:"card_tokens"`
}

// paymentState is a payment (its exported fields) and, named beside it,
// what those do not carry.
type paymentState struct {
	Payment *Payment  `json:"payment"`
	Then    *thenPlan `json:"then,omitempty"` // a scenario's then-steps still to play
}

// Snapshot saves every shop.
func (s *Server) Snapshot() (json.RawMessage, error) {
	st := liqpayState{Shops: map[string]shopState{}}
	s.mu.RLock()
	shops := make(map[string]*shop, len(s.shops))
	for k, sh := range s.shops {
		shops[k] = sh
	}
	s.mu.RUnlock()
	for key, sh := range shops {
		sh.mu.Lock()
		ss := shopState{NextID: sh.nextID, CardTokens: map[string]card{}}
		for _, p := range sh.byID {
			cp := *p // a copy: encoding happens after the lock is released
			if p.Verify != nil {
				v := *p.Verify
				v.timer = nil
				cp.Verify = &v
			}
			ps := paymentState{Payment: &cp}
			if p.plan != nil && p.plan.From == p.Status && len(p.plan.Steps) > 0 {
				plan := *p.plan
				ps.Then = &plan
			}
			ss.Payments = append(ss.Payments, ps)
		}
		for tok, c := range sh.cardTokens {
			ss.CardTokens[tok] = c
		}
		sh.mu.Unlock()
		slices.SortFunc(ss.Payments, func(a, b paymentState) int { return cmp.Compare(a.Payment.ID, b.Payment.ID) })
		st.Shops[key] = ss
	}
	return json.Marshal(st)
}

// Restore replaces the state of the shops that are configured and re-arms
// verification deadlines and then-steps on their clocks. Shops in the file
// that are no longer configured are skipped.
func (s *Server) Restore(raw json.RawMessage) error {
	var st liqpayState
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("liqpay: %w", err)
	}
	for key, ss := range st.Shops {
		for _, ps := range ss.Payments {
			if ps.Payment == nil {
				return fmt.Errorf("liqpay: shop %s: a payment is null", key)
			}
		}
		sh := s.shop(key)
		if sh == nil {
			s.log.Warn("state of an unknown LiqPay shop skipped", "public_key", key)
			continue
		}
		s.restoreShop(sh, ss)
	}
	return nil
}

func (s *Server) restoreShop(sh *shop, ss shopState) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.nextID = max(sh.nextID, ss.NextID)
	sh.byID, sh.byOrder, sh.byToken = map[int64]*Payment{}, map[string]*Payment{}, map[string]*Payment{}
	sh.cardTokens = map[string]card{}
	for tok, c := range ss.CardTokens {
		sh.cardTokens[tok] = c
	}
	for _, ps := range ss.Payments { // by payment_id: the newest of an order_id comes last
		p := ps.Payment
		sh.byID[p.ID] = p
		sh.byOrder[p.OrderID] = p
		if p.Token != "" {
			sh.byToken[p.Token] = p
			s.mu.Lock()
			s.tokens[p.Token] = sh
			s.mu.Unlock()
		}
		if p.Verify != nil {
			s.armExpiry(sh, p)
		}
		if ps.Then != nil && ps.Then.From == p.Status {
			s.scheduleThen(sh, p, ps.Then.Steps, ps.Then.Since)
		}
	}
}

// UnmarshalJSON reads an amount as MarshalJSON writes it (a state file).
func (a *Amount) UnmarshalJSON(b []byte) error {
	v, ok := parseAmount(string(b))
	if !ok {
		return fmt.Errorf("amount %s is not a decimal number", b)
	}
	*a = v
	return nil
}

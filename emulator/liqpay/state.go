package liqpay

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
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

// shopState is one shop's state: one field per field of books (shop.go)
// and the shop's checkout sessions. A field added to books needs its line
// here, in snapshotShop and in restoreShop.
type shopState struct {
	NextID int64 `json:"next_id"`
	// Payments, by payment_id: byID, and from them byOrder (newest per
	// order_id), byToken (confirm tokens) and invoices (payer pages).
	// A payment carries its subscription, letter of credit, invoice, hold
	// expiry, splits and DCC fields; their timers are re-armed.
	Payments []paymentState `json:"payments"`
	// CardTokens are the card_tokens issued (cardTokens).
	CardTokens map[string]card `json:"card_tokens"`
	// TokenStates are token_create's book (tokens): suspended tokens.
	// token_create_unique's card fingerprints are not saved (their key is
	// never written: see tokenBook.key), so after a restart the same card
	// gets a new token; TokenUnique is read from older files and ignored.
	TokenStates map[string]string `json:"token_states,omitempty"`
	TokenUnique map[string]string `json:"token_unique,omitempty"`
	// Registers are reports_compensation_file's files (registers).
	Registers map[string][]byte `json:"registers,omitempty"`
	// Checkouts are the open hosted checkout sessions, oldest first.
	Checkouts []checkoutState `json:"checkouts,omitempty"`
}

// paymentState is a payment (its exported fields) and, named beside it,
// what those do not carry.
type paymentState struct {
	Payment *Payment  `json:"payment"`
	Then    *thenPlan `json:"then,omitempty"` // a scenario's then-steps still to play
}

// checkoutState is a hosted checkout session (checkout.go).
type checkoutState struct {
	Token     string          `json:"token"`
	Params    json.RawMessage `json:"params"`
	Action    Action          `json:"action"`
	Lang      string          `json:"lang"`
	Version   int64           `json:"version"`
	Algo      SigAlgo         `json:"algo"`
	BaseURL   string          `json:"base_url"`
	Expires   time.Time       `json:"expires"`
	PaymentID int64           `json:"payment_id,omitempty"` // the payment made on the page
	Flash     string          `json:"flash,omitempty"`
}

// Snapshot saves every shop. Each shop is encoded under its lock: a
// payment's subscription, letter of credit and invoice are shared with the
// timers that change them.
func (s *Server) Snapshot() (json.RawMessage, error) {
	st := struct {
		Shops map[string]json.RawMessage `json:"shops"` // encodes as liqpayState
	}{Shops: map[string]json.RawMessage{}}
	s.mu.RLock()
	shops := make(map[string]*shop, len(s.shops))
	for k, sh := range s.shops {
		shops[k] = sh
	}
	s.mu.RUnlock()
	for key, sh := range shops {
		raw, err := s.snapshotShop(sh)
		if err != nil {
			return nil, fmt.Errorf("liqpay: shop %s: %w", key, err)
		}
		st.Shops[key] = raw
	}
	return json.Marshal(st)
}

func (s *Server) snapshotShop(sh *shop) (json.RawMessage, error) {
	sessions := s.checkouts.of(sh)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ss := shopState{NextID: sh.nextID, CardTokens: maps.Clone(sh.cardTokens),
		TokenStates: maps.Clone(sh.tokens.state),
		Registers:   maps.Clone(sh.registers)}
	for _, p := range sh.byID {
		ps := paymentState{Payment: p}
		if plan := p.flow().plan; plan != nil && plan.From == p.Status && len(plan.Steps) > 0 {
			ps.Then = plan
		}
		ss.Payments = append(ss.Payments, ps)
	}
	slices.SortFunc(ss.Payments, func(a, b paymentState) int { return cmp.Compare(a.Payment.ID, b.Payment.ID) })
	for _, co := range sessions {
		params, err := json.Marshal(co.params)
		if err != nil {
			return nil, err
		}
		cs := checkoutState{Token: co.token, Params: params, Action: co.action, Lang: co.lang, Version: co.version,
			Algo: co.algo, BaseURL: co.baseURL, Expires: co.expires, Flash: co.flash}
		if co.payment != nil {
			cs.PaymentID = co.payment.ID
		}
		ss.Checkouts = append(ss.Checkouts, cs)
	}
	return json.Marshal(ss)
}

// Check reports whether raw is a LiqPay snapshot Restore can apply,
// without changing anything (the state file checks every part first).
func (s *Server) Check(raw json.RawMessage) error {
	_, err := decodeState(raw)
	return err
}

// decodeState decodes and validates a snapshot.
func decodeState(raw json.RawMessage) (liqpayState, error) {
	var st liqpayState
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, fmt.Errorf("liqpay: %w", err)
	}
	for key, ss := range st.Shops {
		for _, ps := range ss.Payments {
			if ps.Payment == nil {
				return st, fmt.Errorf("liqpay: shop %s: a payment is null", key)
			}
		}
		for _, cs := range ss.Checkouts {
			if _, err := DecodeData(string(cs.Params)); err != nil || cs.Token == "" {
				return st, fmt.Errorf("liqpay: shop %s: checkout session %q is malformed", key, cs.Token)
			}
		}
	}
	return st, nil
}

// Restore replaces the state of the shops that are configured and re-arms
// their timers on their clocks: verification deadlines, scenario then-steps,
// subscription periods, letter_of_credit_date, payer pages' expired_date
// and hold expiry. Shops in the file that are no longer configured are
// skipped.
func (s *Server) Restore(raw json.RawMessage) error {
	st, err := decodeState(raw)
	if err != nil {
		return err
	}
	for key, ss := range st.Shops {
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
	s.forget(sh) // the shop's current books, timers, tokens and sessions go
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.nextID = max(sh.nextID, ss.NextID)
	maps.Copy(sh.cardTokens, ss.CardTokens)
	maps.Copy(sh.tokens.state, ss.TokenStates)
	maps.Copy(sh.registers, ss.Registers)
	var pageTokens []string
	for tok := range ss.Registers {
		pageTokens = append(pageTokens, tok)
	}
	for _, ps := range ss.Payments { // by payment_id: the newest of an order_id comes last
		p := ps.Payment
		// Decoded, each payment has a Common of its own (or none, when the
		// file names none of its fields): share them again.
		var common Common
		if p.Common != nil {
			common = *p.Common
		}
		p.Common = sh.common(common)
		sh.byID[p.ID] = p
		if p.Action != string(ActionRegular) { // a regular charge shares its subscription's order_id
			sh.byOrder[p.OrderID] = p
		}
		if p.Token != "" {
			sh.byToken[p.Token] = p
			pageTokens = append(pageTokens, p.Token)
		}
		if p.Invoice != nil {
			sh.invoices[p.Invoice.Token] = p
			pageTokens = append(pageTokens, p.Invoice.Token)
		}
		s.rearm(sh, p)
		if ps.Then != nil && ps.Then.From == p.Status {
			s.scheduleThen(sh, p, ps.Then.Steps, ps.Then.Since)
		}
	}
	s.mu.Lock()
	for _, tok := range pageTokens {
		s.tokens[tok] = sh
	}
	s.mu.Unlock()
	for _, cs := range ss.Checkouts {
		params, _ := DecodeData(string(cs.Params)) // checked in Restore
		co := &checkout{token: cs.Token, shop: sh, params: params, action: cs.Action, lang: cs.Lang,
			version: cs.Version, algo: cs.Algo, baseURL: cs.BaseURL, expires: cs.Expires, flash: cs.Flash}
		if cs.PaymentID != 0 {
			co.payment = sh.byID[cs.PaymentID]
		}
		s.checkouts.add(co)
	}
}

// rearm sets again the timers a restored payment's status waits on.
// Caller holds sh.mu.
func (s *Server) rearm(sh *shop, p *Payment) {
	if p.Verify != nil {
		s.armExpiry(sh, p)
	}
	switch {
	case p.Status == StatusSubscribed && p.subscription() != nil && p.subscription().Active:
		s.scheduleRegular(sh, p)
	case p.Status == StatusWaitLC && p.credit() != nil:
		s.armSecured(sh, p)
	case p.Status == StatusHoldWait:
		if p.flow().HoldUntil.IsZero() { // a state file from before holds kept their date
			p.flowFor().HoldUntil = p.Ended.Time().Add(holdPeriod)
		}
		s.armHoldExpiry(sh, p)
	case p.Invoice != nil && p.Status == waitStatus(p.Invoice.Kind):
		s.armPayerExpiry(sh, p)
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

// UnmarshalJSON reads a Money4 as MarshalJSON writes it (a state file).
func (m *Money4) UnmarshalJSON(b []byte) error {
	if len(b) > 64 || strings.ContainsAny(string(b), "eE") { // no exponent to blow up big.Rat
		return fmt.Errorf("amount %.64s is not a plain decimal number", b)
	}
	r, ok := new(big.Rat).SetString(string(b))
	if !ok {
		return fmt.Errorf("amount %s is not a decimal number", b)
	}
	r.Mul(r, big.NewRat(10000, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return fmt.Errorf("amount %s has more than four decimals", b)
	}
	*m = Money4(r.Num().Int64())
	return nil
}

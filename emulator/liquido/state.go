package liquido

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// thenPlan is what is left of a scenario's then-steps for a payment or a
// refund: the steps, the virtual time the next one counts from, and the
// status it must still be in for them to apply.
type thenPlan struct {
	Steps []scenarios.Transition `json:"steps"`
	Since time.Time              `json:"since"`
	From  Status                 `json:"from"`
}

// advance records that the first step was played at due, leaving from.
func (p *thenPlan) advance(due time.Time, from Status) {
	if len(p.Steps) > 0 {
		p.Steps, p.Since, p.From = p.Steps[1:], due, from
	}
}

// live is a plan with steps left that still applies to status.
func (p *thenPlan) live(status Status) *thenPlan {
	if p == nil || len(p.Steps) == 0 || p.From != status {
		return nil
	}
	c := *p
	return &c
}

// liquidoState is Liquido's section of a state file (internal/state).
type liquidoState struct {
	Merchants map[string]merchantState `json:"merchants"` // by client_id
}

// merchantState is one merchant's state, one field per map of its books
// (books.go), and the merchant's share of Server.links. A map added to
// books needs its field here, in snapshot, check and restore
// (state_resources.go holds those of links, payouts, proposals,
// references and accounts); a reset needs nothing, it replaces the books.
type merchantState struct {
	Seq  int64 `json:"seq"`
	Refs int64 `json:"refs"`
	// HashKey keys the request fingerprints that tell an idempotent replay
	// from a conflict; a new key would turn every replay into a conflict.
	HashKey  []byte               `json:"hash_key"`
	Payments []paymentState       `json:"payments"` // payments, by creation
	Refunds  []refundState        `json:"refunds"`  // refunds, by creation
	Cards    map[string]cardState `json:"cards"`    // cards (the vault)
	Links    []linkState          `json:"links"`    // hosted page and file tokens
	// The rest of the books (state_resources.go).
	PaymentLinks []paymentLinkState `json:"payment_links,omitempty"`
	Payouts      []payoutState      `json:"payouts,omitempty"`
	Proposals    []proposalState    `json:"proposals,omitempty"`
	References   []referenceState   `json:"references,omitempty"`
	Accounts     []accountState     `json:"accounts,omitempty"`
}

// paymentState is a payment: its exported fields, and the rest named.
type paymentState struct {
	Payment        *paymentRecord     `json:"payment"`
	Seq            int64              `json:"seq"`
	Card           *cardState         `json:"card,omitempty"`
	Capture        bool               `json:"capture"`
	Hash           []byte             `json:"hash"`
	Params         paramsState        `json:"params"`
	Pending        *scenarios.Outcome `json:"pending,omitempty"` // 3-D Secure: what approval leads to
	CapturedByCall bool               `json:"captured_by_call,omitempty"`
	Refunded       int64              `json:"refunded"`
	Refunding      int64              `json:"refunding"`
	Finalize       bool               `json:"finalize,omitempty"` // the local method's finalisation is scheduled
	Page           string             `json:"page,omitempty"`
	PDF            string             `json:"pdf,omitempty"`
	BaseURL        string             `json:"base_url,omitempty"`
	PixExpiry      time.Time          `json:"pix_expiry,omitzero"`
	Plan           *thenPlan          `json:"plan,omitempty"`
	Link           string             `json:"link,omitempty"`      // the linkId of the payment link it pays
	FX             string             `json:"fx,omitempty"`        // the proposalId it was converted by
	Reference      string             `json:"reference,omitempty"` // the PayCash recurring reference it pays
}

type refundState struct {
	Seq           int64                    `json:"seq"`
	Key           string                   `json:"key"`
	Payment       string                   `json:"payment"` // its payment's idempotencyKey
	Status        Status                   `json:"status"`
	Code          int                      `json:"code"`
	ErrMsg        string                   `json:"err_msg,omitempty"`
	Amount        int64                    `json:"amount"`
	Currency      string                   `json:"currency"`
	Country       string                   `json:"country"`
	Description   string                   `json:"description,omitempty"`
	CallbackURL   string                   `json:"callback_url,omitempty"`
	Created       time.Time                `json:"created"`
	Finished      time.Time                `json:"finished,omitzero"`
	Overrides     map[string]any           `json:"overrides,omitempty"`
	CallbackRules []scenarios.CallbackRule `json:"callback_rules,omitempty"`
	Hash          []byte                   `json:"hash"`
	Params        paramsState              `json:"params"`
	Finalize      bool                     `json:"finalize,omitempty"`
	Plan          *thenPlan                `json:"plan,omitempty"`
}

type cardState struct {
	Info   cardInfo `json:"info"`
	PanLen int      `json:"pan_len"`
	Lead   string   `json:"lead,omitempty"`
}

type paramsState struct {
	FinalStatus Status        `json:"final_status,omitempty"`
	Delay       time.Duration `json:"delay"`
}

type linkState struct {
	Token string   `json:"token"`
	Key   string   `json:"key"`
	Kind  pageKind `json:"kind"`
}

func saveCard(c *storedCard) *cardState {
	if c == nil {
		return nil
	}
	return &cardState{Info: c.info, PanLen: c.panLen, Lead: c.lead}
}

func (c *cardState) stored() *storedCard {
	if c == nil {
		return nil
	}
	return &storedCard{info: c.Info, panLen: c.PanLen, lead: c.Lead}
}

// Snapshot saves every merchant. Payments are encoded while the merchant's
// lock is held: they are not copied.
func (s *Server) Snapshot() (json.RawMessage, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"merchants":{`)
	for i, m := range s.merchantList() {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(m.cfg.ClientID)
		buf.Write(key)
		buf.WriteByte(':')
		m.mu.Lock()
		st := m.snapshot(s.linksOf(m))
		raw, err := json.Marshal(st)
		m.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("liquido merchant %s: %w", m.cfg.ClientID, err)
		}
		buf.Write(raw)
	}
	buf.WriteString(`}}`)
	return buf.Bytes(), nil
}

// linksOf lists m's page and file tokens. Caller holds m.mu, as link does
// when it adds one, so none is added meanwhile.
func (s *Server) linksOf(m *merchant) []linkState {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []linkState
	for tok, l := range s.links {
		if l.m == m {
			out = append(out, linkState{Token: tok, Key: l.key, Kind: l.kind})
		}
	}
	return out
}

// snapshot collects the merchant's state. Caller holds m.mu.
func (m *merchant) snapshot(links []linkState) merchantState {
	st := merchantState{Seq: m.seq, Refs: m.refs, HashKey: m.hashKey, Cards: map[string]cardState{}, Links: links}
	for _, p := range m.payments {
		x := p.ex()
		st.Payments = append(st.Payments, paymentState{
			Payment: recordOf(p), Seq: p.seq, Card: saveCard(p.card), Capture: p.capture, Hash: p.hash[:],
			Params: paramsState{FinalStatus: x.params.finalStatus, Delay: x.params.delay}, Pending: x.pending,
			CapturedByCall: p.captured, Refunded: x.refunded, Refunding: x.refunding, Finalize: x.finalize != nil,
			Page: x.page, PDF: x.pdf, BaseURL: p.baseURL, PixExpiry: x.pixExpiry, Plan: x.plan.live(p.Status),
			Link: linkIDOf(x.link), FX: proposalIDOf(x.fx), Reference: x.reference,
		})
	}
	for _, r := range m.refunds {
		st.Refunds = append(st.Refunds, refundState{
			Seq: r.seq, Key: r.Key, Payment: r.Payment.Key, Status: r.Status, Code: r.Code, ErrMsg: r.ErrMsg,
			Amount: r.Amount, Currency: r.Currency, Country: r.Country, Description: r.Description,
			CallbackURL: r.CallbackURL, Created: r.Created, Finished: r.Finished, Overrides: r.Overrides,
			CallbackRules: r.CallbackRules, Hash: r.hash[:], Params: paramsState{FinalStatus: r.params.finalStatus, Delay: r.params.delay},
			Finalize: r.finalize != nil, Plan: r.plan.live(r.Status),
		})
	}
	for id, c := range m.cards {
		st.Cards[id] = *saveCard(c)
	}
	m.snapshotResources(&st)
	slices.SortFunc(st.Payments, func(a, b paymentState) int { return cmp.Compare(a.Seq, b.Seq) })
	slices.SortFunc(st.Refunds, func(a, b refundState) int { return cmp.Compare(a.Seq, b.Seq) })
	slices.SortFunc(st.Links, func(a, b linkState) int { return cmp.Compare(a.Token, b.Token) })
	slices.SortFunc(st.PaymentLinks, func(a, b paymentLinkState) int { return cmp.Compare(a.Link.ID, b.Link.ID) })
	slices.SortFunc(st.Payouts, func(a, b payoutState) int { return cmp.Compare(a.Seq, b.Seq) })
	slices.SortFunc(st.Proposals, func(a, b proposalState) int { return cmp.Compare(a.Proposal.ID, b.Proposal.ID) })
	slices.SortFunc(st.References, func(a, b referenceState) int { return cmp.Compare(a.Reference.Key, b.Reference.Key) })
	slices.SortFunc(st.Accounts, func(a, b accountState) int { return cmp.Compare(a.Account.Key, b.Account.Key) })
	return st
}

// Check reports whether raw is a Liquido snapshot Restore can apply,
// without changing anything (the state file checks every part first).
func (s *Server) Check(raw json.RawMessage) error {
	_, err := decodeState(raw)
	return err
}

// decodeState decodes and validates a snapshot.
func decodeState(raw json.RawMessage) (liquidoState, error) {
	var st liquidoState
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, fmt.Errorf("liquido: %w", err)
	}
	for id, ms := range st.Merchants {
		if err := ms.check(); err != nil {
			return st, fmt.Errorf("liquido merchant %s: %w", id, err)
		}
	}
	return st, nil
}

// Restore replaces the state of the merchants that are configured and
// re-arms what they had scheduled: local-method finalisations, PSE's
// paymentUrl, asynchronous refunds and scenario then-steps. Merchants in
// the file that are no longer configured are skipped.
func (s *Server) Restore(raw json.RawMessage) error {
	st, err := decodeState(raw)
	if err != nil {
		return err
	}
	for id, ms := range st.Merchants {
		m := s.merchantFor(id)
		if m == nil {
			s.log.Warn("state of an unknown Liquido merchant skipped", "client_id", id)
			continue
		}
		s.restoreMerchant(m, ms)
	}
	return nil
}

// check finds what would break restoreMerchant, before anything changes.
func (ms merchantState) check() error {
	keys := map[string]bool{}
	for _, ps := range ms.Payments {
		if ps.Payment == nil || len(ps.Hash) != 32 {
			return fmt.Errorf("a payment is null or has no fingerprint")
		}
		keys[ps.Payment.Key] = true
	}
	for _, rs := range ms.Refunds {
		if !keys[rs.Payment] || len(rs.Hash) != 32 {
			return fmt.Errorf("refund %s: no payment %q or no fingerprint", rs.Key, rs.Payment)
		}
	}
	if len(ms.HashKey) == 0 {
		return fmt.Errorf("no hash_key")
	}
	return ms.checkResources(keys)
}

func (s *Server) restoreMerchant(m *merchant, ms merchantState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.replaceBooks()
	m.seq, m.refs, m.hashKey = ms.Seq, ms.Refs, ms.HashKey
	for id, c := range ms.Cards {
		m.cards[id] = c.stored()
	}
	restored := make(map[string]*Payment, len(ms.Payments))
	for _, ps := range ms.Payments {
		p := ps.Payment.payment(m, ps.BaseURL)
		p.seq, p.capture, p.captured = ps.Seq, ps.Capture, ps.CapturedByCall
		if ps.Card != nil {
			p.card = m.shareCard(*ps.Card.stored())
		}
		copy(p.hash[:], ps.Hash)
		x := paymentExtra{Overrides: ps.Payment.Overrides, CallbackRules: ps.Payment.CallbackRules,
			params:  testParams{finalStatus: ps.Params.FinalStatus, delay: ps.Params.Delay},
			pending: ps.Pending, refunded: ps.Refunded, refunding: ps.Refunding,
			page: ps.Page, pdf: ps.PDF, pixExpiry: ps.PixExpiry, reference: ps.Reference}
		if !x.empty() { // its link and FX proposal once they are restored, below

			p.x = &x
		}
		m.payments[p.Key] = p
		restored[p.Key] = p
		if ps.Finalize && p.Status == StatusInProgress {
			s.scheduleFinalize(m, p, p.Created.Time())
		}
		if p.Details.of().PSE != nil && p.Details.of().PSE.PaymentURL == "" && p.Status == StatusInProgress {
			s.schedulePSEURL(m, p, p.baseURL+"/liquido/"+pagePay.path()+"/"+p.ex().page)
		}
		if ps.Plan != nil && ps.Plan.From == p.Status {
			s.scheduleThen(m, p, ps.Plan.Steps, ps.Plan.Since)
		}
	}
	for _, rs := range ms.Refunds {
		p := m.payments[rs.Payment]
		r := &Refund{seq: rs.Seq, Key: rs.Key, Payment: p, Status: rs.Status, Code: rs.Code, ErrMsg: rs.ErrMsg,
			Amount: rs.Amount, Currency: rs.Currency, Country: rs.Country, Description: rs.Description,
			CallbackURL: rs.CallbackURL, Created: rs.Created, Finished: rs.Finished, Overrides: rs.Overrides,
			CallbackRules: rs.CallbackRules, params: testParams{finalStatus: rs.Params.FinalStatus, delay: rs.Params.Delay}}
		copy(r.hash[:], rs.Hash)
		m.refunds[r.Key] = r
		p.more().refunds = append(p.ex().refunds, r)
		if rs.Finalize && r.Status == StatusInProgress {
			s.scheduleRefundFinalize(m, r)
		}
		if rs.Plan != nil && rs.Plan.From == r.Status {
			s.scheduleRefundThen(m, r, rs.Plan.Steps, rs.Plan.Since)
		}
	}
	s.restoreResources(m, ms)
	for _, ps := range ms.Payments {
		if ps.Link != "" || ps.FX != "" {
			x := restored[ps.Payment.Key].more()
			x.link, x.fx = m.links[ps.Link], m.proposals[ps.FX] // nil when empty
		}
	}
	s.mu.Lock()
	for tok, l := range s.links {
		if l.m == m {
			delete(s.links, tok)
		}
	}
	for _, l := range ms.Links {
		s.links[l.Token] = link{m: m, key: l.Key, kind: l.Kind}
	}
	s.mu.Unlock()
}

func nullToNil(raw json.RawMessage) json.RawMessage {
	if string(raw) == "null" {
		return nil
	}
	return raw
}

// Signer rebuilds the Sign function of a callback restored from a state
// file, from the SignSpec notify gave it: the merchant's secret, or a
// wrong one for a scripted wrong signature.
func (s *Server) Signer(tenantID, spec string) func(at time.Time, body []byte) http.Header {
	for _, m := range s.merchantList() {
		if m.tenant.ID == tenantID {
			return signer(callbackSecret(m, spec))
		}
	}
	return nil
}

func linkIDOf(l *PaymentLink) string {
	if l == nil {
		return ""
	}
	return l.ID
}

func proposalIDOf(q *proposal) string {
	if q == nil {
		return ""
	}
	return q.ID
}

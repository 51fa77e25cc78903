package liquido

import (
	"crypto/rand"
	"encoding/json"
	"math"
	"math/big"
	"sync"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

// Payment is one charge as mockpay keeps it. Its idempotencyKey is its
// identity: referenceId equals it, and every later call names it
// (reference §3).
//
// It is kept small, for a merchant may hold a million of them
// (docs/benchmarks.md, Memory): times are Unix ns (clock.Stamp), what most
// payments never have is behind one pointer (paymentExtra), the strings
// (PaymentCommon), payer JSON and cards that payments made alike repeat are
// shared through the merchant's bounded tables (shared.go, common.go), and
// a local method's details are
// behind transferDetails' pointer. A state file keeps the payment's old
// shape (paymentRecord, state.go).
type Payment struct {
	seq int64 // creation order, for "another payment of this merchant"
	Key string
	// The endpoint, method, flow, currencies, country and URLs, shared
	// with the merchant's payments made alike (common.go); never nil.
	*PaymentCommon
	Status Status
	Code   int    // transferStatusCode
	ErrMsg string // transferErrorMsg

	Amount int64 // as requested, in the currency's minor unit
	// Captured is what was charged: the amount, or less after a partial
	// capture. Refunds are limited by it.
	Captured    int64
	FinalAmount int64
	Tax         *amountDetails

	Created  clock.Stamp
	Finished clock.Stamp // when it last reached a final status

	Payer, OrderInfo json.RawMessage // as sent, shared with payments that sent the same
	Description      string
	Details          transferDetails

	card     *storedCard   // the card charged, once known; shared, never changed
	capture  bool          // false: authorise only
	captured bool          // settled by a capture call
	hash     [32]byte      // the canonical request, for idempotent replays
	x        *paymentExtra // nil until the payment has one of its parts
}

// paymentExtra is what a payment has only in some flows: a scenario's
// overrides and callback rules, test parameters of a local method, 3-D
// Secure, refunds, hosted pages and files, Pix expiry, a payment link, an
// FX proposal, a PayCash reference, scenario then-steps.
type paymentExtra struct {
	// From the scenario that decided the payment.
	Overrides     map[string]any
	CallbackRules []scenarios.CallbackRule

	params    testParams
	pending   *scenarios.Outcome // 3-D Secure: what approval leads to
	refunded  int64              // by refunds that settled
	refunding int64              // by refunds in progress
	refunds   []*Refund
	finalize  *clock.Timer // the asynchronous finalisation of a local method
	page      string       // token of its hosted page (3-DS, checkout or payment)
	pdf       string       // token of its boleto PDF
	pixExpiry time.Time
	// link is the payment link this charge pays, if any: its changes are
	// reported as the link's, not as the charge's (reference §10).
	link *PaymentLink
	fx   *proposal // the FX proposal it was converted by, if any
	// reference: a payment of a PayCash recurring reference carries the
	// reference's idempotencyKey as its referenceId (reference §6).
	reference string
	plan      *thenPlan // a scenario's then-steps still to play
}

// ex reads the payment's extra parts: the zero parts when it has none.
func (p *Payment) ex() paymentExtra {
	if p.x == nil {
		return paymentExtra{}
	}
	return *p.x
}

// more is the payment's extra parts, to be changed: made when it has none.
func (p *Payment) more() *paymentExtra {
	if p.x == nil {
		p.x = &paymentExtra{}
	}
	return p.x
}

// isCard reports whether the payment is a card charge: card results are
// synchronous and description test parameters do not apply (reference §16).
func (p *Payment) isCard() bool { return p.Action == ActionCard }

// refundable is what refunds may still return.
func (p *Payment) refundable() int64 {
	x := p.ex()
	return p.Captured - x.refunded - x.refunding
}

// wire renders the payment as the API writes it. Caller holds the
// merchant's lock.
func (p *Payment) wire() paymentJSON {
	j := paymentJSON{
		TransferStatusCode:  p.Code,
		TransferErrorMsg:    errorMessage(p.ErrMsg),
		IdempotencyKey:      p.Key,
		ReferenceID:         p.Key,
		PaymentFlow:         p.Flow,
		PaymentMethod:       p.Method,
		Amount:              p.Amount,
		Currency:            p.Currency,
		Country:             p.Country,
		FinalAmount:         p.FinalAmount,
		FinalCurrency:       p.FinalCurrency,
		CreateTime:          Time(p.Created.Time()),
		ScheduledTime:       Time(p.Created.Time()),
		FinalStatusTime:     Time(p.Finished.Time()),
		Payer:               p.Payer,
		OrderInfo:           p.OrderInfo,
		TransferDetails:     p.Details,
		AmountDetails:       p.Tax,
		TransferStatus:      p.Status,
		Description:         p.Description,
		CallbackURL:         p.CallbackURL,
		SubMerchantID:       p.SubMerchantID,
		OrchestrationVendor: p.Vendor,
	}
	if p.ex().reference != "" {
		j.ReferenceID = p.ex().reference
	}
	if p.ex().fx != nil {
		j.PaymentProposalInfo = &proposalInfoJSON{ProposalID: p.ex().fx.ID, ExchangeRate: float64(p.ex().fx.rate) / 100}
	}
	return j
}

// encoded is the payment's JSON with the scenario's overrides merged in, as
// answers and callbacks carry it. Caller holds the merchant's lock.
func (p *Payment) encoded() []byte { return encode(p.wire(), p.ex().Overrides) }

// Refund is one refund of a payment, with its own idempotencyKey
// (reference §8).
type Refund struct {
	seq         int64
	Key         string
	Payment     *Payment
	Status      Status
	Code        int
	ErrMsg      string
	Amount      int64
	Currency    string
	Country     string
	Description string
	CallbackURL string
	Created     time.Time
	Finished    time.Time

	Overrides     map[string]any
	CallbackRules []scenarios.CallbackRule
	hash          [32]byte
	finalize      *clock.Timer
	params        testParams // finalises an asynchronous refund
	plan          *thenPlan  // a scenario's then-steps still to play
}

func (r *Refund) wire() refundJSON {
	final, currency := r.Amount, r.Currency
	if base := r.Payment.Captured; base > 0 && (r.Payment.Currency != r.Payment.FinalCurrency || r.Payment.FinalAmount != base) {
		// A refund pays back in proportion to what the payer paid: in the
		// currency they paid (FX), with the withholding they paid on top
		// (CO), and of the captured amount, not the authorised one.
		final, currency = mulDiv(r.Amount, r.Payment.FinalAmount, base), r.Payment.FinalCurrency
	}
	return refundJSON{
		TransferStatusCode: r.Code,
		TransferErrorMsg:   errorMessage(r.ErrMsg),
		IdempotencyKey:     r.Key,
		ReferenceID:        r.Payment.Key,
		PaymentMethod:      r.Payment.Method,
		Amount:             r.Amount,
		Currency:           r.Currency,
		Country:            r.Country,
		FinalAmount:        final,
		FinalCurrency:      currency,
		CreateTime:         Time(r.Created),
		ScheduledTime:      Time(r.Created),
		FinalStatusTime:    Time(r.Finished),
		TransferStatus:     r.Status,
		Description:        r.Description,
		CallbackURL:        r.CallbackURL,
	}
}

func (r *Refund) encoded() []byte { return encode(r.wire(), r.Overrides) }

// merchant is one Liquido merchant's state. One mutex guards it all: each
// operation is short, and it makes idempotency, refund limits and the status
// machine atomic under concurrent requests.
type merchant struct {
	cfg      config.LiquidoMerchant
	tenant   *tenant.Tenant
	tokenKey []byte // signs its access tokens; derived from the client secret
	hashKey  []byte // keys request fingerprints; random, never shown

	mu sync.Mutex
	// books is all the merchant's resettable state (books.go); embedded,
	// so m.payments names its payments.
	*books
	// wait: a before_response callback rule fired during the current
	// request; the pipeline settles the dispatcher before answering.
	wait bool
}

func newMerchant(t *tenant.Tenant, cfg config.LiquidoMerchant) *merchant {
	return &merchant{
		cfg:      cfg,
		tenant:   t,
		tokenKey: tokenKey(cfg.ClientSecret),
		hashKey:  randomKey(),
		books:    newBooks(),
	}
}

// The generators below run under m.mu: the tenant's faker is not safe for
// concurrent use. Seeded per tenant, they repeat run to run.

func (m *merchant) uuid() string { return m.tenant.Fake.UUID() }

func (m *merchant) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + m.tenant.Fake.IntRange(0, 9))
	}
	return string(b)
}

func (m *merchant) nextSeq() int64 {
	m.seq++
	return m.seq
}

// latestOther is the merchant's most recent payment other than p, for
// callbacks about "another payment" (signature: foreign).
func (m *merchant) latestOther(p *Payment) *Payment {
	var out *Payment
	for _, q := range m.payments {
		if q != p && (out == nil || q.seq > out.seq) {
			out = q
		}
	}
	return out
}

func (m *merchant) latestOtherRefund(r *Refund) *Refund {
	var out *Refund
	for _, q := range m.refunds {
		if q != r && (out == nil || q.seq > out.seq) {
			out = q
		}
	}
	return out
}

// randomKey is 32 bytes from the system's random source.
func randomKey() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported systems
	return b
}

// mulDiv is a*b/c without the overflow of int64 arithmetic: large USD
// amounts times a COP or CLP rate pass 9.2e18 in between.
func mulDiv(a, b, c int64) int64 {
	x := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	x.Quo(x, big.NewInt(c))
	if !x.IsInt64() {
		return math.MaxInt64
	}
	return x.Int64()
}

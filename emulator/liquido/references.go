package liquido

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/scenarios"
)

// PayCash recurring references (reference §6): POST
// /v1/payments/charges/references creates a reusable cash reference, not a
// payment. Its answer is the reference object, status ACTIVE. Every time the
// payer pays cash against it, Liquido creates a charge with an
// idempotencyKey of its own ("ref_NooT2GTS3OeqxGVx6mHPgo6P4"), referenceId =
// the reference's idempotencyKey, payCash.recurring true, SETTLED at once, and
// sends CHARGE_SUCCEEDED for it.
//
// In mockpay a payment against a reference is made by PayReference (for the
// control plane) or by the payer on the reference's page, whose address the
// answer carries as transferDetails.payCash.paymentUrl (a mockpay addition).
//
// GUESSES, as Liquido documents neither: the request takes idempotencyKey,
// country (MX, CO), currency (the country's), an optional amount (0 or
// absent: the payer chooses each time; otherwise every payment must be
// exactly it), an optional expirationDate ("YYYY-MM-DD"; absent: the
// reference never expires; at the end of that day in Liquido's zone it turns
// EXPIRED), description, callbackUrl and payer. GET
// /v1/payments/charges/references/{idempotencyKey} retrieves it. There is no
// cancel: none is documented. Each payment is limited as the payment-link
// table limits PayCash: at most 20,000 MXN or 5,000,000 COP.

// reference is one PayCash recurring reference of a merchant.
type reference struct {
	Key         string
	Country     string
	Currency    string
	Amount      int64     // 0: the payer chooses the amount of each payment
	Expiry      time.Time // the day it is valid through (midnight, zone); zero: none
	Number      string    // the payer's referencia
	Status      Status    // ACTIVE, then EXPIRED
	Created     time.Time
	Description string
	CallbackURL string
	Payer       json.RawMessage

	hash     [32]byte
	page     string   // token of its hosted page
	payments []string // idempotencyKeys of the payments made against it
	expire   *clock.Timer
}

// referenceJSON is the reference object as the documented example writes it.
type referenceJSON struct {
	TransferStatusCode int                  `json:"transferStatusCode"`
	IdempotencyKey     string               `json:"idempotencyKey"`
	Country            string               `json:"country"`
	Currency           string               `json:"currency"`
	CreateTime         Time                 `json:"createTime"`
	Status             Status               `json:"status"`
	Description        string               `json:"description"`
	CallbackURL        string               `json:"callbackUrl"`
	TransferDetails    referenceDetailsJSON `json:"transferDetails"`
}

type referenceDetailsJSON struct {
	PayCash referencePayCashJSON `json:"payCash"`
}

type referencePayCashJSON struct {
	Amount         int64  `json:"amount"`
	ExpirationDate Date   `json:"expirationDate"`
	Reference      string `json:"reference"`
	Convenio       string `json:"convenio,omitempty"` // CO's agreement code, as on PAY_CASH charges
	// PaymentURL is mockpay's page where the payer pays against the
	// reference (a mockpay addition; Liquido's payer pays at a store).
	PaymentURL string `json:"paymentUrl"`
}

func (ref *reference) wire(baseURL string) referenceJSON {
	j := referenceJSON{TransferStatusCode: http.StatusOK, IdempotencyKey: ref.Key, Country: ref.Country, Currency: ref.Currency,
		CreateTime: Time(ref.Created), Status: ref.Status, Description: ref.Description, CallbackURL: ref.CallbackURL}
	j.TransferDetails.PayCash = referencePayCashJSON{Amount: ref.Amount, ExpirationDate: Date(ref.Expiry), Reference: ref.Number,
		Convenio: convenio(ref.Country), PaymentURL: baseURL + "/liquido/" + pageReference.path() + "/" + ref.page}
	return j
}

func convenio(country string) string {
	if country == "CO" {
		return "112766" // reference §6
	}
	return ""
}

// payCashLimit is the most one PayCash payment may be, in minor units (the
// newer payment-link limits, reference §10).
var payCashLimit = map[string]int64{"MXN": 20_000_00, "COP": 5_000_000_00}

// referenceRequest is a validated POST /v1/payments/charges/references.
type referenceRequest struct {
	key, country, currency   string
	amount                   int64
	expiry                   time.Time
	description, callbackURL string
	payer                    json.RawMessage
	body                     map[string]any // for scenarios' fields: matchers
	hash                     [32]byte
}

func decodeReference(c *call) (request, *apiError) {
	body, e := decodeObject(c.body)
	if e != nil {
		return nil, e
	}
	f := newFields(body)
	in := &referenceRequest{body: body}
	in.key = readKey(f, "idempotencyKey")
	in.country = f.text("country", true)
	in.currency = f.text("currency", true)
	if in.country != "" && in.country != "MX" && in.country != "CO" {
		f.fail("country", "PayCash references are offered in MX and CO only")
	} else if cc := countries[in.country]; in.currency != "" && in.country != "" && in.currency != cc.currency {
		f.fail("currency", "must be "+in.country+"'s currency, "+cc.currency)
	}
	if method := f.text("paymentMethod", false); method != "" && method != MethodPayCash {
		f.fail("paymentMethod", "must be PAY_CASH on this endpoint")
	}
	if n, ok := f.long("amount", false); ok {
		switch {
		case n < 0:
			f.fail("amount", "must be 0 (any amount) or greater")
		case n > payCashLimit[in.currency] && payCashLimit[in.currency] > 0:
			f.fail("amount", fmt.Sprintf("must be at most %d for PayCash in %s", payCashLimit[in.currency], in.currency))
		}
		in.amount = n
	}
	in.expiry = readExpirationDate(f, c.now)
	in.description = f.text("description", false)
	in.callbackURL = readURL(f, "callbackUrl", false)
	if f.present("payer") {
		f.object("payer", false)
		in.payer = f.raw("payer")
	}
	if f.failed() {
		return nil, errInvalid(*f.errs)
	}
	in.hash = fingerprint(c.m.hashKey, "references", body)
	return in, nil
}

// run creates the reference, or returns the one this key made with the
// same body (another body is a conflict, as for charges).
func (in *referenceRequest) run(s *Server, c *call) answer {
	m := c.m
	if ref, ok := m.references[in.key]; ok {
		return replay(in.key, ref.hash, in.hash, func() answer { return okReference(ref, c.baseURL) })
	}
	if !s.decide(c, scenarios.Request{Action: string(ActionReference), Currency: in.currency, Country: in.country,
		OrderID: in.key, Description: in.description, Amount: amountOf(in.amount), Body: in.body}) {
		return answer{skip: true}
	}
	ref := &reference{Key: in.key, Country: in.country, Currency: in.currency, Amount: in.amount, Expiry: in.expiry,
		Number: m.digits(13), Created: c.now, Description: in.description, CallbackURL: in.callbackURL,
		Payer: in.payer, hash: in.hash}
	ref.page = s.linkKey(m, ref.Key, pageReference)
	m.references[ref.Key] = ref
	m.referenceOrder.Add(ref.Key)
	s.setReferenceStatus(m, ref, StatusActive, c.now)
	s.scheduleReferenceExpiry(m, ref)
	return okReference(ref, c.baseURL)
}

// scheduleReferenceExpiry turns an ACTIVE reference EXPIRED when the day
// of its expirationDate ends, if it has one. Caller holds m.mu.
func (s *Server) scheduleReferenceExpiry(m *merchant, ref *reference) {
	if ref.Expiry.IsZero() || ref.Status != StatusActive {
		return
	}
	ref.expire = m.at(ref.Expiry.AddDate(0, 0, 1), func() {
		s.setReferenceStatus(m, ref, StatusExpired, m.tenant.Clock.Now())
	})
}

func okReference(ref *reference, baseURL string) answer {
	return answer{code: http.StatusOK, body: encode(ref.wire(baseURL), nil), key: ref.Key, status: ref.Status}
}

// retrieveReference is GET /v1/payments/charges/references/{idempotencyKey}
// (GUESS, see above).
func (s *Server) retrieveReference(c *call, in *keyRequest) answer {
	ref := c.m.references[in.key]
	if ref == nil {
		return failed(errNotFound("No reference found with idempotencyKey " + in.key))
	}
	if !s.decide(c, scenarios.Request{Action: string(ActionRetrieve), Method: MethodPayCash, Currency: ref.Currency,
		Country: ref.Country, OrderID: ref.Key, Description: ref.Description}) {
		return answer{skip: true}
	}
	return okReference(ref, c.baseURL)
}

var decodeReferenceLookup = keyDecoder((*Server).retrieveReference)

// setReferenceStatus is the one place a reference's status changes: ACTIVE
// when created, EXPIRED after its expirationDate. Liquido documents no
// callback for either; the payments against it send theirs. Caller holds
// m.mu.
func (s *Server) setReferenceStatus(m *merchant, ref *reference, st Status, now time.Time) {
	if ref.Status == st {
		return
	}
	ref.Status = st
	if st != StatusActive && ref.expire != nil {
		m.disarm(ref.expire)
		ref.expire = nil
	}
	s.log.Info("liquido reference", "client_id", m.cfg.ClientID, "idempotency_key", ref.Key, "status", st,
		"at", now.In(zone).Format(TimeLayout))
}

// Errors of PayReference.
var (
	// ErrReferenceNotFound: no such merchant, or no such reference of it.
	ErrReferenceNotFound = errors.New("no such PayCash reference")
	// ErrReferenceRefused: the reference cannot take this payment (expired,
	// or the amount is not one it takes); the message says why.
	ErrReferenceRefused = errors.New("the PayCash reference refuses the payment")
)

// PayReference pays amount (minor units) in cash against merchant
// clientID's recurring reference referenceKey, as a payer at a store would:
// a new PAY_CASH payment, SETTLED at once, with its CHARGE_SUCCEEDED callback
// (reference §6). It returns the payment's Liquido-generated idempotencyKey.
// Errors wrap ErrReferenceNotFound or ErrReferenceRefused.
func (s *Server) PayReference(clientID, referenceKey string, amount int64) (string, error) {
	m := s.merchantFor(clientID)
	if m == nil {
		return "", fmt.Errorf("%w: no Liquido merchant %q", ErrReferenceNotFound, clientID)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ref := m.references[referenceKey]
	if ref == nil {
		return "", fmt.Errorf("%w: merchant %s has no reference %q", ErrReferenceNotFound, clientID, referenceKey)
	}
	p, err := s.payReference(m, ref, amount, m.tenant.Clock.Now())
	if err != nil {
		return "", err
	}
	return p.Key, nil
}

// payReference makes one payment against ref. Caller holds m.mu.
func (s *Server) payReference(m *merchant, ref *reference, amount int64, now time.Time) (*Payment, error) {
	limit := payCashLimit[ref.Currency]
	switch {
	case ref.Status != StatusActive:
		return nil, fmt.Errorf("%w: reference %s is %s", ErrReferenceRefused, ref.Key, ref.Status)
	case amount <= 0:
		return nil, fmt.Errorf("%w: the amount must be greater than 0", ErrReferenceRefused)
	case ref.Amount > 0 && amount != ref.Amount:
		return nil, fmt.Errorf("%w: reference %s takes exactly %d", ErrReferenceRefused, ref.Key, ref.Amount)
	case limit > 0 && amount > limit:
		return nil, fmt.Errorf("%w: at most %d %s per PayCash payment", ErrReferenceRefused, limit, ref.Currency)
	}
	key := "ref_" + m.alphanumeric(25)
	for m.payments[key] != nil {
		key = "ref_" + m.alphanumeric(25)
	}
	p := &Payment{
		seq: m.nextSeq(), Key: key,
		PaymentCommon: m.common(PaymentCommon{Action: ActionPayCash, Method: MethodPayCash, Flow: FlowDirect,
			Currency: ref.Currency, Country: ref.Country, CallbackURL: ref.CallbackURL}),
		Amount: amount, Captured: amount, Created: clock.StampAt(now),
		Payer: ref.Payer, Description: ref.Description,
		x: &paymentExtra{reference: ref.Key, params: testParams{finalStatus: StatusSettled, delay: defaultDelay}},
	}
	p.Details.set().PayCash = &payCashDetails{ReferenceNumber: ref.Number, ExpirationDate: Date(ref.Expiry), Recurring: true,
		Convenio: convenio(ref.Country)}
	price(m, p)
	m.payments[key] = p
	ref.payments = append(ref.payments, key)
	s.setStatus(m, p, StatusSettled, 0, "", now)
	return p, nil
}

// alphanumeric is n random letters and digits from the merchant's seeded
// generator. Caller holds m.mu.
func (m *merchant) alphanumeric(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[m.tenant.Fake.IntRange(0, len(alphabet)-1)]
	}
	return string(b)
}

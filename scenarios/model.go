// Package scenarios holds mockpay's scenario engine: the YAML format that
// scripts outcomes, its loader (every error with file:line:column), the
// matchers, and the engine that picks the first scenario matching a request.
//
// It knows nothing about LiqPay or Liquido. A provider describes its
// vocabulary (statuses, actions) for validation, supplies its default
// scenarios, turns each request into a Request to match, and carries out the
// Outcome it gets back.
package scenarios

import (
	"regexp"
	"time"
)

// FormatVersion is the scenario file format this build reads. Files carry
// it in "version:" so later formats can upgrade older files.
const FormatVersion = 1

// Set is one file (or one runtime upload) of scenarios.
type Set struct {
	Name      string // file path, "default:<provider>" or the runtime name
	Source    string // "default", "file" or "runtime"
	Merchant  string // runtime sets may be scoped to one merchant key
	Scenarios []*Scenario
	Expect    []Expectation // what the run must show (expect.go)
}

// Scenario is one rule: when a request matches, the outcome is produced.
type Scenario struct {
	Name        string
	Description string
	Provider    string
	Match       Match
	// Times limits how many requests (per merchant) the scenario answers;
	// 0 is unlimited. After that, matching falls through to later scenarios.
	Times   int
	Outcome Outcome
	Line    int // where it starts in its file
}

// Match is the request side of a scenario; every set field must match.
type Match struct {
	Merchant    *StringMatch
	Action      *StringMatch // LiqPay action, or a payment method
	Method      *StringMatch
	Card        *StringMatch // the full card number
	BIN         *StringMatch
	Last4       *StringMatch
	Amount      *AmountMatch
	Currency    *StringMatch
	Country     *StringMatch
	OrderID     *StringMatch // LiqPay order_id, Liquido idempotencyKey
	Description *StringMatch
	Phone       *StringMatch
	Fields      map[string]*StringMatch // any field of the request body by dotted path
}

// StringMatch matches a text exactly (one of a list) or by a regular expression.
type StringMatch struct {
	Any   []string
	Regex *regexp.Regexp
}

// AmountMatch matches an amount exactly or within an inclusive range, in
// major units (e.g. 10.50). Nil bounds are open.
type AmountMatch struct {
	Exact, Min, Max *float64
}

// Outcome is what a matched scenario produces. Statuses and codes are the
// provider's own words.
type Outcome struct {
	Status  string
	Code    string // LiqPay err_code; Liquido transferStatusCode
	Message string // LiqPay err_description; Liquido transferErrorMsg
	// Fields override fields of the provider's payment object, in answers
	// and callbacks alike.
	Fields map[string]any
	// Then are later status changes on the merchant's virtual clock, each
	// After the one before.
	Then []Transition
	// Confirm decides the confirmation of a verification step (LiqPay
	// confirm); the first rule whose When matches wins, else the default.
	Confirm []ConfirmRule
	// Delay holds the HTTP answer back, in real time (clients time out in
	// real time).
	Delay time.Duration
	// Fault replaces the answer with a transport failure.
	Fault *Fault
	// Callbacks script the payment's callbacks.
	Callbacks []CallbackRule
}

// Transition is a status change After the previous step.
type Transition struct {
	After   time.Duration
	Status  string
	Code    string
	Message string
}

// ConfirmRule decides a confirmation.
type ConfirmRule struct {
	When    map[string]*StringMatch // fields of the confirm request
	Status  string
	Code    string
	Message string
	Then    []Transition
}

// FaultKind names a transport failure.
type FaultKind string

const (
	FaultHTTP  FaultKind = "http"  // an HTTP status with an infrastructure-style body
	FaultReset FaultKind = "reset" // the connection is reset, no answer
	FaultHang  FaultKind = "hang"  // nothing is answered until the client gives up
	FaultSlow  FaultKind = "slow"  // the answer trickles out over Duration
)

// Fault is a transport failure in place of the answer.
type Fault struct {
	Kind        FaultKind
	Status      int    // for http
	Body        string // for http; empty: the provider's own page for Status
	ContentType string
	Duration    time.Duration // for slow: how long the body takes; for hang: the bound
	// Processed: the request was carried out (payment created, callbacks
	// sent) before the failure, as in "charged, but the answer was lost".
	// Always true for slow, whose answer is the real one.
	Processed bool
}

// SignatureFault names what is wrong with a scripted callback's signature.
type SignatureFault string

const (
	SignatureWrong   SignatureFault = "wrong"   // signed with a wrong key
	SignatureForeign SignatureFault = "foreign" // another order's data, validly signed
)

// CallbackRule scripts the callbacks a payment sends. Status limits the rule
// to callbacks reporting that status; empty means all.
type CallbackRule struct {
	Status         string
	Drop           bool
	Delay          time.Duration // virtual time before the first attempt
	Duplicate      int           // extra copies sent
	Unordered      bool          // may overtake, or be overtaken by, the payment's other callbacks
	BeforeResponse bool          // the first attempt finishes before the API answers
	Signature      SignatureFault
	URL            string
}

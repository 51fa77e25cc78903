// Package trigger holds the provider-neutral vocabulary of control-plane
// triggers: a provider event applied to an existing payment, as the provider
// would apply it, with its callbacks (POST /_mockpay/payments/{id}/trigger).
// Each emulator keeps its own table of events; this package only names the
// request and the errors the control plane turns into HTTP statuses.
package trigger

import (
	"errors"
	"fmt"
	"strings"
)

// Event names shared by the providers. Each provider accepts the subset
// that exists in its status machine and answers ErrUnknownEvent otherwise.
const (
	Settle     = "settle"
	Fail       = "fail"
	Refund     = "refund"
	Reverse    = "reverse"
	Chargeback = "chargeback"
	Expire     = "expire"
	Confirm    = "confirm"
	Dispute    = "dispute"
	NextCharge = "next_charge" // the next period of a subscription
)

// Event is one trigger request.
type Event struct {
	Name string
	// Amount, optional, is the provider's own amount notation: LiqPay's
	// major units ("10.50"), Liquido's minor units ("1050").
	Amount string
	// Code and Reason, optional, are the failure code and message a fail
	// carries (LiqPay err_code and err_description, Liquido
	// transferStatusCode and transferErrorMsg).
	Code   string
	Reason string
}

// ErrNotFound: the merchant has no payment with that id.
var ErrNotFound = errors.New("no such payment")

// UnknownEventError: the provider has no such event. Valid lists the ones it has.
type UnknownEventError struct {
	Provider string
	Event    string
	Valid    []string
	Why      string // optional: why this event does not exist for the provider
}

func (e *UnknownEventError) Error() string {
	msg := fmt.Sprintf("%s has no trigger event %q", e.Provider, e.Event)
	if e.Why != "" {
		msg += " (" + e.Why + ")"
	}
	return msg + "; valid events: " + strings.Join(e.Valid, ", ")
}

// ConflictError: the event does not apply to the payment in its current status.
type ConflictError struct {
	Status string // the payment's current status, as the provider writes it
	Msg    string
}

func (e *ConflictError) Error() string { return e.Msg }

// Conflict builds a ConflictError.
func Conflict(status, format string, args ...any) *ConflictError {
	return &ConflictError{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// ArgError: an argument of the event (amount, code) is malformed.
type ArgError struct{ Msg string }

func (e *ArgError) Error() string { return e.Msg }

// ErrNoMerchant: the provider has no merchant with that key.
var ErrNoMerchant = errors.New("no such merchant")

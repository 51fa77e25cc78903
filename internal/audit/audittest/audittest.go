// Package audittest holds deliberately good and deliberately flawed callback
// receivers, LiqPay's and Liquido's, for testing the receiver audit: each
// flaw is one a real integration has, planted in an otherwise careful
// receiver, so the audit must find it by the case meant for it and raise
// no false alarm on the careful one.
package audittest

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Flaw is one planted mistake; None is the careful receiver.
type Flaw string

const (
	None Flaw = ""
	// TrustsUnsigned verifies a signature when there is one, and accepts
	// a callback without.
	TrustsUnsigned Flaw = "trusts-unsigned"
	// FormatOnly checks that the signature looks like one (the right
	// length of base64 or hex), never that it is right.
	FormatOnly Flaw = "format-only"
	// TrustsOtherMerchants verifies only callbacks that name its own
	// merchant (LiqPay public_key) and passes the others through.
	TrustsOtherMerchants Flaw = "trusts-other-merchants"
	// ParsesWrongEncoding reads LiqPay's body as JSON, or Liquido's as a
	// form, when it comes so, and trusts it.
	ParsesWrongEncoding Flaw = "parses-wrong-encoding"
	// BreaksOnOtherOrder answers 500 to a callback for an order it does not know.
	BreaksOnOtherOrder Flaw = "breaks-on-other-order"
	// BreaksOnDuplicate answers 500 to a callback it has seen (a unique
	// constraint on the payment and status).
	BreaksOnDuplicate Flaw = "breaks-on-duplicate"
	// BreaksOnOutOfOrder answers 500 when a status would go backwards.
	BreaksOnOutOfOrder Flaw = "breaks-on-out-of-order"
	// HangsOnUnknownStatus never answers a status it does not know.
	HangsOnUnknownStatus Flaw = "hangs-on-unknown-status"
	// BreaksOnStale answers 500 to a Liquido signature timestamp far from
	// its clock, instead of refusing it.
	BreaksOnStale Flaw = "breaks-on-stale"
	// RejectsEverything refuses every callback: safe, and useless.
	RejectsEverything Flaw = "rejects-everything"
)

// Order is the one order a receiver knows.
type Order struct {
	ID       string
	Amount   float64 // LiqPay: major units; Liquido: minor units
	Currency string
}

// book is a receiver's memory: the status it holds per payment and the
// callbacks it has seen.
type book struct {
	mu     sync.Mutex
	status map[string]string // payment → status held
	seen   map[string]bool   // payment+status
}

func newBook() *book { return &book{status: map[string]string{}, seen: map[string]bool{}} }

// record notes a callback; it reports whether it was seen before and the
// status held before it.
func (b *book) record(payment, status string) (dup bool, held string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := payment + "\x00" + status
	dup, held = b.seen[k], b.status[payment]
	b.seen[k] = true
	return dup, held
}

// again reports whether k was noted before, and notes it.
func (b *book) again(k string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	seen := b.seen["\x01"+k]
	b.seen["\x01"+k] = true
	return seen
}

// hold sets the status a payment is in.
func (b *book) hold(payment, status string) {
	b.mu.Lock()
	b.status[payment] = status
	b.mu.Unlock()
}

// hang waits until the client gives up (or a minute passes, so nothing
// leaks if it never does).
func hang(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Minute):
	}
}

func answer(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(msg + "\n"))
}

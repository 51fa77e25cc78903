package liquido

import (
	"time"

	"github.com/mockpay/mockpay/internal/capped"
	"github.com/mockpay/mockpay/internal/clock"
)

// books is everything a merchant accumulates by being used: its payments
// and everything else its API calls made, the counters its ids come from,
// and the timers its objects armed. A reset replaces it whole (merchant.reset),
// so a map added here can't be forgotten by a reset; persistence has its
// own list (state.go, merchantState).
type books struct {
	payments   map[string]*Payment     // by idempotencyKey
	refunds    map[string]*Refund      // by the refund's idempotencyKey
	cards      map[string]*storedCard  // vaulted cards by cardId
	links      map[string]*PaymentLink // payment links by linkId (reference §10)
	payouts    map[string]*Payout      // payouts by idempotencyKey (reference §11)
	proposals  map[string]*proposal    // FX quotes by proposalId
	references map[string]*reference   // PayCash recurring references by idempotencyKey
	accounts   map[string]*account     // virtual CLABE accounts by idempotencyKey
	seq        int64
	refs       int64 // bank-transfer reference numbers

	// The order vaulted cards, FX proposals, PayCash references and
	// virtual accounts were made in, for their caps (caps.go).
	cardOrder, proposalOrder, referenceOrder, accountOrder capped.Order

	// timers are the timers armed through merchant.at, stopped when the
	// books are replaced. A timer leaves the set when it fires; one an
	// object stopped itself stays until then (stopping it again is a no-op).
	timers map[*clock.Timer]struct{}

	// shared is the values payments made alike share (shared.go).
	shared sharedValues
}

func newBooks() *books {
	return &books{
		payments:   map[string]*Payment{},
		refunds:    map[string]*Refund{},
		cards:      map[string]*storedCard{},
		links:      map[string]*PaymentLink{},
		payouts:    map[string]*Payout{},
		proposals:  map[string]*proposal{},
		references: map[string]*reference{},
		accounts:   map[string]*account{},
		timers:     map[*clock.Timer]struct{}{},
		shared:     newSharedValues(),
	}
}

// at schedules fn on the merchant's clock at t. fn runs with m.mu held, and
// only if the books that were current when it was armed still are: a timer
// already due while a reset waits for the lock finds new books and does
// nothing, so nothing of a reset or removed merchant settles or sends a
// callback later. Caller holds m.mu.
func (m *merchant) at(t time.Time, fn func()) *clock.Timer {
	b := m.books
	var tm *clock.Timer
	tm = m.tenant.Clock.At(t, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.books != b {
			return
		}
		delete(b.timers, tm)
		fn()
	})
	b.timers[tm] = struct{}{}
	return tm
}

// reset stops every timer of the merchant's books and starts new, empty
// ones with the merchant's generated ids restarted. Caller holds m.mu.
func (m *merchant) reset() {
	m.replaceBooks()
	m.tenant.Reseed()
}

// replaceBooks stops every timer of the merchant's books and starts new,
// empty ones. Caller holds m.mu.
func (m *merchant) replaceBooks() {
	for tm := range m.books.timers {
		tm.Stop()
	}
	m.books = newBooks()
}

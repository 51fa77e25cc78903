// Package ledger keeps a provider-neutral view of every payment the
// emulators hold, for the control plane: the payment list, a payment's
// status history, await, and the payments-stored metric. Emulators publish
// a small Record through Publisher from their one status funnel (LiqPay's
// changed, Liquido's setStatus and setRefundStatus) — so each new payment
// and each change arrives here, in order, without the ledger knowing any
// wire format. It also remembers clock moves per tenant, so a payment's
// timeline can show the advances that touched it.
//
// Waiting is a broadcast: Changed returns a channel that is closed (and
// replaced) by the next Publish, so any number of waiters select on it
// together with their request's context and hold nothing once they leave.
package ledger

import (
	"cmp"
	"encoding/json"
	"slices"
	"sync"
	"time"
	"unique"
)

// Record is one payment as its provider last reported it.
type Record struct {
	Provider string `json:"provider"`
	Merchant string `json:"merchant"` // LiqPay public_key or Liquido client_id
	Tenant   string `json:"tenant"`
	// ID is LiqPay's payment_id or Liquido's idempotencyKey (its referenceId).
	ID string `json:"id"`
	// OrderID is LiqPay's order_id or Liquido's idempotencyKey.
	OrderID  string `json:"order_id"`
	Status   string `json:"status"`
	Amount   int64  `json:"amount"` // minor units (kopecks, centavos)
	Currency string `json:"currency"`
	// Virtual times on the tenant's clock.
	Created time.Time `json:"created_at"`
	Updated time.Time `json:"updated_at"`
	// Payment is the provider's own JSON of the payment, as its status or
	// retrieve call would answer it (card numbers already masked). Publish
	// passes it on to the dashboard but the ledger does not keep it: List,
	// Find and Export render it anew from the emulator (render.go).
	Payment json.RawMessage `json:"payment,omitempty"`
	// Kind is what the record is when it is not a payment: "payout" (a
	// Liquido payout) or "payment_link" (a Liquido payment link nobody has
	// started paying; its charge, under the same id, takes over). Absent:
	// a payment.
	Kind string `json:"kind,omitempty"`
}

// Publisher is what an emulator needs of the ledger; nil publishes nothing.
type Publisher interface {
	Publish(Record)
}

// PaymentWanter is a Publisher that can tell whether it would use a
// Record's Payment JSON for a tenant. The ledger never keeps it (it renders
// on demand); only a live feed with a subscriber reads it, so an emulator
// asks (WantsPayment) before encoding a payment on every status change, most
// of the time for no one (docs/benchmarks.md).
type PaymentWanter interface {
	WantsPayment(tenant string) bool
}

// WantsPayment reports whether p uses Record.Payment for tenant: true
// unless p is a PaymentWanter that says otherwise.
func WantsPayment(p Publisher, tenant string) bool {
	if w, ok := p.(PaymentWanter); ok {
		return w.WantsPayment(tenant)
	}
	return true
}

// WantsPayment is false: the ledger keeps no Payment JSON.
func (l *Ledger) WantsPayment(string) bool { return false }

// Change is one entry of a payment's status history.
type Change struct {
	At     time.Time `json:"at"` // virtual time
	Status string    `json:"status"`
}

// Move is one clock move of a tenant, on its own virtual time.
type Move struct {
	Tenant string    `json:"tenant"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Kind   string    `json:"kind"` // "advance" or "set"
}

// Payment is a Record with its history, as Get answers it.
type Payment struct {
	Record
	Changes []Change `json:"-"`
}

// Defaults bounding memory: history and clock moves are capped, the
// payments themselves are as many as the emulators hold.
const (
	maxChanges = 200  // per payment
	maxMoves   = 1000 // per tenant
)

// Ledger is safe for concurrent use; the zero value is not, use New.
type Ledger struct {
	mu      sync.Mutex
	seq     uint64
	books   map[string]*book // by tenant
	moves   map[string][]Move
	changed chan struct{}
	// renderers give records' Payment at read time, by provider; set
	// while wiring and never changed after, so a copy of the map header
	// taken under mu may be read without it.
	renderers map[string]Renderer
}

type book struct {
	byID map[string]*entry
	// order is the ids in creation order, for retention (retention.go);
	// ids forgotten since may linger in it until it is compacted.
	order []string
}

// entry is one stored record: a million of them must fit in memory
// (docs/benchmarks.md, Memory), so it keeps the Record's fields but not its
// Payment (rendered on demand, render.go) nor its ID (the key it is stored
// under); times as Unix nanoseconds (compact.go), the strings that
// thousands of records share (provider, merchant, tenant, currency, kind,
// status) as one interned handle, and its first change inline: most
// payments never change after it.
type entry struct {
	seq   uint64 // creation order across tenants
	born  int64  // real time it was first published, Unix ns, for retention
	rec   stored
	first change    // the history's first entry
	more  *[]change // the rest of it, nil until the payment changes
}

// stored is a Record without its Payment and ID.
type stored struct {
	labels           unique.Handle[labels]
	OrderID          string
	Amount           int64
	Created, Updated int64 // nanos
}

// labels are the fields of a record that it shares with many others.
type labels struct {
	Provider, Merchant, Tenant, Currency, Kind, Status string
}

func store(r Record) stored {
	return stored{labels: unique.Make(labels{Provider: r.Provider, Merchant: r.Merchant, Tenant: r.Tenant,
		Currency: r.Currency, Kind: r.Kind, Status: r.Status}),
		OrderID: r.OrderID, Amount: r.Amount, Created: nanos(r.Created), Updated: nanos(r.Updated)}
}

// record is s, stored under id, as a Record, its Payment still to render.
func (s *stored) record(id string) Record {
	l := s.labels.Value()
	return Record{Provider: l.Provider, Merchant: l.Merchant, Tenant: l.Tenant, ID: id, OrderID: s.OrderID,
		Status: l.Status, Currency: l.Currency, Kind: l.Kind, Amount: s.Amount, Created: fromNanos(s.Created), Updated: fromNanos(s.Updated)}
}

// New returns an empty ledger.
func New() *Ledger {
	return &Ledger{books: map[string]*book{}, moves: map[string][]Move{}, changed: make(chan struct{}), renderers: map[string]Renderer{}}
}

// Publish records a new payment or a change of one, and wakes the waiters.
func (l *Ledger) Publish(r Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.books[r.Tenant]
	if b == nil {
		b = &book{byID: map[string]*entry{}}
		l.books[r.Tenant] = b
	}
	e := b.byID[r.ID]
	if e == nil {
		l.seq++
		e = &entry{seq: l.seq, born: time.Now().UnixNano()}
		b.byID[r.ID] = e
		b.order = append(b.order, r.ID)
	}
	if r.Created.IsZero() {
		r.Created = fromNanos(e.rec.Created)
	}
	e.record(Change{At: r.Updated, Status: r.Status})
	e.rec = store(r) // without the Payment: rendered on demand (render.go)
	l.broadcast()
}

// broadcast wakes every waiter. Caller holds mu.
func (l *Ledger) broadcast() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// Changed returns a channel closed at the next Publish (or reset). Take it
// before looking, then wait on it: a change in between is never missed.
func (l *Ledger) Changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changed
}

// ClockMoved remembers that tenant's clock went from from to to.
func (l *Ledger) ClockMoved(tenant string, from, to time.Time, kind string) {
	if !to.After(from) {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.moves[tenant]
	if len(m) == maxMoves {
		m = slices.Delete(m, 0, 1)
	}
	l.moves[tenant] = append(m, Move{Tenant: tenant, From: from, To: to, Kind: kind})
}

// Moves returns tenant's clock moves that ended at or after since.
func (l *Ledger) Moves(tenant string, since time.Time) []Move {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Move
	for _, m := range l.moves[tenant] {
		if !m.To.Before(since) {
			out = append(out, m)
		}
	}
	return out
}

// Filter selects payments for List; zero fields match everything.
type Filter struct {
	Provider string
	Tenants  []string // any of these
	Status   string
	OrderID  string // LiqPay order_id or Liquido idempotencyKey
	From, To time.Time
}

func (f Filter) matches(s *stored) bool {
	r := s.labels.Value()
	switch {
	case f.Provider != "" && r.Provider != f.Provider,
		f.Status != "" && r.Status != f.Status,
		f.OrderID != "" && s.OrderID != f.OrderID,
		!f.From.IsZero() && s.Created < nanos(f.From),
		!f.To.IsZero() && s.Created > nanos(f.To):
		return false
	}
	return true
}

// List returns the payments f selects, newest first, from offset on, at
// most limit of them, with how many matched in all.
func (l *Ledger) List(f Filter, offset, limit int) ([]Record, int) {
	l.mu.Lock()
	var match []found
	visit := func(b *book) {
		for id, e := range b.byID {
			if f.matches(&e.rec) {
				match = append(match, found{id, e})
			}
		}
	}
	if f.Tenants != nil {
		for _, t := range f.Tenants {
			if b := l.books[t]; b != nil {
				visit(b)
			}
		}
	} else {
		for _, b := range l.books {
			visit(b)
		}
	}
	l.mu.Unlock()
	slices.SortFunc(match, func(a, b found) int { return cmp.Compare(b.seq, a.seq) })
	total := len(match)
	match = match[min(offset, total):]
	match = match[:min(limit, len(match))]
	out := make([]Record, len(match))
	for i, m := range match {
		out[i] = m.rec.record(m.id)
	}
	l.rendered(out)
	return out, total
}

// Find returns the payments with id (payment_id or idempotencyKey) in any of
// tenants (every tenant when nil), newest first.
func (l *Ledger) Find(id string, tenants []string) []Payment {
	out := l.find(id, tenants)
	recs := make([]Record, len(out))
	for i := range out {
		recs[i] = out[i].Record
	}
	l.rendered(recs)
	for i := range out {
		out[i].Record = recs[i]
	}
	return out
}

func (l *Ledger) find(id string, tenants []string) []Payment {
	l.mu.Lock()
	defer l.mu.Unlock()
	var hits []*entry
	look := func(b *book) {
		if e := b.byID[id]; e != nil {
			hits = append(hits, e)
		}
	}
	if tenants != nil {
		for _, t := range tenants {
			if b := l.books[t]; b != nil {
				look(b)
			}
		}
	} else {
		for _, b := range l.books {
			look(b)
		}
	}
	slices.SortFunc(hits, func(a, b *entry) int { return cmp.Compare(b.seq, a.seq) })
	out := make([]Payment, len(hits))
	for i, e := range hits {
		out[i] = Payment{Record: e.rec.record(id), Changes: e.changes()}
	}
	return out
}

// Count returns how many payments each provider holds: records of another
// Kind (payouts, unpaid payment links) are not payments.
func (l *Ledger) Count() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for _, b := range l.books {
		for _, e := range b.byID {
			if l := e.rec.labels.Value(); l.Kind == "" {
				out[l.Provider]++
			}
		}
	}
	return out
}

// ResetTenant forgets a tenant's payments and clock moves ("" for all),
// and wakes the waiters so they look again.
func (l *Ledger) ResetTenant(tenant string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if tenant == "" {
		l.books = map[string]*book{}
		l.moves = map[string][]Move{}
	} else {
		delete(l.books, tenant)
		delete(l.moves, tenant)
	}
	l.broadcast()
}

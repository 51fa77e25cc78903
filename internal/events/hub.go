// Package events fans out what happens in mockpay (a payment made or
// changed, a callback attempt, a clock move, a reset) to the dashboard's
// live connections. Publishing never blocks: each subscriber has a small
// buffer, and one that falls behind loses what does not fit and is told to
// resync (re-read the lists) instead of holding memory or slowing the
// emulators down.
package events

import (
	"encoding/json"
	"errors"
	"sync"
)

// Kinds of events.
const (
	Payment  = "payment"  // a payment was made or changed (Data: the ledger record)
	Callback = "callback" // a callback attempt finished (Data: the callback with its attempts)
	Clock    = "clock"    // a merchant's clock moved (Data: from, to, kind)
	Reset    = "reset"    // a merchant (or everything, Tenant "") was reset
)

// Event is one thing that happened to a tenant ("provider:key").
type Event struct {
	Kind   string
	Tenant string // "" for every tenant (a global reset)
	Data   json.RawMessage
}

// DefaultBuffer is how many events a subscriber may fall behind by before it
// is told to resync.
const DefaultBuffer = 256

// DefaultMaxSubscribers is how many subscriptions may be open at once.
const DefaultMaxSubscribers = 256

// ErrFull is what TrySubscribe answers when MaxSubscribers are open.
var ErrFull = errors.New("events: too many subscribers")

// Hub is safe for concurrent use; the zero value is ready.
type Hub struct {
	mu             sync.Mutex
	subs           map[*Sub]struct{}
	done           chan struct{} // closed by Close
	closed         bool
	Buffer         int // per subscriber; DefaultBuffer when zero
	MaxSubscribers int // for TrySubscribe; DefaultMaxSubscribers when zero
}

// Sub is one subscription. Read C; when Lost fires, events were dropped:
// discard what C still holds and start over from the lists.
type Sub struct {
	C    <-chan Event
	Lost <-chan struct{}
	// Done is closed when the hub closes (the server shuts down): the
	// subscriber should end its stream.
	Done  <-chan struct{}
	c     chan Event
	lost  chan struct{}
	wants func(tenant string) bool
}

// Subscribe starts a subscription to the events whose tenant wants accepts
// (every event when wants is nil). Cancel it with Unsubscribe.
func (h *Hub) Subscribe(wants func(tenant string) bool) *Sub {
	n := h.Buffer
	if n <= 0 {
		n = DefaultBuffer
	}
	s := &Sub{c: make(chan Event, n), lost: make(chan struct{}, 1), wants: wants}
	s.C, s.Lost = s.c, s.lost
	h.mu.Lock()
	defer h.mu.Unlock()
	h.add(s)
	return s
}

// TrySubscribe is Subscribe bounded by MaxSubscribers: with that many open
// it returns ErrFull, so many idle dashboards cannot pile up goroutines and
// buffers.
func (h *Hub) TrySubscribe(wants func(tenant string) bool) (*Sub, error) {
	limit := h.MaxSubscribers
	if limit <= 0 {
		limit = DefaultMaxSubscribers
	}
	h.mu.Lock()
	full := len(h.subs) >= limit
	h.mu.Unlock()
	if full {
		return nil, ErrFull
	}
	s := h.Subscribe(wants)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) > limit { // another took the last place meanwhile
		delete(h.subs, s)
		return nil, ErrFull
	}
	return s, nil
}

// add registers s; caller holds mu.
func (h *Hub) add(s *Sub) {
	if h.subs == nil {
		h.subs = map[*Sub]struct{}{}
	}
	s.Done = h.doneChan()
	h.subs[s] = struct{}{}
}

// doneChan returns the channel Close closes; caller holds mu.
func (h *Hub) doneChan() chan struct{} {
	if h.done == nil {
		h.done = make(chan struct{})
	}
	return h.done
}

// Close tells every subscription, present and future, that the hub is
// done (Sub.Done): the server is shutting down and streams should end.
// Calling it again does nothing.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.doneChan())
	}
}

// Unsubscribe ends a subscription; nothing is sent to it afterwards.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, s)
}

// Subscribers reports how many subscriptions are open (tests, metrics).
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Publish hands e to every subscription that wants it, without blocking. A
// global event (Tenant "") goes to everyone.
func (h *Hub) Publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if e.Tenant != "" && s.wants != nil && !s.wants(e.Tenant) {
			continue
		}
		select {
		case s.c <- e:
		default:
			select {
			case s.lost <- struct{}{}:
			default: // already told
			}
		}
	}
}

// wanted reports whether any subscription would take an event of tenant.
// Wants reports whether any subscription would receive an event of tenant
// now, so a publisher can skip building one for no one.
func (h *Hub) Wants(tenant string) bool { return h.wanted(tenant) }

func (h *Hub) wanted(tenant string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if tenant == "" || s.wants == nil || s.wants(tenant) {
			return true
		}
	}
	return false
}

// PublishJSON publishes data marshalled as JSON; a value that does not
// marshal is published as null rather than lost.
//
// Nothing is marshalled when no subscription wants the event: most of the
// time no dashboard is open, and marshalling every payment change for no
// one cost about 5% of the CPU of a LiqPay pay (docs/benchmarks.md).
func (h *Hub) PublishJSON(kind, tenant string, data any) {
	if !h.wanted(tenant) {
		return
	}
	raw, err := json.Marshal(data)
	if err != nil {
		raw = json.RawMessage("null")
	}
	h.Publish(Event{Kind: kind, Tenant: tenant, Data: raw})
}

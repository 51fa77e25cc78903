// Package callback holds mockpay's callback dispatcher: it delivers the HTTP
// callbacks (webhooks) that emulated providers send to merchants, retries
// failed ones on the tenant's virtual clock, keeps callbacks that share an
// ordering key in order, and keeps a per-attempt delivery log that the control
// API and the dashboard show.
//
// It must not know anything about LiqPay or Liquido. A provider package builds
// the URL, the headers (its signature header included) and the body, and hands
// them over as a Request together with the tenant's clock:
//
//	d := callback.New(callback.Options{Logger: log})
//	id := d.Enqueue(tenantClock, callback.Request{
//		Tenant:   "liqpay:sandbox_i00000000",
//		Provider: "liqpay",
//		URL:      serverURL,
//		Header:   http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
//		Body:     body,
//		OrderKey: orderID, // one payment's callbacks arrive in the order they were sent
//		Labels:   map[string]string{"order_id": orderID, "status": "success"},
//	})
//
// # Delivery
//
// Any 2xx answer means delivered. Anything else — another status, a redirect
// (redirects are not followed, as webhook senders usually do not), a timeout,
// a refused connection, a TLS error, a URL that cannot be parsed — is a failed
// attempt. After a failed attempt the callback is retried per its Policy;
// when the attempts run out its status becomes failed. DefaultPolicy times
// each attempt out after 10 s and retries after 1s, 5s, 30s, 2m, 10m, 30m and
// 1h: eight attempts in all. The real providers do not document their retry
// schedules (reference liqpay.md §7, liquido.md §15.5), so this is a guess an
// integrator will find unsurprising.
//
// # Time
//
// Every wait is a timer on the tenant's virtual clock (Scheduler), never a
// sleep: the first attempt is due at Now()+Request.Delay, attempt n+1 at the
// virtual time attempt n started plus Policy.Backoff[n-1]. An attempt whose
// time has come starts at once in its own goroutine, so neither Enqueue, the
// control API nor the clock's timer goroutine ever waits on a receiver. As an
// attempt is a real HTTP exchange, the retry after it is scheduled only when
// it has finished: to play a retry chain out, advance the clock to the next
// attempt, Settle, and repeat (Dispatcher.NextAttemptAt says where the next
// step is). One large Advance fires only the retry already scheduled.
//
// Settle waits until no attempt of a tenant is in flight; the control API
// calls it after advancing a clock so that a test sees the outcome of the
// attempts the advance started. An attempt that becomes due while another
// finishes (the next callback of an ordered queue, a zero backoff) starts
// before the finished one stops counting, so one Settle covers the chain.
//
// # Ordering
//
// Callbacks of one tenant with the same non-empty OrderKey are delivered
// head-of-line: the next is not attempted until the one before it is
// delivered or has failed for good, even while the one before waits for a
// retry. Different keys, callbacks without a key and Unordered ones are
// independent of each other. A callback's Delay counts from Enqueue, so a
// callback that waited in the queue past its due time is sent as soon as its
// turn comes.
//
// # Records
//
// Callbacks are kept in memory per tenant in the order they were enqueued;
// List returns them oldest first (ids sort the same way). When a tenant has
// more than Options.MaxRecordsPerTenant, its oldest finished (delivered or
// failed) callbacks are forgotten; pending ones are always kept. Reset forgets
// a tenant's callbacks and cancels their timers and in-flight attempts.
// Callback values are snapshots, safe to keep and to encode as JSON.
package callback

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
)

// Scheduler is a tenant's virtual clock; *clock.Virtual satisfies it.
type Scheduler interface {
	Now() time.Time
	At(at time.Time, fn func()) *clock.Timer
}

// Request is one callback as a provider hands it over.
type Request struct {
	Tenant   string // tenant id, e.g. "liqpay:sandbox_i00000000"; List, Settle and Reset select by it
	Provider string // "liqpay" or "liquido"; shown and logged only
	URL      string
	Method   string      // POST when empty
	Header   http.Header // sent as given: Content-Type, signature headers
	Body     []byte
	// Sign, when set, adds headers computed for each attempt at its virtual
	// time: a signature that carries its timestamp must be made when the
	// attempt is sent, or a receiver that refuses stale timestamps would
	// refuse every retry.
	Sign func(at time.Time, body []byte) http.Header
	// SignSpec is Sign's recipe in words the provider understands (say
	// "merchant" or "wrong key"): a function cannot be saved in a state
	// file, so after a restart the provider's signer rebuilds Sign from it
	// (StatePart.Signer).
	SignSpec string

	// OrderKey orders callbacks: those of one tenant with the same key are
	// delivered strictly one after another (see the package comment).
	OrderKey string
	// Unordered sends this callback without waiting for its OrderKey's queue,
	// for faults such as out-of-order delivery. The key is still recorded.
	Unordered bool
	// Delay puts the first attempt at Now()+Delay on the tenant clock.
	Delay time.Duration
	// Labels make the callback searchable: order_id, payment_id, status, event.
	Labels map[string]string
	// Policy overrides the dispatcher's policy field by field; its zero
	// value means the dispatcher's.
	Policy Policy
}

// Policy says how long an attempt may take and when a failed one is retried.
type Policy struct {
	// Timeout bounds one attempt, from connecting to reading the answer.
	// Zero means the default (10 s).
	Timeout time.Duration
	// Backoff holds the delays before attempts 2, 3, …, each counted from
	// the virtual time the attempt before started; a callback gets
	// len(Backoff)+1 attempts. Nil means the default; an empty non-nil
	// slice means a single attempt.
	Backoff []time.Duration
}

// DefaultPolicy returns the policy used where none is configured: a 10 s
// timeout and retries after 1s, 5s, 30s, 2m, 10m, 30m and 1h.
func DefaultPolicy() Policy {
	return Policy{
		Timeout: 10 * time.Second,
		Backoff: []time.Duration{
			time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute,
			10 * time.Minute, 30 * time.Minute, time.Hour,
		},
	}
}

// orDefault fills the fields p leaves zero from def.
func (p Policy) orDefault(def Policy) Policy {
	if p.Timeout <= 0 {
		p.Timeout = def.Timeout
	}
	if p.Backoff == nil {
		p.Backoff = def.Backoff
	}
	return p
}

// Status is where a callback stands.
type Status string

const (
	// StatusPending: not delivered yet and attempts remain (or its turn in
	// the order queue has not come).
	StatusPending Status = "pending"
	// StatusDelivered: some attempt was answered with a 2xx.
	StatusDelivered Status = "delivered"
	// StatusFailed: every attempt the policy allows failed.
	StatusFailed Status = "failed"
)

// Callback is a snapshot of one callback and its delivery log.
type Callback struct {
	ID        string            `json:"id"`
	Tenant    string            `json:"tenant"`
	Provider  string            `json:"provider"`
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Header    http.Header       `json:"headers"`
	Body      string            `json:"body"`
	OrderKey  string            `json:"order_key,omitempty"`
	Unordered bool              `json:"unordered,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
	Status    Status            `json:"status"`
	CreatedAt time.Time         `json:"created_at"` // virtual time of Enqueue
	// NextAttemptAt is the virtual time the next scheduled attempt is due;
	// zero (and omitted) when none is scheduled: delivered, failed, in
	// flight, or waiting for its turn in the order queue.
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	MaxAttempts   int       `json:"max_attempts"` // what the policy allows; redeliveries come on top
	Attempts      []Attempt `json:"attempts"`     // finished attempts, by number
}

// Attempt is one finished HTTP exchange (or the failure to have one).
type Attempt struct {
	Number     int         `json:"number"` // 1-based, in the order attempts started
	At         time.Time   `json:"at"`     // virtual time it started
	Redelivery bool        `json:"redelivery,omitempty"`
	URL        string      `json:"url"`
	Method     string      `json:"method"`
	Header     http.Header `json:"request_headers"`
	Body       string      `json:"request_body"`
	// ResponseStatus is zero when no answer arrived.
	ResponseStatus int         `json:"response_status,omitempty"`
	ResponseHeader http.Header `json:"response_headers,omitempty"`
	// ResponseBody holds at most the first 4 KiB of the answer.
	ResponseBody      string  `json:"response_body,omitempty"`
	ResponseTruncated bool    `json:"response_truncated,omitempty"`
	DurationMS        float64 `json:"duration_ms"` // real time the exchange took
	// Error says why no answer arrived (or its body could not be read).
	Error string `json:"error,omitempty"`
}

// Delivered reports whether the attempt was answered with a 2xx.
func (a Attempt) Delivered() bool { return a.ResponseStatus >= 200 && a.ResponseStatus < 300 }

// Filter selects callbacks for List. Zero fields match everything.
type Filter struct {
	Tenant   string
	Provider string
	Status   Status
	Labels   map[string]string // every pair must match
	// Limit keeps only the newest Limit matches (still oldest first).
	Limit int
}

// Options configure a Dispatcher. Zero fields take the documented defaults.
type Options struct {
	// Client sends attempts. The default shares one Transport that keeps
	// up to 1024 idle connections per host and does not follow redirects.
	// Per-attempt timeouts come from the Policy, not from Client.Timeout.
	Client *http.Client
	// Policy is used where a Request leaves its own zero (DefaultPolicy).
	Policy Policy
	// Logger receives every attempt at debug level (bodies are never
	// logged) and callbacks that failed for good at warn level. Nil discards.
	Logger *slog.Logger
	// MaxRecordsPerTenant caps the callbacks kept per tenant (10,000).
	MaxRecordsPerTenant int
	// MaxInFlight caps concurrent attempts (1,024); attempts beyond it wait
	// their turn without holding a goroutine each. It protects the machine,
	// not the receivers: it is no small worker pool.
	MaxInFlight int
	// MaxInFlightPerTenant caps one tenant's concurrent attempts (default a
	// quarter of MaxInFlight), so that a merchant whose receiver hangs or
	// crawls fills only its own share and other tenants' callbacks still
	// go out at once. Tenants with a backlog take turns for free slots.
	MaxInFlightPerTenant int
	// OnAttempt, when set, is handed the callback (with the attempt just
	// finished and its next scheduled one) each time an attempt finishes:
	// the dashboard's live feed. Headers and bodies are left out (Get has
	// them), so a busy dispatcher copies no payloads for it. It runs outside
	// the dispatcher's lock but before the attempt stops counting as in
	// flight (so Settle sees its effects); it should return quickly. Two
	// attempts of one callback finishing at once (a redelivery racing a
	// retry) may be handed over in either order.
	OnAttempt func(Callback)
}

// Errors Redeliver returns.
var (
	ErrNotFound = errors.New("callback: no such callback")
	ErrClosed   = errors.New("callback: dispatcher closed")
)

package callback

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
)

// Dispatcher delivers callbacks; it is safe for concurrent use. Create it
// with New and stop it with Close.
type Dispatcher struct {
	client       *http.Client
	policy       Policy
	log          *slog.Logger
	maxRecords   int
	maxInFlight  int
	maxPerTenant int // attempts of one tenant sent at once; the rest wait in its backlog

	base   context.Context // parent of every attempt; cancelled when Close gives up waiting
	cancel context.CancelFunc

	// mu guards everything below. One lock is plenty: it is held for map
	// and slice updates only, never across the network.
	mu sync.Mutex
	// idle is broadcast when an in-flight count drops to zero, and when a
	// Settle's context ends.
	idle *sync.Cond
	// attempt is broadcast when any attempt ends, while someone Waits for
	// one callback.
	attempt  *sync.Cond
	waiters  int
	seq      uint64
	byID     map[string]*record
	tenants  map[string]*tenant
	inflight map[string]int // attempts launched and not finished, by tenant name; survives Reset so Settle covers cancelled ones
	total    int            // sum of inflight
	running  int            // goroutines sending attempts, at most maxInFlight
	// ready lists, in round-robin order, the tenants with a backlog and a
	// free slot under maxPerTenant. A goroutine that finishes an attempt
	// takes its next job from the front tenant, which then goes to the
	// back: a tenant whose receiver hangs fills its own slots only, and
	// every other tenant's attempts keep going out at once.
	ready     []*tenant
	closed    bool
	changed   chan struct{}         // closed by the next finished attempt (observe.go)
	attempts  map[AttemptKey]uint64 // finished attempts, for metrics
	onAttempt func(Callback)
}

// tenant holds one tenant's callbacks.
type tenant struct {
	name    string
	ctx     context.Context // cancelled by Reset to abort the tenant's in-flight attempts
	cancel  context.CancelFunc
	records []*record            // enqueue order, for List and retention
	queues  map[string][]*record // OrderKey → callbacks not yet finished, head first
	// done holds finished records in the order they finished: retention
	// forgets from its front without scanning past pending records, which
	// pile up when a receiver is down.
	done      []*record
	forgotten int // records in records marked forgotten, compacted away in bulk

	sending int   // this tenant's attempts being sent now, at most maxPerTenant
	backlog []job // launched attempts waiting for a slot, oldest first
	listed  bool  // in Dispatcher.ready
}

// record is the dispatcher's own view of a callback; snapshot copies it out.
type record struct {
	forgotten bool // dropped by retention; compacted out of tenant.records later
	inDone    bool // queued in tenant.done
	seq       uint64
	id        string
	t         *tenant
	provider  string
	url       string
	method    string
	header    http.Header // never modified after Enqueue
	sign      func(time.Time, []byte) http.Header
	signSpec  string
	body      []byte // never modified after Enqueue
	orderKey  string
	unordered bool
	labels    map[string]string
	policy    Policy
	sched     Scheduler
	created   time.Time
	firstDue  time.Time
	born      int64 // real time it was enqueued, Unix ns, for Expire (retention by age)

	status   Status
	queued   bool         // still in its order queue
	timer    *clock.Timer // the scheduled next attempt, if any
	next     time.Time    // when timer is due
	gen      uint64       // bumped whenever timer changes, so a stale timer firing is ignored
	tries    int          // policy attempts launched (redeliveries not counted)
	numbered int          // attempt numbers handed out
	running  int          // attempts in flight
	attempts []attempt    // finished, sorted by number
	dropped  bool         // forgotten by Reset
}

// job is one attempt to send.
type job struct {
	r      *record
	ctx    context.Context
	at     time.Time // virtual time the attempt started
	number int
	manual bool // a Redeliver, outside the policy's count
}

const (
	defaultMaxRecords  = 10000
	defaultMaxInFlight = 1024
	// defaultTenantShare is the fraction of MaxInFlight one tenant may
	// use: a hung receiver holds at most a quarter of the goroutines.
	defaultTenantShare = 4
)

// New returns a Dispatcher ready to Enqueue.
func New(opts Options) *Dispatcher {
	d := &Dispatcher{
		client:      opts.Client,
		policy:      clonePolicy(opts.Policy).orDefault(DefaultPolicy()),
		log:         opts.Logger,
		maxRecords:  opts.MaxRecordsPerTenant,
		maxInFlight: opts.MaxInFlight,
		byID:        make(map[string]*record),
		tenants:     make(map[string]*tenant),
		inflight:    make(map[string]int),
		onAttempt:   opts.OnAttempt,
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.maxRecords <= 0 {
		d.maxRecords = defaultMaxRecords
	}
	if d.maxInFlight <= 0 {
		d.maxInFlight = defaultMaxInFlight
	}
	d.maxPerTenant = opts.MaxInFlightPerTenant
	if d.maxPerTenant <= 0 {
		d.maxPerTenant = max(1, d.maxInFlight/defaultTenantShare)
	}
	d.maxPerTenant = min(d.maxPerTenant, d.maxInFlight)
	if d.client == nil {
		d.client = defaultClient(d.maxInFlight)
	}
	d.idle = sync.NewCond(&d.mu)
	d.attempt = sync.NewCond(&d.mu)
	d.base, d.cancel = context.WithCancel(context.Background())
	return d
}

// Enqueue records a callback and schedules its first attempt on s, the
// tenant's clock (which must not be nil). It never waits on the network and
// returns the callback's id: "cb_" and a zero-padded sequence number, so ids
// sort in enqueue order. After Close the callback is recorded but never sent.
func (d *Dispatcher) Enqueue(s Scheduler, req Request) string {
	// Copying and allocating happen before taking the lock that every
	// delivery also takes.
	now := s.Now()
	r := &record{
		provider:  req.Provider,
		url:       req.URL,
		method:    req.Method,
		header:    req.Header.Clone(),
		sign:      req.Sign,
		signSpec:  req.SignSpec,
		body:      slices.Clone(req.Body),
		orderKey:  req.OrderKey,
		unordered: req.Unordered,
		labels:    maps.Clone(req.Labels),
		policy:    clonePolicy(req.Policy).orDefault(d.policy),
		sched:     s,
		created:   now,
		born:      time.Now().UnixNano(),
		firstDue:  now.Add(max(req.Delay, 0)),
		status:    StatusPending,
	}
	if r.method == "" {
		r.method = http.MethodPost
	}
	if r.header == nil {
		r.header = http.Header{}
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	r.seq = d.seq
	r.id = formatID(d.seq)
	t := d.tenant(req.Tenant)
	r.t = t
	d.byID[r.id] = r
	t.records = append(t.records, r)
	d.retain(t)

	if d.closed {
		return r.id
	}
	if r.orderKey != "" && !r.unordered {
		q := t.queues[r.orderKey]
		t.queues[r.orderKey] = append(q, r)
		r.queued = true
		if len(q) > 0 {
			return r.id // its turn comes when the callbacks before it finish
		}
	}
	d.schedule(r, r.firstDue)
	return r.id
}

// Get returns a snapshot of one callback.
func (d *Dispatcher) Get(id string) (Callback, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.byID[id]
	if !ok {
		return Callback{}, false
	}
	return r.snapshot(), true
}

// List returns snapshots of the callbacks f selects, oldest first.
func (d *Dispatcher) List(f Filter) []Callback {
	d.mu.Lock()
	defer d.mu.Unlock()
	match := d.matching(f)
	if f.Limit > 0 && len(match) > f.Limit {
		match = match[len(match)-f.Limit:]
	}
	out := make([]Callback, len(match))
	for i, r := range match {
		out[i] = r.snapshot()
	}
	return out
}

// matching lists the records f selects, oldest first. Caller holds d.mu.
func (d *Dispatcher) matching(f Filter) []*record {
	var recs []*record
	if f.Tenant != "" {
		if t := d.tenants[f.Tenant]; t != nil {
			recs = t.records
		}
	} else {
		for _, t := range d.tenants {
			recs = append(recs, t.records...)
		}
		slices.SortFunc(recs, func(a, b *record) int { return cmp.Compare(a.seq, b.seq) })
	}
	var match []*record
	for _, r := range recs {
		if !r.forgotten && f.matches(r) {
			match = append(match, r)
		}
	}
	return match
}

func (f Filter) matches(r *record) bool {
	if f.Provider != "" && r.provider != f.Provider {
		return false
	}
	if f.Status != "" && r.status != f.Status {
		return false
	}
	for k, v := range f.Labels {
		if got, ok := r.labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// Redeliver starts one more attempt of a callback now, whatever its status
// and outside its policy's count (the attempt is marked as a redelivery). It
// does not wait for the answer: it returns the snapshot as the attempt starts;
// Settle, then Get, shows the result. A 2xx makes the callback delivered (and
// releases its order queue); a failure changes nothing, so a delivered
// callback stays delivered and a pending one keeps its schedule.
func (d *Dispatcher) Redeliver(id string) (Callback, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.byID[id]
	if !ok {
		return Callback{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if d.closed {
		return Callback{}, ErrClosed
	}
	d.launch(r, r.sched.Now(), true)
	return r.snapshot(), nil
}

// NextAttemptAt returns the earliest virtual time an attempt of tenant ("" for
// every tenant) is scheduled, if any. Stepping a clock from one such time to
// the next with a Settle in between plays retry chains out in full.
func (d *Dispatcher) NextAttemptAt(tenant string) (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var next time.Time
	for name, t := range d.tenants {
		if tenant != "" && name != tenant {
			continue
		}
		for _, r := range t.records {
			if r.timer != nil && (next.IsZero() || r.next.Before(next)) {
				next = r.next
			}
		}
	}
	return next, !next.IsZero()
}

// Settle waits until no attempt of tenant ("" for every tenant) is in
// flight, or until ctx ends, whose error it then returns. Timers not yet due
// are not waited for.
func (d *Dispatcher) Settle(ctx context.Context, tenant string) error {
	// sync.Cond cannot select on a context, so the context's end wakes the
	// waiters instead; taking mu first means the wake-up cannot slip in
	// between the check below and Wait.
	stop := context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.idle.Broadcast()
		d.mu.Unlock()
	})
	defer stop()

	d.mu.Lock()
	defer d.mu.Unlock()
	for d.busy(tenant) {
		if err := ctx.Err(); err != nil {
			return err
		}
		d.idle.Wait()
	}
	return nil
}

// Wait waits until no attempt of callback id is in flight (an unknown id
// has none), or ctx ends. Unlike Settle it does not wait for the tenant's
// other callbacks, so a redelivery answers as soon as its own attempt ends.
func (d *Dispatcher) Wait(ctx context.Context, id string) error {
	stop := context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.attempt.Broadcast()
		d.mu.Unlock()
	})
	defer stop()

	d.mu.Lock()
	defer d.mu.Unlock()
	d.waiters++
	defer func() { d.waiters-- }()
	for {
		r := d.byID[id]
		if r == nil || r.running == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		d.attempt.Wait()
	}
}

func (d *Dispatcher) busy(tenant string) bool {
	if tenant == "" {
		return d.total > 0
	}
	return d.inflight[tenant] > 0
}

// Reset forgets tenant's callbacks ("" for every tenant): their timers are
// stopped and their in-flight attempts cancelled. Settle still waits for
// those cancelled attempts to wind down.
func (d *Dispatcher) Reset(tenant string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, t := range d.tenants {
		if tenant != "" && name != tenant {
			continue
		}
		t.cancel()
		for _, r := range t.records {
			d.stopTimer(r)
			r.dropped = true
			delete(d.byID, r.id)
		}
		delete(d.tenants, name)
	}
	d.broadcast()
}

// Close stops the dispatcher: no attempt starts any more, timers are
// stopped, and attempts in flight may finish until ctx ends, when they are
// cancelled. It returns how many callbacks are still pending (neither
// delivered nor failed). Calling it again only counts again.
func (d *Dispatcher) Close(ctx context.Context) (pending int) {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		for _, r := range d.byID {
			d.stopTimer(r)
		}
	}
	d.mu.Unlock()

	if d.Settle(ctx, "") != nil {
		d.cancel()
		// Every attempt watches d.base, so this wait is short.
		_ = d.Settle(context.Background(), "")
	}
	d.cancel()

	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.byID {
		if r.status == StatusPending {
			pending++
		}
	}
	return pending
}

// clonePolicy keeps a caller's later changes to its Backoff slice out.
func clonePolicy(p Policy) Policy {
	p.Backoff = slices.Clone(p.Backoff) // nil stays nil, empty stays empty
	return p
}

// formatID spells seq as "cb_" and at least 12 digits, so that ids sort as
// strings in the order they were handed out.
func formatID(seq uint64) string {
	const digits = 12
	var num [20]byte
	n := strconv.AppendUint(num[:0], seq, 10)
	id := make([]byte, 0, 3+max(len(n), digits))
	id = append(id, "cb_"...)
	for range digits - len(n) {
		id = append(id, '0')
	}
	return string(append(id, n...))
}

func (d *Dispatcher) tenant(name string) *tenant {
	t := d.tenants[name]
	if t == nil {
		t = &tenant{name: name, queues: make(map[string][]*record)}
		t.ctx, t.cancel = context.WithCancel(d.base)
		d.tenants[name] = t
	}
	return t
}

// retain forgets t's oldest finished callbacks beyond the cap. Pending ones
// stay, so the cap can be exceeded while many callbacks wait. Each call does
// O(1) work on average: finished records come off the front of t.done, and
// t.records is compacted only once half of it is forgotten.
func (d *Dispatcher) retain(t *tenant) {
	for len(t.records)-t.forgotten > d.maxRecords && len(t.done) > 0 {
		r := t.done[0]
		t.done[0] = nil
		t.done = t.done[1:]
		r.inDone = false
		if r.forgotten || r.running > 0 || r.status == StatusPending {
			continue // a redelivery in flight queues it again when it finishes
		}
		r.forgotten = true
		t.forgotten++
		delete(d.byID, r.id)
	}
	if t.forgotten > 0 && t.forgotten >= len(t.records)/2 {
		t.records = slices.DeleteFunc(t.records, func(r *record) bool { return r.forgotten })
		t.forgotten = 0
	}
}

// finished queues r for retention once it is delivered or failed and no
// attempt of it is in flight.
func (d *Dispatcher) finished(r *record) {
	if r.status != StatusPending && r.running == 0 && !r.inDone && !r.forgotten && !r.dropped {
		r.inDone = true
		r.t.done = append(r.t.done, r)
	}
}

// schedule arranges r's next policy attempt at the virtual time at. A time
// already reached launches it at once rather than through a timer, so that
// it counts as in flight before whoever called schedule stops counting.
func (d *Dispatcher) schedule(r *record, at time.Time) {
	if now := r.sched.Now(); !at.After(now) {
		d.launch(r, now, false)
		return
	}
	r.gen++
	gen := r.gen
	r.next = at
	r.timer = r.sched.At(at, func() { d.fire(r, gen) })
}

// fire runs on the clock's timer goroutine (or inside Advance): it only
// launches, it never sends.
func (d *Dispatcher) fire(r *record, gen uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r.gen != gen || r.timer == nil || r.dropped || d.closed || r.status != StatusPending {
		return
	}
	r.timer, r.next = nil, time.Time{}
	// Now, not the due time: the background loop may fire a little late,
	// and Advance sets Now to the due time anyway.
	d.launch(r, r.sched.Now(), false)
}

func (d *Dispatcher) stopTimer(r *record) {
	r.gen++
	if r.timer != nil {
		r.timer.Stop()
		r.timer, r.next = nil, time.Time{}
	}
}

// launch counts an attempt as in flight and hands it to a goroutine, or to
// its tenant's backlog when the tenant already sends maxPerTenant attempts
// or MaxInFlight goroutines are busy.
func (d *Dispatcher) launch(r *record, at time.Time, manual bool) {
	if !manual {
		r.tries++
	}
	r.numbered++
	r.running++
	d.inflight[r.t.name]++
	d.total++
	j := job{r: r, ctx: r.t.ctx, at: at, number: r.numbered, manual: manual}
	t := r.t
	// A tenant with nothing being sent always gets a goroutine, even with
	// MaxInFlight reached: when several receivers hang, their tenants'
	// shares can add up to every slot, and a merchant that shares none of
	// their trouble must still be served at once. The overshoot is at most
	// one goroutine per tenant.
	if len(t.backlog) == 0 && t.sending < d.maxPerTenant && (d.running < d.maxInFlight || t.sending == 0) {
		extra := d.running >= d.maxInFlight
		d.running++
		t.sending++
		go d.run(j, extra)
		return
	}
	t.backlog = append(t.backlog, j)
	d.list(t)
}

// rescue gives t a goroutine of its own when it is left with a backlog and
// nothing being sent (see launch): the goroutines that would take its jobs
// from the ring may all be hung on other tenants' receivers.
func (d *Dispatcher) rescue(t *tenant) {
	if t.sending > 0 || len(t.backlog) == 0 {
		return
	}
	j := t.backlog[0]
	t.backlog[0] = job{}
	t.backlog = t.backlog[1:]
	if len(t.backlog) == 0 {
		t.backlog = nil
	}
	extra := d.running >= d.maxInFlight
	d.running++
	t.sending++
	go d.run(j, extra)
}

// list puts t at the back of the ready ring if it has a backlog and a free
// slot and is not there yet.
func (d *Dispatcher) list(t *tenant) {
	if !t.listed && len(t.backlog) > 0 && t.sending < d.maxPerTenant {
		t.listed = true
		d.ready = append(d.ready, t)
	}
}

// run sends j, then keeps taking jobs from the tenants' backlogs while there
// are any. An extra goroutine (one beyond MaxInFlight that launch or rescue
// let a tenant have) serves its own tenant only until the count is back
// under the cap: taken from the ring, it could hang on another tenant's
// receiver, and the overshoot would grow with every such turn instead of
// staying one per tenant.
func (d *Dispatcher) run(j job, extra bool) {
	for {
		a := d.send(j)
		d.logAttempt(j, a)

		d.mu.Lock()
		gaveUp := d.complete(j, a)
		summary, tell := d.observe(j, a)
		if tell {
			d.mu.Unlock()
			d.onAttempt(summary)
			d.mu.Lock()
		}
		if gaveUp {
			// Logged before the attempt stops counting as in flight, so
			// whoever Settles sees the log line too.
			d.mu.Unlock()
			d.log.LogAttrs(context.Background(), slog.LevelWarn, "callback failed for good",
				slog.String("id", j.r.id), slog.String("tenant", j.r.t.name),
				slog.String("provider", j.r.provider), slog.String("url", j.r.url),
				slog.Int("attempts", j.number), slog.Int("last_status", a.status),
				slog.String("last_error", a.err))
			d.mu.Lock()
		}
		d.done(j)
		t := j.r.t
		t.sending--
		d.list(t)
		if extra && d.running <= d.maxInFlight {
			extra = false
		}
		var next job
		var more bool
		if extra {
			next, more = d.takeOwn(t)
		} else {
			next, more = d.takeBacklog()
		}
		d.rescue(t)
		d.mu.Unlock()
		if !more {
			return
		}
		j = next
	}
}

// takeBacklog hands the calling goroutine the oldest job of the tenant at
// the front of the ready ring, or retires the goroutine when none waits.
func (d *Dispatcher) takeBacklog() (job, bool) {
	for len(d.ready) > 0 {
		t := d.ready[0]
		d.ready[0] = nil
		d.ready = d.ready[1:]
		t.listed = false
		if len(t.backlog) == 0 || t.sending >= d.maxPerTenant {
			continue
		}
		j := t.backlog[0]
		t.backlog[0] = job{}
		t.backlog = t.backlog[1:]
		if len(t.backlog) == 0 {
			t.backlog = nil // let a burst's array go
		}
		t.sending++
		d.list(t) // to the back: one job per turn
		return j, true
	}
	d.running--
	return job{}, false
}

// takeOwn hands an extra goroutine the oldest job of its own tenant t, or
// retires it. t may stay in the ready ring; takeBacklog skips it there if it
// has nothing left.
func (d *Dispatcher) takeOwn(t *tenant) (job, bool) {
	if len(t.backlog) == 0 || t.sending >= d.maxPerTenant {
		d.running--
		return job{}, false
	}
	j := t.backlog[0]
	t.backlog[0] = job{}
	t.backlog = t.backlog[1:]
	if len(t.backlog) == 0 {
		t.backlog = nil
	}
	t.sending++
	return j, true
}

// complete records a finished attempt and decides what follows it. It
// reports whether the callback has just failed for good.
func (d *Dispatcher) complete(j job, a attempt) (gaveUp bool) {
	r := j.r
	r.running--
	i, _ := slices.BinarySearchFunc(r.attempts, a.number, func(x attempt, n int) int { return x.number - n })
	r.attempts = slices.Insert(r.attempts, i, a)

	ok := a.status >= 200 && a.status < 300
	switch {
	case r.dropped:
	case ok && r.status != StatusDelivered:
		r.status = StatusDelivered
		d.stopTimer(r)
		d.dequeue(r)
	case !ok && !j.manual && r.status == StatusPending && !d.closed:
		if r.tries <= len(r.policy.Backoff) {
			d.schedule(r, j.at.Add(r.policy.Backoff[r.tries-1]))
		} else {
			r.status = StatusFailed
			d.dequeue(r)
			gaveUp = true
		}
	}
	d.finished(r)
	return gaveUp
}

// done stops counting j as in flight. It comes after complete, so whatever
// complete launched is already in flight and a Settle cannot slip through
// between two attempts of a chain.
func (d *Dispatcher) done(j job) {
	name := j.r.t.name
	d.inflight[name]--
	d.total--
	if d.waiters > 0 {
		d.attempt.Broadcast()
	}
	if d.inflight[name] == 0 {
		delete(d.inflight, name)
		d.idle.Broadcast()
	} else if d.total == 0 {
		d.idle.Broadcast()
	}
}

// dequeue takes a finished r out of its order queue and, if it was the head,
// schedules the next callback.
func (d *Dispatcher) dequeue(r *record) {
	if !r.queued {
		return
	}
	r.queued = false
	t := r.t
	q := t.queues[r.orderKey]
	i := slices.Index(q, r)
	if i < 0 {
		return
	}
	q = slices.Delete(q, i, i+1)
	if len(q) == 0 {
		delete(t.queues, r.orderKey)
		return
	}
	t.queues[r.orderKey] = q
	if i == 0 && !d.closed {
		next := q[0]
		d.schedule(next, next.firstDue)
	}
}

// summary is snapshot without headers and bodies, for OnAttempt.
func (r *record) summary() Callback {
	c := Callback{
		ID:            r.id,
		Tenant:        r.t.name,
		Provider:      r.provider,
		URL:           r.url,
		Method:        r.method,
		OrderKey:      r.orderKey,
		Unordered:     r.unordered,
		Labels:        maps.Clone(r.labels),
		Status:        r.status,
		CreatedAt:     r.created,
		NextAttemptAt: r.next,
		MaxAttempts:   len(r.policy.Backoff) + 1,
		Attempts:      make([]Attempt, len(r.attempts)),
	}
	for i, a := range r.attempts {
		c.Attempts[i] = Attempt{
			Number:         a.number,
			At:             a.at,
			Redelivery:     a.manual,
			URL:            r.url,
			Method:         r.method,
			ResponseStatus: a.status,
			DurationMS:     float64(a.duration.Microseconds()) / 1000,
			Error:          a.err,
		}
	}
	return c
}

func (r *record) snapshot() Callback {
	// The summary, with the headers and bodies of the request and of each
	// attempt's answer.
	c := r.summary()
	c.Header, c.Body = r.header.Clone(), string(r.body)
	for i, a := range r.attempts {
		at := &c.Attempts[i]
		at.Header, at.Body = a.header(r), c.Body
		at.ResponseHeader, at.ResponseBody, at.ResponseTruncated = a.respHeader.Clone(), a.respBody, a.truncated
	}
	return c
}

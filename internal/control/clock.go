package control

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/mockpay/mockpay/internal/tenant"
)

// Tenants is what the clock endpoints need of the tenant registry.
type Tenants interface {
	List() []*tenant.Tenant
}

// Clock serves GET /_mockpay/clock, POST /_mockpay/clock/advance and
// POST /_mockpay/clock/set. Each takes an optional merchant (a tenant key
// such as sandbox_i00000000, with provider to disambiguate); without one
// they cover every tenant.
type Clock struct {
	Tenants Tenants
	// Attempts, when set, lets an advance wait for the callback attempts it
	// started, so the answer reflects them.
	Attempts Attempts
	// Wait bounds the whole advance's waiting for attempts (AdvanceWait
	// when zero). Past it the clock still moves to its target, in order,
	// without waiting, and the answer says "settled": false.
	Wait time.Duration
	// Moved, when set, is told of every clock move (the payment timeline).
	Moved func(tenantID string, from, to time.Time, kind string)
}

// Attempts is what a clock advance needs of the callback dispatcher.
type Attempts interface {
	InFlight(tenantID string) []string
	Wait(ctx context.Context, id string) error
}

// AdvanceWait is how long one advance (or set) waits in all for callback
// attempts, however many steps and merchants it covers. A receiver that
// never answers costs at most this, not a timeout per attempt.
const AdvanceWait = 10 * time.Second

type clockJSON struct {
	Tenant        string `json:"tenant"`
	Provider      string `json:"provider"`
	Merchant      string `json:"merchant"`
	Now           string `json:"now"`
	NowMS         int64  `json:"now_ms"`
	Offset        string `json:"offset"`
	PendingTimers int    `json:"pending_timers"`
}

func state(t *tenant.Tenant) clockJSON {
	now := t.Clock.Now()
	return clockJSON{Tenant: t.ID, Provider: t.Provider, Merchant: t.Key, Now: now.UTC().Format(time.RFC3339Nano),
		NowMS: now.UnixMilli(), Offset: t.Clock.Offset().String(), PendingTimers: t.Clock.Pending()}
}

func (c Clock) pick(provider, merchant string) []*tenant.Tenant {
	var out []*tenant.Tenant
	for _, t := range c.Tenants.List() {
		if (merchant == "" || t.Key == merchant) && (provider == "" || t.Provider == provider) {
			out = append(out, t)
		}
	}
	return out
}

// durationShape is a Go duration's syntax, to tell a malformed duration
// from one too long for time.Duration (both are ParseDuration errors).
var durationShape = regexp.MustCompile(`^[-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$`)

// Get answers the clocks' current state.
func (c Clock) Get(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts := c.pick(q.Get("provider"), q.Get("merchant"))
	if len(ts) == 0 {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + q.Get("merchant")})
		return
	}
	out := make([]clockJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, state(t))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"clocks": out})
}

// Advance moves the chosen clocks forward by a duration, running
// everything that falls due in order, and answers once the callback
// attempts it started have finished (within the Wait budget).
func (c Clock) Advance(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Duration string `json:"duration"`
		To       string `json:"to"` // "next": to the next due timer
		Merchant string `json:"merchant"`
		Provider string `json:"provider"`
	}
	if !readBody(w, r, &req, `body must be JSON like {"duration":"90s"} or {"to":"next"}`) {
		return
	}
	req.Merchant, req.Provider = orQuery(r, req.Merchant, "merchant"), orQuery(r, req.Provider, "provider")
	switch {
	case req.To == "next" && req.Duration == "":
		c.advanceToNext(w, r, req.Provider, req.Merchant)
		return
	case req.To != "":
		WriteJSON(w, http.StatusBadRequest, Error{Error: `"to" takes "next" (the next due event), without "duration"`})
		return
	}
	d, err := time.ParseDuration(req.Duration)
	switch {
	case err != nil && !durationShape.MatchString(req.Duration):
		WriteJSON(w, http.StatusBadRequest, Error{Error: "duration must be a non-negative Go duration such as 90s or 1h30m"})
		return
	case err != nil: // well formed, but past what a time.Duration holds (~292 years)
		WriteJSON(w, http.StatusBadRequest, Error{Error: "duration " + req.Duration + " is out of range: at most 100 years ahead"})
		return
	case d < 0:
		WriteJSON(w, http.StatusBadRequest, Error{Error: "duration must not be negative: clocks only move forward"})
		return
	}
	ts := c.pick(req.Provider, req.Merchant)
	if len(ts) == 0 {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + req.Merchant})
		return
	}
	// A clock pushed centuries ahead saturates time arithmetic and never
	// comes back (there is no going back in time), so refuse it.
	for _, t := range ts {
		if t.Clock.Offset()+d > maxOffset || t.Clock.Offset()+d < 0 {
			WriteJSON(w, http.StatusBadRequest, Error{Error: "a merchant's clock can run at most 100 years ahead of real time"})
			return
		}
	}
	targets := make([]time.Time, len(ts))
	for i, t := range ts {
		targets[i] = t.Clock.Now().Add(d)
	}
	c.move(w, r, ts, targets, "advance")
}

// advanceToNext moves each chosen clock to its own next due timer (an
// expiry, a delayed transition, a subscription period, a callback retry)
// and runs it, as an advance to that instant would. Clocks with nothing due
// stay; when none has anything due the answer is 409, and nothing moves.
func (c Clock) advanceToNext(w http.ResponseWriter, r *http.Request, provider, merchant string) {
	ts := c.pick(provider, merchant)
	if len(ts) == 0 {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + merchant})
		return
	}
	var due []*tenant.Tenant
	var targets []time.Time
	for _, t := range ts {
		if next, ok := t.Clock.NextDue(); ok {
			due = append(due, t)
			targets = append(targets, later(next, t.Clock.Now()))
		}
	}
	if len(due) == 0 {
		out := make([]clockJSON, 0, len(ts))
		for _, t := range ts {
			out = append(out, state(t))
		}
		WriteJSON(w, http.StatusConflict, map[string]any{"error": "nothing is due on these clocks", "clocks": out})
		return
	}
	c.move(w, r, due, targets, "advance")
}

// Set moves the chosen clocks to an absolute virtual time, running what
// falls due on the way as Advance does. Clocks move forward only: payments,
// callbacks and timers all hold times already passed, so a clock past the
// target answers 409 and no clock moves. A clock already at the target
// stays.
func (c Clock) Set(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Time     json.RawMessage `json:"time"`
		Merchant string          `json:"merchant"`
		Provider string          `json:"provider"`
	}
	const shape = `body must be JSON like {"time":"2030-01-01T00:00:00Z"} (RFC 3339 or epoch milliseconds)`
	if !readBody(w, r, &req, shape) {
		return
	}
	req.Merchant, req.Provider = orQuery(r, req.Merchant, "merchant"), orQuery(r, req.Provider, "provider")
	var text string
	if json.Unmarshal(req.Time, &text) != nil {
		text = string(req.Time) // a bare number of milliseconds
	}
	target, ok := parseTime(text)
	if !ok {
		WriteJSON(w, http.StatusBadRequest, Error{Error: shape})
		return
	}
	ts := c.pick(req.Provider, req.Merchant)
	if len(ts) == 0 {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + req.Merchant})
		return
	}
	targets := make([]time.Time, len(ts))
	for i, t := range ts {
		now := t.Clock.Now()
		if now.After(target) {
			WriteJSON(w, http.StatusConflict, map[string]any{
				"error":  "clocks only move forward: " + t.ID + " is already at " + now.UTC().Format(time.RFC3339Nano),
				"clocks": []clockJSON{state(t)},
			})
			return
		}
		if target.Sub(now)+t.Clock.Offset() > maxOffset {
			WriteJSON(w, http.StatusBadRequest, Error{Error: "a merchant's clock can run at most 100 years ahead of real time"})
			return
		}
		targets[i] = target
	}
	c.move(w, r, ts, targets, "set")
}

// move advances each tenant to its target under one waiting budget and
// answers the clocks as they then stand.
func (c Clock) move(w http.ResponseWriter, r *http.Request, ts []*tenant.Tenant, targets []time.Time, kind string) {
	budget := c.Wait
	if budget <= 0 {
		budget = AdvanceWait
	}
	ctx, cancel := context.WithTimeout(r.Context(), budget)
	defer cancel()
	out := make([]clockJSON, 0, len(ts))
	var unsettled []string
	for i, t := range ts {
		from := t.Clock.Now()
		unsettled = append(unsettled, c.advance(ctx, t, targets[i])...)
		if c.Moved != nil {
			c.Moved(t.ID, from, t.Clock.Now(), kind)
		}
		out = append(out, state(t))
	}
	if unsettled == nil {
		unsettled = []string{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"clocks": out, "settled": len(unsettled) == 0, "unsettled_callbacks": unsettled})
}

// readBody decodes a small JSON body, answering 400 with shape when it
// cannot.
func readBody(w http.ResponseWriter, r *http.Request, v any, shape string) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "cannot read body"})
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: shape})
		return false
	}
	return true
}

// orQuery fills what the body left out from the query.
func orQuery(r *http.Request, v, name string) string {
	if v == "" {
		return r.URL.Query().Get(name)
	}
	return v
}

// maxOffset is how far ahead of real time a clock may run.
const maxOffset = 100 * 365 * 24 * time.Hour

// maxSteps bounds one advance: no test schedules this many timers in one
// window, and a bound keeps a pathological schedule from spinning.
const maxSteps = 100000

// advance moves one tenant's clock to target in steps: to each due timer in
// turn, waiting for the callback attempts that step started before looking
// for the next. An attempt is real I/O, and the retry it may need is
// scheduled only when it has finished; stepping is what lets one advance of
// an hour play a whole retry chain out at its exact virtual times.
//
// It waits for the attempts in flight when it starts (their outcome
// schedules the retries it is to play), for those each step starts, and for
// those that start as they finish (an ordered queue's next callback) — not
// for attempts already in flight before a step, such as one hung on a
// receiver that never answers. Once ctx ends it stops waiting but still runs
// every timer up to target, in order. It returns the callbacks it stopped
// waiting for.
func (c Clock) advance(ctx context.Context, t *tenant.Tenant, target time.Time) (unsettled []string) {
	inflight := func() map[string]bool {
		m := map[string]bool{}
		if c.Attempts != nil {
			for _, id := range c.Attempts.InFlight(t.ID) {
				m[id] = true
			}
		}
		return m
	}
	// settle waits for every attempt in flight except those of ignore,
	// then for those that started meanwhile — the next callback of an
	// ordered queue starts when the one before it is delivered — until
	// none is left or ctx ends. An attempt given up on is not waited for
	// again; one that finished is, should its callback start another.
	settle := func(ignore map[string]bool) {
		for ctx.Err() == nil {
			fresh := 0
			for id := range inflight() {
				if ignore[id] {
					continue
				}
				fresh++
				// Wait answers at once for an attempt already finished,
				// even once ctx has ended.
				if c.Attempts.Wait(ctx, id) != nil {
					ignore[id] = true
					unsettled = append(unsettled, id)
				}
			}
			if fresh == 0 {
				return
			}
		}
		for id := range inflight() {
			if !ignore[id] {
				unsettled = append(unsettled, id)
			}
		}
	}
	settle(map[string]bool{})
	step := func(to time.Time) {
		before := inflight()
		// A target already passed (a timer due that the clock's own loop
		// has not run yet, or the wall clock overtaking an advance of 0s)
		// becomes a nanosecond ahead, which runs what is due. Advance(0)
		// would too, but leaves the offset a hair below zero.
		t.Clock.AdvanceTo(later(to, t.Clock.Now().Add(time.Nanosecond)))
		settle(before)
	}
	for range maxSteps {
		next, ok := t.Clock.NextDue()
		if !ok || next.After(target) {
			break
		}
		step(next)
	}
	step(target)
	slices.Sort(unsettled)
	return slices.Compact(unsettled)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

package control

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/internal/tenant"
)

// Tenants is what the clock endpoints need of the tenant registry.
type Tenants interface {
	List() []*tenant.Tenant
}

// Clock serves GET /_mockpay/clock and POST /_mockpay/clock/advance.
// Both take an optional merchant (a tenant key such as sandbox_i00000000,
// with provider to disambiguate); without one they cover every tenant.
type Clock struct {
	Tenants Tenants
	// Settle, when set, waits for the side effects that advancing started
	// (callback attempts) so the answer reflects them.
	Settle func(ctx context.Context, tenantID string) error
}

type clockJSON struct {
	Tenant        string `json:"tenant"`
	Provider      string `json:"provider"`
	Merchant      string `json:"merchant"`
	Now           string `json:"now"`
	NowMS         int64  `json:"now_ms"`
	Offset        string `json:"offset"`
	PendingTimers int    `json:"pending_timers"`
}

type advanceRequest struct {
	Duration string `json:"duration"`
	Merchant string `json:"merchant"`
	Provider string `json:"provider"`
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

// Advance moves the chosen clocks forward, running everything that falls
// due in order, and answers once those effects have settled.
func (c Clock) Advance(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "cannot read body"})
		return
	}
	var req advanceRequest
	if err := json.Unmarshal(body, &req); err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: `body must be JSON like {"duration":"90s"}`})
		return
	}
	// The query fills only what the body left out.
	if q := r.URL.Query(); req.Merchant == "" {
		req.Merchant = q.Get("merchant")
	}
	if q := r.URL.Query(); req.Provider == "" {
		req.Provider = q.Get("provider")
	}
	d, err := time.ParseDuration(req.Duration)
	if err != nil || d < 0 {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "duration must be a non-negative Go duration such as 90s or 1h30m"})
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
	// One deadline for the whole advance, however many merchants it moves.
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()
	out := make([]clockJSON, 0, len(ts))
	for _, t := range ts {
		c.advance(ctx, t, d)
		out = append(out, state(t))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"clocks": out})
}

// maxOffset is how far ahead of real time a clock may run.
const maxOffset = 100 * 365 * 24 * time.Hour

// maxSteps bounds one advance: no test schedules this many timers in one
// window, and a bound keeps a pathological schedule from spinning.
const maxSteps = 100000

// advance moves one tenant's clock by d in steps: to each due timer in turn,
// letting the effects it starts settle before looking for the next. An
// effect such as a callback attempt is real I/O, and the retry it may need is
// scheduled only when it has finished; stepping is what lets one advance of
// an hour play a whole retry chain out at its exact virtual times.
func (c Clock) advance(ctx context.Context, t *tenant.Tenant, d time.Duration) {
	settle := func() {
		if c.Settle != nil {
			_ = c.Settle(ctx, t.ID)
		}
	}
	target := t.Clock.Now().Add(d)
	settle()
	for range maxSteps {
		next, ok := t.Clock.NextDue()
		if !ok || next.After(target) || ctx.Err() != nil {
			break
		}
		t.Clock.AdvanceTo(next)
		settle()
	}
	t.Clock.AdvanceTo(target)
	settle()
}

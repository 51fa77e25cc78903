package callback

// What the control plane observes of deliveries: a change broadcast for
// long-polls, the attempts in flight for clock advances, and counters for
// metrics.

// AttemptKey names a class of finished attempts for metrics.
type AttemptKey struct {
	Provider string
	// Outcome is "delivered" (a 2xx), "rejected" (another status) or
	// "unreachable" (no answer: refused, timed out, bad URL).
	Outcome string
}

// CountKey names a class of callbacks by where they stand.
type CountKey struct {
	Provider string
	Status   Status
}

// Changed returns a channel closed when the next attempt finishes or a
// reset drops callbacks. Take it before looking, then wait on it, and no
// change is missed; a waiter that leaves holds nothing.
func (d *Dispatcher) Changed() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.changed == nil {
		d.changed = make(chan struct{})
	}
	return d.changed
}

// broadcast wakes whoever waits on Changed. Caller holds mu.
func (d *Dispatcher) broadcast() {
	if d.changed != nil {
		close(d.changed)
		d.changed = nil
	}
}

// observe counts a finished attempt and wakes the waiters, after complete
// has recorded it, and returns what OnAttempt is to be handed (ok false
// when there is no OnAttempt). Caller holds mu; OnAttempt itself runs after
// mu is released, so marshalling and fan-out never hold up other deliveries.
func (d *Dispatcher) observe(j job, a attempt) (c Callback, ok bool) {
	outcome := "unreachable"
	switch {
	case a.status >= 200 && a.status < 300:
		outcome = "delivered"
	case a.status != 0:
		outcome = "rejected"
	}
	if d.attempts == nil {
		d.attempts = map[AttemptKey]uint64{}
	}
	d.attempts[AttemptKey{Provider: j.r.provider, Outcome: outcome}]++
	if d.onAttempt != nil && !j.r.dropped {
		c, ok = j.r.summary(), true
	}
	d.broadcast()
	return c, ok
}

// Attempts returns how many attempts have finished, by provider and outcome,
// since the dispatcher started.
func (d *Dispatcher) Attempts() map[AttemptKey]uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[AttemptKey]uint64, len(d.attempts))
	for k, v := range d.attempts {
		out[k] = v
	}
	return out
}

// Counts returns how many callbacks are kept, by provider and status.
func (d *Dispatcher) Counts() map[CountKey]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[CountKey]int{}
	for _, r := range d.byID {
		out[CountKey{Provider: r.provider, Status: r.status}]++
	}
	return out
}

// InFlight returns the ids of tenant's callbacks with an attempt in flight
// ("" for every tenant). A clock advance takes it before and after a step:
// the new ids are the attempts that step started, the only ones it waits for.
func (d *Dispatcher) InFlight(tenant string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for name, t := range d.tenants {
		if tenant != "" && name != tenant {
			continue
		}
		for _, r := range t.records {
			if r.running > 0 && !r.forgotten {
				out = append(out, r.id)
			}
		}
	}
	return out
}

package scenarios

// Helpers providers use to carry an outcome out: its callback rules and its
// later transitions. The provider does the locking and the wire format.

import (
	"time"

	"github.com/mockpay/mockpay/internal/callback"
)

// RuleFor is the first of rules that applies to a callback reporting status
// (a zero rule, which changes nothing, when none does).
func RuleFor(rules []CallbackRule, status string) CallbackRule {
	for _, r := range rules {
		if r.Status == "" || r.Status == status {
			return r
		}
	}
	return CallbackRule{}
}

// Apply turns one callback into what the rule makes of it: none (drop),
// or one plus Duplicate copies, sent to URL, after Delay, unordered. The
// provider handles Signature (it alone knows how to sign) and
// BeforeResponse (it alone writes the answer).
func (r CallbackRule) Apply(req callback.Request) []callback.Request {
	if r.Drop {
		return nil
	}
	if r.URL != "" {
		req.URL = r.URL
	}
	req.Delay += r.Delay
	req.Unordered = req.Unordered || r.Unordered
	out := make([]callback.Request, 0, 1+r.Duplicate)
	for range 1 + r.Duplicate {
		out = append(out, req)
	}
	return out
}

// PlayThen schedules an outcome's later transitions with at (a tenant
// clock's At), each After the step before, counted from since (the virtual
// time of the change that started the script). apply carries a step out at
// its due time, doing its own locking, and reports whether the script goes
// on: a provider stops it when something else (a refund, a confirm) changed
// the payment in between.
func PlayThen(at func(time.Time, func()), steps []Transition, since time.Time, apply func(step Transition, due time.Time) bool) {
	if len(steps) == 0 {
		return
	}
	due := since.Add(steps[0].After)
	at(due, func() {
		if apply(steps[0], due) {
			PlayThen(at, steps[1:], due, apply)
		}
	})
}

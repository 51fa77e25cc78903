package scenarios

// Helpers providers use to carry an outcome out: its callback rules and its
// later transitions. The provider does the locking and the wire format.

import "time"

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

// Copies is how many callbacks the rule makes of one: none when it drops
// it, else the one plus Duplicate copies. Each is sent to Target, after
// Delay, and with Unordered it may overtake the payment's other callbacks;
// the provider handles Signature (it alone knows how to sign) and
// BeforeResponse (it alone writes the answer).
func (r CallbackRule) Copies() int {
	if r.Drop {
		return 0
	}
	return 1 + r.Duplicate
}

// Target is where the rule sends a callback meant for url.
func (r CallbackRule) Target(url string) string {
	if r.URL != "" {
		return r.URL
	}
	return url
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

package liquido

import (
	"bytes"
	_ "embed"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// defaultScenarios are Liquido's test cards as scenarios (defaults.yaml). The
// package reads them and never changes them; others get a copy.
//
//go:embed defaults.yaml
var defaultScenarios []byte

// TestCardScenarios returns Liquido's test cards as scenarios (defaults.yaml),
// a fresh copy on every call, for the engine's defaults.
func TestCardScenarios() []byte { return bytes.Clone(defaultScenarios) }

// Vocabulary tells the scenario loader Liquido's words: the statuses of
// reference §13.1, the charge endpoints and the follow-up operations as
// actions. A scenario without match.action applies to charges only.
func Vocabulary() scenarios.Vocabulary {
	v := scenarios.Vocabulary{Provider: "liquido"}
	for _, s := range allStatuses {
		v.Statuses = append(v.Statuses, string(s))
	}
	for _, a := range chargeActions {
		v.Actions = append(v.Actions, string(a))
		v.DefaultActions = append(v.DefaultActions, string(a))
	}
	for _, a := range otherActions {
		v.Actions = append(v.Actions, string(a))
	}
	return v
}

// Decider is what Liquido needs of the scenario engine.
type Decider interface {
	Decide(tenant string, r scenarios.Request) *scenarios.Scenario
}

// decide asks the scenario engine about a request that is about to be
// carried out, and reports whether to carry it out: false when a scripted
// fault strikes before processing. It is called once the request is known to
// be valid and new, so a scenario's times: counts requests that did
// something. Caller holds the merchant's lock.
func (s *Server) decide(c *call, r scenarios.Request) bool {
	if s.opts.Scenarios == nil {
		return true
	}
	r.Provider, r.Merchant = "liquido", c.m.cfg.ClientID
	c.scenario = s.opts.Scenarios.Decide(c.m.tenant.ID, r)
	f := c.outcome().Fault
	return f == nil || f.Processed
}

// outcome is the matched scenario's outcome, or the zero outcome.
func (c *call) outcome() scenarios.Outcome {
	if c.scenario == nil {
		return scenarios.Outcome{}
	}
	return c.scenario.Outcome
}

// parseCode reads a scenario's code as a transferStatusCode; anything that is
// not an HTTP-like number falls back to the default (0).
func parseCode(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 100 || n > 9999 {
		return 0
	}
	return n
}

// amountOf is an amount in major units, as scenarios match it.
func amountOf(minor int64) *float64 {
	f := float64(minor) / 100
	return &f
}

// defaultDelay is how long the sandbox takes to finalise an asynchronous
// payment: "3 minutes by default" (reference §16).
const defaultDelay = 180 * time.Second

// maxDelay bounds asyncFinalizationDelay: 30 days of virtual time.
const maxDelay = 30 * 24 * time.Hour

// testParams are the sandbox's test parameters, written in the description
// as name=value pairs separated by ";" (reference §16):
// "finalStatus=SETTLED;asyncFinalizationDelay=10;". Other text in the
// description is left alone.
type testParams struct {
	finalStatus Status
	delay       time.Duration
}

// Statuses a finalStatus may name: SETTLED/FAILED are documented for
// payments and refunds; CANCELLED (documented for cancellations) and EXPIRED
// also finalise a payment here, so a voucher that is never paid can be
// scripted (mockpay extension).
var (
	paymentFinalStatuses = []Status{StatusSettled, StatusFailed, StatusCancelled, StatusExpired}
	refundFinalStatuses  = []Status{StatusSettled, StatusFailed}
)

// readTestParams parses the test parameters of a description. A known name
// with a value it cannot take is a 400 on description, so a typo never
// silently settles a payment that was meant to fail; names are matched
// without regard to case.
func readTestParams(f fields, desc string, allowed []Status) testParams {
	p := testParams{finalStatus: StatusSettled, delay: defaultDelay}
	for name, value := range testParamPairs(desc) {
		switch {
		case strings.EqualFold(name, "finalStatus"):
			st := Status(strings.ToUpper(value))
			if !slices.Contains(allowed, st) {
				f.fail("description", fmt.Sprintf("finalStatus=%s: must be one of %s", value, joinStatuses(allowed)))
				continue
			}
			p.finalStatus = st
		case strings.EqualFold(name, "asyncFinalizationDelay"):
			if d, ok := delaySeconds(f, "description", "asyncFinalizationDelay", value); ok {
				p.delay = d
			}
		}
	}
	return p
}

// testParamPairs yields the name=value pairs of a description or a payout's
// comment, trimmed; text without "=" is left alone.
func testParamPairs(s string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, part := range strings.Split(s, ";") {
			name, value, ok := strings.Cut(part, "=")
			if ok && !yield(strings.TrimSpace(name), strings.TrimSpace(value)) {
				return
			}
		}
	}
}

// delaySeconds reads a test parameter's delay: whole seconds, 0 to maxDelay.
// Anything else fails field with a message naming the parameter.
func delaySeconds(f fields, field, name, value string) (time.Duration, bool) {
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < 0 || time.Duration(n)*time.Second > maxDelay {
		f.fail(field, fmt.Sprintf("%s=%s: must be a whole number of seconds from 0 to %d", name, value, int64(maxDelay/time.Second)))
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

func joinStatuses(list []Status) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

package scenarios

import "github.com/mockpay/mockpay/internal/callback"

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

package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Expectation is one claim a scenario file makes about the run (expect:),
// checked on demand against what mockpay saw (GET /_mockpay/expectations).
// Each states exactly one claim:
//
//	{order: o-1, ends: success}                   the order's payment ends in that status
//	{order: o-1, callbacks_delivered: 1}          exactly that many of its callbacks were delivered
//	{idempotency_key: k-1, callbacks_delivered: 1, event: CHARGE_SETTLED}
//	{no_bad_signatures: true}                     no request had a bad signature or credentials
//	{liqpay_version: 3}                           every LiqPay request said version 3
//
// provider: and merchant: narrow where it applies.
type Expectation struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	// Provider is where it applies: given, implied by its words
	// (idempotency_key, liqpay_version) or by its file, else "" (both).
	Provider string `json:"provider,omitempty"`
	// Merchant narrows it to one merchant key; a runtime set's own
	// ?merchant= scope applies as well.
	Merchant           string `json:"merchant,omitempty"`
	Order              string `json:"order,omitempty"` // LiqPay order_id or Liquido idempotencyKey
	Ends               string `json:"ends,omitempty"`
	CallbacksDelivered *int   `json:"callbacks_delivered,omitempty"`
	Event              string `json:"event,omitempty"` // with callbacks_delivered: only callbacks of this event (Liquido) or action (LiqPay)
	NoBadSignatures    bool   `json:"no_bad_signatures,omitempty"`
	LiqPayVersion      int    `json:"liqpay_version,omitempty"`
}

// String says the claim in words, as reports name it.
func (x Expectation) String() string {
	switch {
	case x.Ends != "":
		return fmt.Sprintf("order %s ends %s", x.Order, x.Ends)
	case x.CallbacksDelivered != nil:
		n, what := *x.CallbacksDelivered, "callbacks"
		if n == 1 {
			what = "callback"
		}
		if x.Event != "" {
			what = x.Event + " " + what
		}
		return fmt.Sprintf("exactly %d %s delivered for order %s", n, what, x.Order)
	case x.NoBadSignatures:
		return "no request with a bad signature"
	case x.LiqPayVersion != 0:
		return fmt.Sprintf("every LiqPay request used version %d", x.LiqPayVersion)
	}
	return "nothing"
}

// SetExpectations are the expectations of one loaded set, with the set's
// scope.
type SetExpectations struct {
	Set      string        `json:"set"`
	Source   string        `json:"source"`
	Merchant string        `json:"merchant,omitempty"` // a runtime set's scope
	Expect   []Expectation `json:"expect"`
}

// Expectations lists the expectations of every runtime and file set, in
// search order.
func (e *Engine) Expectations() []SetExpectations {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []SetExpectations
	for _, layer := range [][]*Set{e.runtime, e.files} {
		for _, set := range layer {
			if len(set.Expect) > 0 {
				out = append(out, SetExpectations{Set: set.Name, Source: set.Source, Merchant: set.Merchant,
					Expect: append([]Expectation(nil), set.Expect...)})
			}
		}
	}
	return out
}

// expectations reads the expect: list. fileProvider is the file's
// provider: key; scs its scenarios, whose one provider (if they share one)
// an expectation without its own applies to.
func (p *parser) expectations(n *yaml.Node, fileProvider string, scs []*Scenario) []Expectation {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "expect must be a list")
		return nil
	}
	implied := fileProvider
	if implied == "" {
		for i, sc := range scs {
			if i == 0 {
				implied = sc.Provider
			} else if sc.Provider != implied {
				implied = ""
				break
			}
		}
	}
	var out []Expectation
	for _, item := range n.Content {
		if x, ok := p.expectation(item, implied); ok {
			out = append(out, x)
		}
	}
	return out
}

func (p *parser) expectation(n *yaml.Node, implied string) (Expectation, bool) {
	x := Expectation{Line: n.Line, Column: n.Column}
	before := len(p.errs)
	var ends *yaml.Node
	var version, bad *yaml.Node
	keys := p.fields(n, "expectation", map[string]func(*yaml.Node){
		"provider":            func(v *yaml.Node) { x.Provider = p.provider(v) },
		"merchant":            func(v *yaml.Node) { x.Merchant = p.str(v, "merchant") },
		"order":               func(v *yaml.Node) { x.Order = p.str(v, "order") },
		"idempotency_key":     func(v *yaml.Node) { x.Order = p.str(v, "idempotency_key") },
		"ends":                func(v *yaml.Node) { ends = v },
		"callbacks_delivered": func(v *yaml.Node) { c := p.integer(v, "callbacks_delivered", 0, 1000); x.CallbacksDelivered = &c },
		"event":               func(v *yaml.Node) { x.Event = p.str(v, "event") },
		"no_bad_signatures":   func(v *yaml.Node) { bad = v; x.NoBadSignatures = p.boolean(v, "no_bad_signatures") },
		"liqpay_version":      func(v *yaml.Node) { version = v; x.LiqPayVersion = p.integer(v, "liqpay_version", 1, 7) }, // 7: SHA3-256 signatures (reference liqpay.md §2.3)
	})
	if keys == nil {
		return x, false
	}
	// An unknown or malformed key is reported already; what the item then
	// claims is not worth a second message.
	keyErrors := len(p.errs) > before
	// The provider: given, else implied by the words used, else the file's.
	_, hasKey := keys["idempotency_key"]
	word := ""
	switch {
	case hasKey:
		word = "liquido"
	case version != nil:
		word = "liqpay"
	}
	if x.Provider != "" && word != "" && x.Provider != word {
		p.errorf(keys["provider"], "provider %s, but the expectation only applies to %s", x.Provider, word)
	}
	if x.Provider == "" {
		x.Provider = word
	}
	if x.Provider == "" {
		x.Provider = implied
	}
	claims := 0
	for _, k := range []string{"ends", "callbacks_delivered", "no_bad_signatures", "liqpay_version"} {
		if _, ok := keys[k]; ok {
			claims++
		}
	}
	_, hasOrder := keys["order"]
	switch {
	case keyErrors:
	case claims == 0:
		p.errorf(n, "expectation states nothing: give one of ends, callbacks_delivered, no_bad_signatures, liqpay_version")
	case claims > 1:
		p.errorf(n, "expectation states more than one claim: write one item for each of ends, callbacks_delivered, no_bad_signatures, liqpay_version")
	case hasOrder && hasKey:
		p.errorf(keys["idempotency_key"], "give order or idempotency_key, not both")
	case (ends != nil || x.CallbacksDelivered != nil) && !hasOrder && !hasKey:
		p.errorf(n, "ends and callbacks_delivered need the order (order: or idempotency_key:)")
	case ends == nil && x.CallbacksDelivered == nil && (hasOrder || hasKey):
		p.errorf(n, "order and idempotency_key go with ends or callbacks_delivered")
	case x.Event != "" && x.CallbacksDelivered == nil:
		p.errorf(keys["event"], "event goes with callbacks_delivered")
	case bad != nil && !x.NoBadSignatures:
		p.errorf(bad, "no_bad_signatures: false expects nothing; write true or leave the item out")
	}
	if ends != nil {
		x.Ends, x.Provider = p.endStatus(ends, x.Provider)
	}
	return x, len(p.errs) == before
}

// endStatus checks ends: against the provider's statuses (every
// provider's when the expectation applies to both). A status only one
// provider has narrows the expectation to that provider: SETTLED is
// Liquido's, success LiqPay's.
func (p *parser) endStatus(n *yaml.Node, provider string) (string, string) {
	s := p.str(n, "ends")
	if s == "" {
		return s, provider
	}
	var known, owners []string
	for name, v := range p.vocab {
		if provider == "" || provider == name {
			if v.Statuses == nil || slices.Contains(v.Statuses, s) {
				owners = append(owners, name)
				continue
			}
			known = append(known, v.Statuses...)
		}
	}
	switch {
	case len(owners) == 1:
		return s, owners[0]
	case len(owners) > 1:
		return s, provider
	}
	what := provider
	if what == "" {
		what = "known"
	}
	p.errorf(n, "ends %q is not a %s status (%s)", s, what, strings.Join(sortedCopy(known), ", "))
	return s, provider
}

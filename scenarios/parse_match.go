package scenarios

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

func (p *parser) match(n *yaml.Node, vocab Vocabulary) Match {
	var m Match
	sm := func(dst **StringMatch, what string, allowed []string) func(*yaml.Node) {
		return func(v *yaml.Node) { *dst = p.stringMatch(v, what, allowed) }
	}
	keys := p.fields(n, "match", map[string]func(*yaml.Node){
		"merchant":       sm(&m.Merchant, "merchant", nil),
		"action":         sm(&m.Action, "action", vocab.Actions),
		"method":         sm(&m.Method, "method", nil),
		"card":           sm(&m.Card, "card", nil),
		"bin":            sm(&m.BIN, "bin", nil),
		"last4":          sm(&m.Last4, "last4", nil),
		"currency":       sm(&m.Currency, "currency", nil),
		"country":        sm(&m.Country, "country", nil),
		"order_id":       sm(&m.OrderID, "order_id", nil),
		"idempotencyKey": sm(&m.OrderID, "idempotencyKey", nil),
		"description":    sm(&m.Description, "description", nil),
		"phone":          sm(&m.Phone, "phone", nil),
		"amount":         func(v *yaml.Node) { m.Amount = p.amountMatch(v) },
		"fields":         func(v *yaml.Node) { m.Fields = p.matchMap(v, "fields") },
	})
	if keys["order_id"] != nil && keys["idempotencyKey"] != nil {
		p.errorf(keys["idempotencyKey"], "order_id and idempotencyKey name the same field: give one")
	}
	return m
}

// matchMap reads {path: matcher, …}, refusing a path given twice.
func (p *parser) matchMap(v *yaml.Node, what string) map[string]*StringMatch {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, "%s must map field paths to values", what)
		return nil
	}
	out := map[string]*StringMatch{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := v.Content[i]
		if _, dup := out[k.Value]; dup {
			p.errorf(k, "%s: %q given twice", what, k.Value)
			continue
		}
		out[k.Value] = p.stringMatch(v.Content[i+1], what+"."+k.Value, nil)
	}
	return out
}

// stringMatch reads a text, a list of texts (any of them), or {regex: …}.
func (p *parser) stringMatch(n *yaml.Node, what string, allowed []string) *StringMatch {
	m := &StringMatch{}
	check := func(v *yaml.Node) {
		if allowed != nil && v.Value != "" && !slices.Contains(allowed, v.Value) {
			p.errorf(v, "%s %q is not one of %s", what, v.Value, strings.Join(sortedCopy(allowed), ", "))
		}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		m.Any = []string{p.str(n, what)}
		check(n)
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			p.errorf(n, "%s: an empty list matches nothing", what)
		}
		for _, v := range n.Content {
			m.Any = append(m.Any, p.str(v, what))
			check(v)
		}
	case yaml.MappingNode:
		keys := p.fields(n, what, map[string]func(*yaml.Node){
			"regex": func(v *yaml.Node) {
				re, err := regexp.Compile(p.str(v, what+".regex"))
				if err != nil {
					p.errorf(v, "%s.regex: %v", what, err)
					return
				}
				m.Regex = re
			},
		})
		if keys != nil && keys["regex"] == nil {
			p.errorf(n, "%s: write a text, a list of texts, or {regex: …}", what)
		}
	default:
		p.errorf(n, "%s: write a text, a list of texts, or {regex: …}", what)
	}
	return m
}

func sortedCopy(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}

func (p *parser) amountMatch(n *yaml.Node) *AmountMatch {
	m := &AmountMatch{}
	if n.Kind == yaml.ScalarNode {
		m.Exact = p.number(n, "amount")
		return m
	}
	p.fields(n, "amount", map[string]func(*yaml.Node){
		"min": func(v *yaml.Node) { m.Min = p.number(v, "amount.min") },
		"max": func(v *yaml.Node) { m.Max = p.number(v, "amount.max") },
	})
	if m.Min != nil && m.Max != nil && *m.Min > *m.Max {
		p.errorf(n, "amount: min is above max")
	}
	return m
}

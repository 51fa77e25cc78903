package scenarios

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Request is what a provider tells the engine about an incoming request.
// Empty fields are absent. The card number is used for matching only and
// never kept.
type Request struct {
	Provider    string
	Merchant    string
	Action      string
	Method      string
	Card        string
	Currency    string
	Country     string
	OrderID     string
	Description string
	Phone       string
	Amount      *float64       // major units
	Body        map[string]any // the decoded request, for fields: paths
}

// matches reports whether s matches the request.
func (s *Scenario) matches(r Request) bool {
	if s.Provider != r.Provider {
		return false
	}
	m := s.Match
	for _, c := range []struct {
		m *StringMatch
		v string
	}{
		{m.Merchant, r.Merchant}, {m.Action, r.Action}, {m.Method, r.Method}, {m.Card, r.Card},
		{m.Currency, r.Currency}, {m.Country, r.Country}, {m.OrderID, r.OrderID},
		{m.Description, r.Description}, {m.Phone, r.Phone},
	} {
		if c.m != nil && !c.m.matches(c.v) {
			return false
		}
	}
	if m.BIN != nil && !m.BIN.prefixOf(r.Card) {
		return false
	}
	if m.Last4 != nil && (len(r.Card) < 4 || !m.Last4.matches(r.Card[len(r.Card)-4:])) {
		return false
	}
	if m.Amount != nil && !m.Amount.matches(r.Amount) {
		return false
	}
	for path, fm := range m.Fields {
		v, ok := Lookup(r.Body, path)
		if !ok || !fm.matches(v) {
			return false
		}
	}
	return true
}

func (m *StringMatch) matches(v string) bool {
	if m.Regex != nil {
		return m.Regex.MatchString(v)
	}
	for _, a := range m.Any {
		if a == v {
			return true
		}
	}
	return false
}

// prefixOf matches a BIN: the card starts with one of the texts, or the
// regex matches its first six digits.
func (m *StringMatch) prefixOf(card string) bool {
	if m.Regex != nil {
		return len(card) >= 6 && m.Regex.MatchString(card[:6])
	}
	for _, a := range m.Any {
		if a != "" && strings.HasPrefix(card, a) {
			return true
		}
	}
	return false
}

func (m *AmountMatch) matches(v *float64) bool {
	if v == nil {
		return false
	}
	const eps = 1e-9
	switch {
	case m.Exact != nil:
		return abs(*v-*m.Exact) < eps
	case m.Min != nil && *v < *m.Min-eps:
		return false
	case m.Max != nil && *v > *m.Max+eps:
		return false
	}
	return true
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// Lookup finds a dotted path ("rro_info.items.0.id") in decoded JSON and
// returns the value as text: strings as they are, numbers as written.
func Lookup(body map[string]any, path string) (string, bool) {
	var cur any = body
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return "", false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return "", false
			}
			cur = c[i]
		default:
			return "", false
		}
	}
	switch v := cur.(type) {
	case nil:
		return "", false
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool, float64, int, int64:
		return fmt.Sprint(v), true
	default:
		b, err := json.Marshal(v)
		return string(b), err == nil
	}
}

// Matches reports whether the confirm request fields satisfy a rule's When.
func (r ConfirmRule) Matches(fields map[string]any) bool {
	for k, m := range r.When {
		v, ok := Lookup(fields, k)
		if !ok || !m.matches(v) {
			return false
		}
	}
	return true
}

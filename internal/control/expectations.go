package control

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/journal"
	"github.com/mockpay/mockpay/internal/ledger"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

// ExpectationSource lists the expectations of the loaded scenario sets.
type ExpectationSource interface {
	Expectations() []scenarios.SetExpectations
}

// Expectations serves GET /_mockpay/expectations: every expectation of the
// scenario files and runtime sets, judged against what mockpay holds now —
// the ledger (a payment's status), the callback log (deliveries) and the
// journal (signatures, LiqPay versions).
type Expectations struct {
	Sets    ExpectationSource
	Ledger  *ledger.Ledger
	Journal *journal.Journal
	Log     CallbackLister
	Tenants Tenants
}

// CallbackLister is what judging callbacks needs of the delivery log.
type CallbackLister interface {
	List(f callback.Filter) []callback.Callback
}

// ExpectationResult is one expectation judged for one merchant.
type ExpectationResult struct {
	Set         string `json:"set"`    // the file (or runtime set) that states it
	Source      string `json:"source"` // file or runtime
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	Tenant      string `json:"tenant,omitempty"` // provider:key; empty when it applied to no merchant
	Merchant    string `json:"merchant,omitempty"`
	Provider    string `json:"provider,omitempty"`
	Expectation string `json:"expectation"` // the claim in words
	Met         bool   `json:"met"`
	Seen        string `json:"seen"` // what mockpay saw, in words
}

// ExpectationReport is the whole answer.
type ExpectationReport struct {
	Met          int                 `json:"met"`
	Unmet        int                 `json:"unmet"`
	Expectations []ExpectationResult `json:"expectations"`
}

// Get answers the report as JSON, or JUnit XML with ?format=junit. With
// ?merchant= (and ?provider=) it judges that merchant only; without, every
// merchant that made a request or holds a payment, and the merchants sets
// or expectations name. An expectation that applies to none of them is
// reported once, unmet: a CI job whose code never reached mockpay must not
// pass.
func (x Expectations) Get(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "junit" {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "format must be json or junit"})
		return
	}
	merchant := q.Get("merchant")
	var ts []*tenant.Tenant
	if merchant != "" || q.Get("provider") != "" {
		ts = Clock{Tenants: x.Tenants}.pick(q.Get("provider"), merchant)
		if len(ts) == 0 {
			WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + merchant})
			return
		}
	}
	report := x.Report(ts, merchant == "" && q.Get("provider") == "")
	if format == "junit" {
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(JUnit(report))
		return
	}
	WriteJSON(w, http.StatusOK, report)
}

// Report judges every expectation for the tenants ts; all (ts ignored)
// judges the merchants that were active or are named.
func (x Expectations) Report(ts []*tenant.Tenant, all bool) ExpectationReport {
	sets := x.Sets.Expectations()
	if all {
		ts = x.active(sets)
	}
	out := ExpectationReport{Expectations: []ExpectationResult{}}
	for _, set := range sets {
		for _, e := range set.Expect {
			judged := false
			for _, t := range ts {
				if !applies(set, e, t) {
					continue
				}
				judged = true
				res := x.judge(e, t)
				res.Set, res.Source, res.Line, res.Column = set.Set, set.Source, e.Line, e.Column
				out.Expectations = append(out.Expectations, res)
			}
			if !judged && all {
				out.Expectations = append(out.Expectations, ExpectationResult{Set: set.Set, Source: set.Source,
					Line: e.Line, Column: e.Column, Provider: e.Provider, Merchant: firstOf(e.Merchant, set.Merchant),
					Expectation: e.String(), Seen: "no merchant it applies to made a request"})
			}
		}
	}
	for _, r := range out.Expectations {
		if r.Met {
			out.Met++
		} else {
			out.Unmet++
		}
	}
	return out
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// applies tells whether e (of set) is about tenant t: the set's runtime
// scope, the expectation's merchant and its provider must all allow t.
func applies(set scenarios.SetExpectations, e scenarios.Expectation, t *tenant.Tenant) bool {
	return (set.Merchant == "" || set.Merchant == t.Key) &&
		(e.Merchant == "" || e.Merchant == t.Key) &&
		(e.Provider == "" || e.Provider == t.Provider)
}

// active lists the tenants that made a request or hold a payment, and
// those a set or an expectation names.
func (x Expectations) active(sets []scenarios.SetExpectations) []*tenant.Tenant {
	named := map[string]bool{}
	for _, s := range sets {
		named[s.Merchant] = true
		for _, e := range s.Expect {
			named[e.Merchant] = true
		}
	}
	var out []*tenant.Tenant
	for _, t := range x.Tenants.List() {
		ids := []string{t.ID}
		_, requests := x.Journal.List(journal.Filter{Tenants: ids}, 0, 0)
		_, payments := x.Ledger.List(ledger.Filter{Tenants: ids}, 0, 0)
		if requests > 0 || payments > 0 || named[t.Key] {
			out = append(out, t)
		}
	}
	return out
}

// judge checks one expectation against one tenant's state.
func (x Expectations) judge(e scenarios.Expectation, t *tenant.Tenant) ExpectationResult {
	res := ExpectationResult{Tenant: t.ID, Merchant: t.Key, Provider: t.Provider, Expectation: e.String()}
	ids := []string{t.ID}
	switch {
	case e.Ends != "":
		recs, _ := x.Ledger.List(ledger.Filter{Tenants: ids, OrderID: e.Order}, 0, 1)
		if len(recs) == 0 {
			res.Seen = "no payment for order " + e.Order
			break
		}
		res.Met = recs[0].Status == e.Ends
		res.Seen = fmt.Sprintf("payment %s is %s", recs[0].ID, recs[0].Status)
	case e.CallbacksDelivered != nil:
		orderLabel, eventLabel := "order_id", "action"
		if t.Provider == "liquido" {
			orderLabel, eventLabel = "idempotency_key", "event"
		}
		labels := map[string]string{orderLabel: e.Order}
		if e.Event != "" {
			labels[eventLabel] = e.Event
		}
		by := map[callback.Status]int{}
		cbs := x.Log.List(callback.Filter{Tenant: t.ID, Labels: labels})
		for _, cb := range cbs {
			by[cb.Status]++
		}
		res.Met = by[callback.StatusDelivered] == *e.CallbacksDelivered
		res.Seen = fmt.Sprintf("%d delivered (of %d: %d pending, %d failed)", by[callback.StatusDelivered], len(cbs),
			by[callback.StatusPending], by[callback.StatusFailed])
	case e.NoBadSignatures:
		entries, _ := x.Journal.List(journal.Filter{Tenants: ids}, 0, x.Journal.Max())
		var bad []string
		for _, en := range entries {
			if badSignature(en) {
				bad = append(bad, en.ID)
			}
		}
		res.Met = len(bad) == 0
		res.Seen = fmt.Sprintf("%d of %d requests with a bad signature or credentials", len(bad), len(entries))
		if len(bad) > 0 {
			res.Seen += ": " + examples(bad)
		}
	case e.LiqPayVersion != 0:
		entries, _ := x.Journal.List(journal.Filter{Tenants: ids, Provider: "liqpay"}, 0, x.Journal.Max())
		var other []string
		n := 0
		for _, en := range entries {
			v, ok := liqpayVersion(en)
			if !ok {
				continue // a payer page, a file: no data to carry a version
			}
			n++
			if v != fmt.Sprint(e.LiqPayVersion) {
				other = append(other, en.ID+" version "+firstOf(v, "(none)"))
			}
		}
		res.Met = len(other) == 0
		res.Seen = fmt.Sprintf("%d of %d LiqPay requests used another version", len(other), n)
		if len(other) > 0 {
			res.Seen += ": " + examples(other)
		}
	}
	return res
}

// badSignature: LiqPay answers a bad signature with invalid_signature;
// Liquido signs nothing, its credentials (token, api key) failing is a 401.
func badSignature(e *journal.Entry) bool {
	switch e.Provider {
	case "liqpay":
		return e.ErrorCode == "invalid_signature"
	case "liquido":
		return e.Status == http.StatusUnauthorized
	}
	return false
}

// liqpayVersion reads the version of a LiqPay request's decoded data
// ("" when the data has none); ok is false for a request without data.
func liqpayVersion(e *journal.Entry) (string, bool) {
	if len(e.RequestData) == 0 {
		return "", false
	}
	var data map[string]any
	if json.Unmarshal(e.RequestData, &data) != nil {
		return "", false
	}
	switch v := data["version"].(type) {
	case nil:
		return "", true
	case string:
		return v, true
	case float64:
		return fmt.Sprint(v), true
	default:
		return fmt.Sprint(v), true
	}
}

// examples names up to five request ids, oldest first.
func examples(ids []string) string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + fmt.Sprintf(" and %d more", len(ids)-5)
	}
	return strings.Join(ids, ", ")
}

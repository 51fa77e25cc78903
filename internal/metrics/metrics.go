// Package metrics serves GET /_mockpay/metrics in the Prometheus text
// exposition format (version 0.0.4), written by hand: requests by provider,
// action and status, a request latency histogram, callback attempts by
// outcome, callbacks kept by status, and payments stored. Label values come
// from fixed sets (LiqPay's actions, the router's route templates, HTTP
// status codes), anything else is "other", so cardinality stays bounded
// whatever clients send.
package metrics

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/journal"
)

// liqpayActions are the label values LiqPay requests may carry.
var liqpayActions = map[string]bool{
	"pay": true, "hold": true, "auth": true, "paytoken": true, "hold_completion": true, "refund": true,
	"status": true, "data": true, "confirm": true, "3ds": true, "subscribe": true, "unsubscribe": true,
	"subscribe_update": true, "reports": true, "register": true, "p2pcredit": true, "payment_prepare": true,
	"invoice_send": true, "invoice_cancel": true, "ticket": true, "token_create": true, "token_update": true,
}

// buckets are the latency histogram's upper bounds, in seconds.
var buckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type requestKey struct{ provider, action, status, outcome string }

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

// Metrics is safe for concurrent use; the zero value is ready once its
// sources are set.
type Metrics struct {
	// Sources read at scrape time; nil ones are left out.
	Payments  func() map[string]int
	Callbacks func() map[callback.CountKey]int
	Attempts  func() map[callback.AttemptKey]uint64

	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  map[string]*histogram // by provider
}

// Observe counts one finished request (journal.Recorder's Observe hook).
func (m *Metrics) Observe(e *journal.Entry) {
	provider := e.Provider
	if provider == "" {
		provider = "none"
	}
	action := e.Action
	switch {
	case e.Unmatched:
		action = "unmatched"
	case provider == "liqpay" && !liqpayActions[action]:
		action = "other"
	case action == "":
		action = "other"
	}
	outcome := "ok"
	if e.Error {
		outcome = "error"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.requests == nil {
		m.requests, m.latency = map[requestKey]uint64{}, map[string]*histogram{}
	}
	m.requests[requestKey{provider, action, strconv.Itoa(e.Status), outcome}]++
	h := m.latency[provider]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets))}
		m.latency[provider] = h
	}
	sec := e.DurationMS / 1000
	if i, _ := slices.BinarySearch(buckets, sec); i < len(buckets) {
		h.counts[i]++
	}
	h.sum += sec
	h.count++
}

// ServeHTTP writes the exposition.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.write(w)
}

func (m *Metrics) write(w io.Writer) {
	m.mu.Lock()
	reqs := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		reqs = append(reqs, k)
	}
	slices.SortFunc(reqs, func(a, b requestKey) int {
		return cmp.Or(cmp.Compare(a.provider, b.provider), cmp.Compare(a.action, b.action),
			cmp.Compare(a.status, b.status), cmp.Compare(a.outcome, b.outcome))
	})
	fmt.Fprintln(w, "# HELP mockpay_requests_total Requests answered, by provider, action, HTTP status and outcome (error: a 4xx/5xx, no answer, or LiqPay's result:error).")
	fmt.Fprintln(w, "# TYPE mockpay_requests_total counter")
	for _, k := range reqs {
		fmt.Fprintf(w, "mockpay_requests_total{provider=%q,action=%q,status=%q,outcome=%q} %d\n",
			label(k.provider), label(k.action), k.status, k.outcome, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP mockpay_request_duration_seconds Time to answer a request, by provider.")
	fmt.Fprintln(w, "# TYPE mockpay_request_duration_seconds histogram")
	providers := make([]string, 0, len(m.latency))
	for p := range m.latency {
		providers = append(providers, p)
	}
	slices.Sort(providers)
	for _, p := range providers {
		h := m.latency[p]
		var cum uint64
		for i, b := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "mockpay_request_duration_seconds_bucket{provider=%q,le=%q} %d\n", label(p), strconv.FormatFloat(b, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "mockpay_request_duration_seconds_bucket{provider=%q,le=\"+Inf\"} %d\n", label(p), h.count)
		fmt.Fprintf(w, "mockpay_request_duration_seconds_sum{provider=%q} %s\n", label(p), strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(w, "mockpay_request_duration_seconds_count{provider=%q} %d\n", label(p), h.count)
	}
	m.mu.Unlock()

	if m.Attempts != nil {
		att := m.Attempts()
		keys := make([]callback.AttemptKey, 0, len(att))
		for k := range att {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b callback.AttemptKey) int {
			return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Outcome, b.Outcome))
		})
		fmt.Fprintln(w, "# HELP mockpay_callback_attempts_total Callback attempts finished, by provider and outcome (delivered, rejected, unreachable).")
		fmt.Fprintln(w, "# TYPE mockpay_callback_attempts_total counter")
		for _, k := range keys {
			fmt.Fprintf(w, "mockpay_callback_attempts_total{provider=%q,outcome=%q} %d\n", label(k.Provider), k.Outcome, att[k])
		}
	}
	if m.Callbacks != nil {
		cbs := m.Callbacks()
		keys := make([]callback.CountKey, 0, len(cbs))
		for k := range cbs {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b callback.CountKey) int {
			return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Status, b.Status))
		})
		fmt.Fprintln(w, "# HELP mockpay_callbacks Callbacks kept in the delivery log, by provider and status (pending, delivered, failed).")
		fmt.Fprintln(w, "# TYPE mockpay_callbacks gauge")
		for _, k := range keys {
			fmt.Fprintf(w, "mockpay_callbacks{provider=%q,status=%q} %d\n", label(k.Provider), string(k.Status), cbs[k])
		}
	}
	fmt.Fprintln(w, "# HELP go_goroutines Goroutines that currently exist (a long-poll whose client left holds none).")
	fmt.Fprintln(w, "# TYPE go_goroutines gauge")
	fmt.Fprintf(w, "go_goroutines %d\n", runtime.NumGoroutine())
	if m.Payments != nil {
		pays := m.Payments()
		fmt.Fprintln(w, "# HELP mockpay_payments Payments stored, by provider.")
		fmt.Fprintln(w, "# TYPE mockpay_payments gauge")
		for _, p := range []string{"liqpay", "liquido"} {
			fmt.Fprintf(w, "mockpay_payments{provider=%q} %d\n", p, pays[p])
		}
	}
}

// label escapes what %q would not render as the exposition format wants;
// %q already escapes backslashes, quotes and newlines, and the values here
// come from fixed sets, so this only guards against a stray non-ASCII rune.
func label(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '_'
		}
		return r
	}, s)
}

package control

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/ledger"
)

// Await serves the long-polls GET /_mockpay/await/payment and
// GET /_mockpay/await/callbacks. Each answers as soon as what it waits for
// is true (at once if it already is), or 408 after ?timeout= (a Go duration
// or seconds; DefaultAwait when absent, capped at MaxAwait).
//
// Waiting is a broadcast, not polling: the handler takes the source's
// Changed channel, looks, and selects on that channel, its timer and the
// request's context. A client that goes away ends the select at once, so no
// goroutine stays behind it.
type Await struct {
	Ledger  *ledger.Ledger
	Log     AwaitLog
	Tenants Tenants
}

// AwaitLog is what awaiting callbacks needs of the dispatcher.
type AwaitLog interface {
	List(f callback.Filter) []callback.Callback
	Changed() <-chan struct{}
}

// Await's timeouts.
const (
	DefaultAwait = 10 * time.Second
	MaxAwait     = 60 * time.Second
)

func awaitTimeout(q url.Values) (time.Duration, bool) {
	v := q.Get("timeout")
	if v == "" {
		return DefaultAwait, true
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, false
		}
		d = time.Duration(n * float64(time.Second))
	}
	if d < 0 {
		return 0, false
	}
	return min(d, MaxAwait), true
}

// wait runs look until it reports done, waking on changed, or until the
// timeout or the client's leaving. It reports whether look succeeded.
func wait(ctx context.Context, timeout time.Duration, changed func() <-chan struct{}, look func() bool) (ok, gone bool) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		ch := changed() // before looking, so a change in between is not missed
		if look() {
			return true, false
		}
		select {
		case <-ch:
		case <-timer.C:
			return look(), false
		case <-ctx.Done():
			return false, true
		}
	}
}

// scope reads what both waits take: ?timeout= and the merchant. It answers
// the request itself when either is wrong.
func (a Await) scope(w http.ResponseWriter, q url.Values) (time.Duration, []string, bool) {
	timeout, ok := awaitTimeout(q)
	if !ok {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "timeout must be a duration such as 10s (at most 60s)"})
		return 0, nil, false
	}
	tenants, ok := tenantIDs(a.Tenants, q.Get("provider"), q.Get("merchant"))
	if !ok {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + q.Get("merchant")})
		return 0, nil, false
	}
	return timeout, tenants, true
}

// Payment waits until a payment — named by payment_id, order_id or
// idempotency_key — exists and, when ?status= is given (one status or a
// comma-separated list), has one of those statuses.
func (a Await) Payment(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	timeout, tenants, ok := a.scope(w, q)
	if !ok {
		return
	}
	id, order := q.Get("payment_id"), q.Get("order_id")
	if order == "" {
		order = q.Get("idempotency_key")
	}
	if id == "" && order == "" {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "name the payment with payment_id, order_id or idempotency_key"})
		return
	}
	var want []string
	if s := q.Get("status"); s != "" {
		want = strings.Split(s, ",")
	}
	var seen *ledger.Record
	look := func() bool {
		var recs []ledger.Record
		if id != "" {
			for _, p := range a.Ledger.Find(id, tenants) {
				recs = append(recs, p.Record)
			}
		} else {
			recs, _ = a.Ledger.List(ledger.Filter{Provider: q.Get("provider"), Tenants: tenants, OrderID: order}, 0, 1)
		}
		seen = nil
		if len(recs) > 0 {
			seen = &recs[0]
		}
		return seen != nil && (want == nil || contains(want, seen.Status))
	}
	done, gone := wait(r.Context(), timeout, a.Ledger.Changed, look)
	switch {
	case gone:
		return
	case done:
		WriteJSON(w, http.StatusOK, map[string]any{"payment": seen})
		return
	}
	what := "payment " + firstNonEmpty(id, order)
	if want != nil {
		what += " to reach status " + strings.Join(want, " or ")
	} else {
		what += " to exist"
	}
	WriteJSON(w, http.StatusRequestTimeout, map[string]any{
		"error":     fmt.Sprintf("timed out after %s waiting for %s", timeout, what),
		"awaited":   map[string]any{"payment_id": id, "order_id": order, "status": want, "timeout": timeout.String()},
		"seen":      seen, // the payment as it stands, or null when there is none
		"timed_out": true,
	})
}

// Callbacks waits until at least ?count= (default 1) callbacks selected by
// the label filters of GET /_mockpay/callbacks (order_id, payment_id,
// idempotency_key, reference_id, event, action) and ?payment_status= are
// delivered — or failed for good, with ?status=failed.
func (a Await) Callbacks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	timeout, tenants, ok := a.scope(w, q)
	if !ok {
		return
	}
	count := 1
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			WriteJSON(w, http.StatusBadRequest, Error{Error: "count must be an integer from 1 to 10000"})
			return
		}
		count = n
	}
	status := callback.Status(q.Get("status"))
	switch status {
	case "":
		status = callback.StatusDelivered
	case callback.StatusDelivered, callback.StatusFailed:
	default:
		WriteJSON(w, http.StatusBadRequest, Error{Error: "status must be delivered or failed"})
		return
	}
	labels := map[string]string{}
	for _, k := range labelFilters {
		if v := q.Get(k); v != "" {
			labels[k] = v
		}
	}
	if v := q.Get("payment_status"); v != "" {
		labels["status"] = v
	}
	matched, all := []callback.Callback{}, []callback.Callback{}
	look := func() bool {
		f := callback.Filter{Provider: q.Get("provider"), Labels: labels}
		all = all[:0]
		if tenants == nil {
			all = append(all, a.Log.List(f)...)
		} else {
			for _, t := range tenants {
				f.Tenant = t
				all = append(all, a.Log.List(f)...)
			}
		}
		matched = matched[:0]
		for _, cb := range all {
			if cb.Status == status {
				matched = append(matched, cb)
			}
		}
		return len(matched) >= count
	}
	done, gone := wait(r.Context(), timeout, a.Log.Changed, look)
	switch {
	case gone:
		return
	case done:
		WriteJSON(w, http.StatusOK, map[string]any{"callbacks": matched})
		return
	}
	seen := map[callback.Status]int{}
	for _, cb := range all {
		seen[cb.Status]++
	}
	WriteJSON(w, http.StatusRequestTimeout, map[string]any{
		"error": fmt.Sprintf("timed out after %s waiting for %d %s callback(s); %d %s so far, %d matching in all",
			timeout, count, status, len(matched), status, len(all)),
		"awaited":   map[string]any{"count": count, "status": status, "labels": labels, "timeout": timeout.String()},
		"seen":      seen,
		"callbacks": all,
		"timed_out": true,
	})
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

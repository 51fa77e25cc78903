package control

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/callback"
)

// CallbackLog is what the callback endpoints need of the dispatcher.
type CallbackLog interface {
	List(f callback.Filter) []callback.Callback
	Page(f callback.Filter, offset, limit int) ([]callback.Callback, int)
	Get(id string) (callback.Callback, bool)
	Redeliver(id string) (callback.Callback, error)
	Wait(ctx context.Context, id string) error
}

// Callbacks serves the delivery log: GET /_mockpay/callbacks,
// GET /_mockpay/callbacks/{id} and POST /_mockpay/callbacks/{id}/redeliver.
type Callbacks struct {
	Log     CallbackLog
	Tenants Tenants
}

// labelFilters are the query parameters that select by a callback's labels.
// LiqPay labels order_id, payment_id and action; Liquido idempotency_key,
// reference_id and event.
var labelFilters = []string{"order_id", "payment_id", "action", "idempotency_key", "reference_id", "event"}

// List answers the log, oldest first, filtered by merchant (and provider),
// order_id, payment_id and status, one page at a time: limit (the newest N,
// default and at most MaxLimit, so one request never copies the whole log)
// and offset (skip the newest offset matches: offset=N&limit=N is the page
// before the newest). status takes a
// delivery state (pending, delivered, failed) or the payment status the
// callback reported (success, reversed, …): the two vocabularies do not
// overlap. delivery= names the delivery state explicitly.
func (c Callbacks) List(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := callback.Filter{Provider: q.Get("provider"), Status: callback.Status(q.Get("delivery"))}
	switch st := q.Get("status"); callback.Status(st) {
	case "":
	case callback.StatusPending, callback.StatusDelivered, callback.StatusFailed:
		f.Status = callback.Status(st)
	default:
		f.Labels = map[string]string{"status": st}
	}
	switch f.Status {
	case "", callback.StatusPending, callback.StatusDelivered, callback.StatusFailed:
	default:
		WriteJSON(w, http.StatusBadRequest, Error{Error: "delivery must be pending, delivered or failed"})
		return
	}
	offset, limit := 0, MaxLimit
	for name, dst := range map[string]*int{"limit": &limit, "offset": &offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			// limit=0 has always meant "no limit": it now means the most a
			// page holds, as does any limit above it.
			if err != nil || n < 0 {
				WriteJSON(w, http.StatusBadRequest, Error{Error: name + " must be a non-negative integer"})
				return
			}
			*dst = n
		}
	}
	if limit == 0 || limit > MaxLimit {
		limit = MaxLimit
	}
	for _, k := range labelFilters {
		if v := q.Get(k); v != "" {
			if f.Labels == nil {
				f.Labels = map[string]string{}
			}
			f.Labels[k] = v
		}
	}
	var out []callback.Callback
	total := 0
	if m := q.Get("merchant"); m != "" {
		ts := Clock{Tenants: c.Tenants}.pick(f.Provider, m)
		if len(ts) == 0 {
			WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + m})
			return
		}
		// Each tenant's newest offset+limit, merged by id (ids sort in
		// the order callbacks were made), then the page of the merge.
		for _, t := range ts {
			f.Tenant = t.ID
			got, n := c.Log.Page(f, 0, offset+limit)
			out, total = append(out, got...), total+n
		}
		slices.SortFunc(out, func(a, b callback.Callback) int { return strings.Compare(a.ID, b.ID) })
		end := max(len(out)-offset, 0)
		out = out[max(end-limit, 0):end]
	} else {
		out, total = c.Log.Page(f, offset, limit)
	}
	if out == nil {
		out = []callback.Callback{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"callbacks": out, "page": pageOf(total, offset, limit)})
}

// Get answers one callback with all its attempts. With ?merchant= (always
// so for a merchant token) another merchant's callback is not found.
func (c Callbacks) Get(w http.ResponseWriter, r *http.Request) {
	cb, ok := c.Log.Get(mux.Vars(r)["id"])
	if !ok || !InScope(r, cb.Tenant) {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such callback"})
		return
	}
	WriteJSON(w, http.StatusOK, cb)
}

// Redeliver sends a callback once more now and answers when that attempt
// has finished, with the callback as it then is.
func (c Callbacks) Redeliver(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if cb, ok := c.Log.Get(id); ok && !InScope(r, cb.Tenant) {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such callback"})
		return
	}
	cb, err := c.Log.Redeliver(id)
	if errors.Is(err, callback.ErrNotFound) {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such callback"})
		return
	}
	if err != nil {
		WriteJSON(w, http.StatusConflict, Error{Error: err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	_ = c.Log.Wait(ctx, id) // this attempt only, not the merchant's others
	if now, ok := c.Log.Get(id); ok {
		cb = now
	}
	WriteJSON(w, http.StatusOK, cb)
}

package control

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/callback"
)

// CallbackLog is what the callback endpoints need of the dispatcher.
type CallbackLog interface {
	List(f callback.Filter) []callback.Callback
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
// order_id, payment_id, status and limit (the newest N). status takes a
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
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			WriteJSON(w, http.StatusBadRequest, Error{Error: "limit must be a non-negative integer"})
			return
		}
		f.Limit = n
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
	if m := q.Get("merchant"); m != "" {
		ts := Clock{Tenants: c.Tenants}.pick(f.Provider, m)
		if len(ts) == 0 {
			WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + m})
			return
		}
		for _, t := range ts {
			f.Tenant = t.ID
			out = append(out, c.Log.List(f)...)
		}
	} else {
		out = c.Log.List(f)
	}
	if out == nil {
		out = []callback.Callback{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"callbacks": out})
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

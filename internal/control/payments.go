package control

import (
	"net/http"
	"slices"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/journal"
	"github.com/mockpay/mockpay/internal/ledger"
)

// Payments serves GET /_mockpay/payments and GET /_mockpay/payments/{id}.
type Payments struct {
	Ledger  *ledger.Ledger
	Journal *journal.Journal
	Log     CallbackLog
	Tenants Tenants
}

// List answers the payments, newest first, filtered by provider, merchant,
// status, order_id (LiqPay's order_id or Liquido's idempotencyKey; the
// alias idempotency_key works too), from and to (creation, virtual time,
// RFC 3339 or epoch ms), paged by limit and offset.
func (p Payments) List(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit, problem := page(q)
	if problem != "" {
		WriteJSON(w, http.StatusBadRequest, Error{Error: problem})
		return
	}
	tenants, ok := tenantIDs(p.Tenants, q.Get("provider"), q.Get("merchant"))
	if !ok {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + q.Get("merchant")})
		return
	}
	f := ledger.Filter{Provider: q.Get("provider"), Tenants: tenants, Status: q.Get("status"), OrderID: q.Get("order_id")}
	if f.OrderID == "" {
		f.OrderID = q.Get("idempotency_key")
	}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, ok := parseTime(v)
			if !ok {
				WriteJSON(w, http.StatusBadRequest, Error{Error: name + " must be RFC 3339 (2026-11-21T10:00:00Z) or epoch milliseconds"})
				return
			}
			*dst = t
		}
	}
	recs, total := p.Ledger.List(f, offset, limit)
	WriteJSON(w, http.StatusOK, map[string]any{"payments": recs, "page": pageOf(total, offset, limit)})
}

// event is one entry of a payment's timeline, at a virtual time.
type event struct {
	At       time.Time      `json:"at"`
	Kind     string         `json:"kind"` // request, status, callback_attempt, clock
	Status   string         `json:"status,omitempty"`
	Request  *journal.Entry `json:"request,omitempty"`
	Callback *attemptJSON   `json:"callback,omitempty"`
	Clock    *ledger.Move   `json:"clock,omitempty"`
}

type attemptJSON struct {
	ID             string  `json:"id"` // the callback's id
	Number         int     `json:"number"`
	URL            string  `json:"url"`
	Redelivery     bool    `json:"redelivery,omitempty"`
	Delivered      bool    `json:"delivered"`
	ResponseStatus int     `json:"response_status,omitempty"`
	Error          string  `json:"error,omitempty"`
	DurationMS     float64 `json:"duration_ms"`
	Labels         any     `json:"labels,omitempty"`
}

var kindOrder = map[string]int{"clock": 0, "request": 1, "status": 2, "callback_attempt": 3}

// Get answers one payment (by LiqPay payment_id or Liquido idempotencyKey)
// with its status history and its whole timeline, oldest first: the
// requests that named it and their answers (from the journal), its status
// changes, its callbacks' attempts, and the clock moves of its merchant
// that touched it (a status change or an attempt fell inside the move).
func (p Payments) Get(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tenants, ok := tenantIDs(p.Tenants, q.Get("provider"), q.Get("merchant"))
	if !ok {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + q.Get("merchant")})
		return
	}
	id := mux.Vars(r)["id"]
	found := p.Ledger.Find(id, tenants)
	switch {
	case len(found) == 0:
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such payment: " + id})
		return
	case len(found) > 1:
		WriteJSON(w, http.StatusConflict, Error{Error: "several merchants have a payment " + id + "; name one with ?merchant="})
		return
	}
	pay := found[0]
	var tl []event
	for _, c := range pay.Changes {
		tl = append(tl, event{At: c.At, Kind: "status", Status: c.Status})
	}
	if p.Journal != nil {
		seen := map[string]bool{}
		for _, ref := range []string{pay.ID, pay.OrderID} {
			entries, _ := p.Journal.List(journal.Filter{Tenants: []string{pay.Tenant}, Ref: ref}, 0, p.Journal.Max())
			for _, e := range entries {
				if !seen[e.ID] {
					seen[e.ID] = true
					tl = append(tl, event{At: e.VirtualAt, Kind: "request", Request: e})
				}
			}
		}
	}
	if p.Log != nil {
		label := "payment_id"
		if pay.Provider == "liquido" {
			label = "reference_id"
		}
		for _, cb := range p.Log.List(callback.Filter{Tenant: pay.Tenant, Labels: map[string]string{label: pay.ID}}) {
			for _, a := range cb.Attempts {
				tl = append(tl, event{At: a.At, Kind: "callback_attempt", Callback: &attemptJSON{
					ID: cb.ID, Number: a.Number, URL: a.URL, Redelivery: a.Redelivery, Delivered: a.Delivered(),
					ResponseStatus: a.ResponseStatus, Error: a.Error, DurationMS: a.DurationMS, Labels: cb.Labels,
				}})
			}
		}
	}
	// A clock move touched the payment when something happened to it
	// inside the move's window: a status change or a callback attempt.
	var touched []time.Time
	for _, e := range tl {
		if e.Kind != "request" {
			touched = append(touched, e.At)
		}
	}
	for _, m := range p.Ledger.Moves(pay.Tenant, pay.Created) {
		if slices.ContainsFunc(touched, func(at time.Time) bool { return at.After(m.From) && !at.After(m.To) }) {
			tl = append(tl, event{At: m.From, Kind: "clock", Clock: &m})
		}
	}
	slices.SortStableFunc(tl, func(a, b event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return kindOrder[a.Kind] - kindOrder[b.Kind]
	})
	if tl == nil {
		tl = []event{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"payment": pay.Record, "history": pay.Changes, "timeline": tl})
}

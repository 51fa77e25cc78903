package control

import (
	"net/http"
	"strconv"

	"github.com/mockpay/mockpay/internal/journal"
)

// Journal serves GET and DELETE /_mockpay/journal and
// GET /_mockpay/journal/{id}.
type Journal struct {
	Journal *journal.Journal
	Tenants Tenants
}

// truthy reads a flag parameter: 1, true, yes.
func truthy(v string) bool {
	b, err := strconv.ParseBool(v)
	return err == nil && b || v == "yes"
}

// List answers journal entries, newest first, filtered by merchant,
// provider, path (a prefix), status (an HTTP code), errors=1, unmatched=1,
// problems=1 (errors or unmatched), since (wall time, RFC 3339 or epoch ms)
// and ref (a payment or order id), paged by limit and offset. Without
// ?merchant= it covers every merchant, and the requests no merchant could
// be found for.
func (j Journal) List(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit, problem := page(q)
	if problem != "" {
		WriteJSON(w, http.StatusBadRequest, Error{Error: problem})
		return
	}
	tenants, ok := tenantIDs(j.Tenants, q.Get("provider"), q.Get("merchant"))
	if !ok {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + q.Get("merchant")})
		return
	}
	f := journal.Filter{Tenants: tenants, Provider: q.Get("provider"), Path: q.Get("path"), Ref: q.Get("ref"),
		Errors: truthy(q.Get("errors")), Unmatched: truthy(q.Get("unmatched")), Problems: truthy(q.Get("problems"))}
	if q.Get("merchant") == "" && q.Get("provider") != "" {
		f.Tenants = nil // the provider filter alone also keeps its requests of no merchant
	}
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 999 {
			WriteJSON(w, http.StatusBadRequest, Error{Error: "status must be an HTTP status code such as 404"})
			return
		}
		f.Status = n
	}
	if v := q.Get("since"); v != "" {
		t, ok := parseTime(v)
		if !ok {
			WriteJSON(w, http.StatusBadRequest, Error{Error: "since must be RFC 3339 (2026-11-21T10:00:00Z) or epoch milliseconds"})
			return
		}
		f.Since = t
	}
	entries, total := j.Journal.List(f, offset, limit)
	if entries == nil {
		entries = []*journal.Entry{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"entries": entries, "page": pageOf(total, offset, limit), "max_per_merchant": j.Journal.Max()})
}

// Get answers one entry; with ?merchant= another merchant's is a 404.
func (j Journal) Get(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tenants, ok := tenantIDs(j.Tenants, q.Get("provider"), q.Get("merchant"))
	if !ok {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + q.Get("merchant")})
		return
	}
	e, found := j.Journal.Get(muxVar(r, "id"))
	if !found || (tenants != nil && !contains(tenants, e.Tenant)) {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such journal entry"})
		return
	}
	WriteJSON(w, http.StatusOK, e)
}

// Clear forgets the entries of ?merchant= (every entry without one).
func (j Journal) Clear(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tenants, ok := tenantIDs(j.Tenants, q.Get("provider"), q.Get("merchant"))
	if !ok {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + q.Get("merchant")})
		return
	}
	n := j.Journal.Clear(tenants)
	WriteJSON(w, http.StatusOK, map[string]any{"cleared": n})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

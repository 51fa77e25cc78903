package control

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"
)

// Paging of list endpoints: ?limit= (default DefaultLimit; a larger value
// than MaxLimit is capped to it) and ?offset= (default 0), newest first.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// page reads limit and offset, or says what is wrong with them.
func page(q url.Values) (offset, limit int, problem string) {
	limit = DefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, "limit must be a positive integer"
		}
		limit = min(n, MaxLimit)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, "offset must be a non-negative integer"
		}
		offset = n
	}
	return offset, limit, ""
}

// pageJSON is the paging part of a list's answer.
type pageJSON struct {
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	// NextOffset is where the next page starts; omitted on the last page.
	NextOffset *int `json:"next_offset,omitempty"`
}

func pageOf(total, offset, limit int) pageJSON {
	p := pageJSON{Total: total, Offset: offset, Limit: limit}
	if next := offset + limit; next < total {
		p.NextOffset = &next
	}
	return p
}

// parseTime reads an instant as RFC 3339 or as epoch milliseconds.
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && ms >= 0 && ms < 1<<53 {
		return time.UnixMilli(ms), true
	}
	return time.Time{}, false
}

// tenantIDs resolves ?merchant= and ?provider= to tenant ids: nil (every
// tenant) when neither is given, ok false when they name no tenant.
func tenantIDs(ts Tenants, provider, merchant string) (ids []string, ok bool) {
	if merchant == "" && provider == "" {
		return nil, true
	}
	ids = []string{}
	for _, t := range (Clock{Tenants: ts}).pick(provider, merchant) {
		ids = append(ids, t.ID)
	}
	return ids, merchant == "" || len(ids) > 0
}

// muxVar is one of the route's path variables.
func muxVar(r *http.Request, name string) string { return mux.Vars(r)[name] }

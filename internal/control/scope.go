package control

import (
	"net/http"
	"strings"
)

// Scoping. Every control endpoint that can be narrowed to one merchant takes
// ?merchant=KEY (the LiqPay public_key or Liquido client_id, with
// ?provider= to disambiguate). A merchant-scoped token makes that parameter
// compulsory: the Guard fills it in, or refuses a request that names another
// merchant, before the handler runs. So a handler is scoped for free as long
// as it (a) filters lists by ?merchant= and (b) answers 404 for a resource
// addressed by id that InScope says belongs to another merchant.

// InScope reports whether the resource of tenantID ("provider:key") may be
// shown to the request: always when the request names no merchant, else
// only when it is that merchant's (and that provider's, when named).
func InScope(r *http.Request, tenantID string) bool {
	q := r.URL.Query()
	merchant := q.Get("merchant")
	if merchant == "" {
		return true
	}
	provider, key, _ := strings.Cut(tenantID, ":")
	if key != merchant {
		return false
	}
	p := q.Get("provider")
	return p == "" || p == provider
}

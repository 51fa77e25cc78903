package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/journal"
)

// TestJournalRouteIsTheRoutersMatch: the journal takes a request's route
// and variables from the router's own match (noteRoute) rather than
// matching again; both must give the same route, variables and references,
// and a request no route takes is still journaled as unmatched.
func TestJournalRouteIsTheRoutersMatch(t *testing.T) {
	s := retentionServer(t, 0, 0)
	h := s.Handler()
	rec := s.recorder(s.router)
	requests := []struct{ method, path string }{
		{http.MethodGet, "/v1/payments/charges/refund/key-1"},        // a route with a variable
		{http.MethodPost, "/v1/payments/charges/card/capture/key-2"}, // another
		{http.MethodPost, "/api/request"},                            // LiqPay's one route
		{http.MethodGet, "/api/request"},                             // its path, the wrong method
		{http.MethodGet, "/v1/nowhere"},                              // no route
	}
	for _, q := range requests {
		r := httptest.NewRequest(q.method, "http://127.0.0.1"+q.path, strings.NewReader("x=1"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(httptest.NewRecorder(), r)
		entries, _ := s.journal.List(journal.Filter{Path: q.path}, 0, 1)
		if len(entries) != 1 {
			t.Fatalf("%s %s: %d journal entries", q.method, q.path, len(entries))
		}
		e := entries[0]
		tpl, vars, matched := rec.Route(httptest.NewRequest(q.method, "http://127.0.0.1"+q.path, nil))
		if !matched {
			tpl = "unmatched"
		}
		if e.Route != tpl || e.Unmatched == matched {
			t.Errorf("%s %s: journal route %q (unmatched %v), matching again gives %q (matched %v)", q.method, q.path, e.Route, e.Unmatched, tpl, matched)
		}
		if k := vars["key"]; k != "" && !cmp.Equal(e.Refs, []string{k}) {
			t.Errorf("%s %s: refs %v, want the route's key %q", q.method, q.path, e.Refs, k)
		}
	}
}

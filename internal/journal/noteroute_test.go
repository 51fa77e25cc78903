package journal

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestNotedRouteIsNotMatchedAgain: when the router notes the route
// (RouteNoter), the Recorder takes it and does not match the request
// again; when nothing is noted, it matches.
func TestNotedRouteIsNotMatchedAgain(t *testing.T) {
	for _, note := range []bool{true, false} {
		j := New(10)
		matches := 0
		rec := Recorder{
			Journal:  j,
			Provider: func(string) string { return "liquido" },
			Route: func(*http.Request) (string, map[string]string, bool) {
				matches++
				return "/v1/things/{key}", map[string]string{"key": "k1"}, true
			},
		}
		h := rec.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if note {
				w.(RouteNoter).NoteRoute("/v1/things/{key}", map[string]string{"key": "k1"})
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/things/k1", nil))
		entries, _ := j.List(Filter{}, 0, 10)
		if len(entries) != 1 || entries[0].Route != "/v1/things/{key}" || entries[0].Unmatched || len(entries[0].Refs) != 1 || entries[0].Refs[0] != "k1" {
			t.Fatalf("noted %v: entries %+v", note, entries)
		}
		if want := map[bool]int{true: 0, false: 1}[note]; matches != want {
			t.Errorf("noted %v: matched %d times, want %d", note, matches, want)
		}
	}
}

func TestHeadersAreCopiedMasked(t *testing.T) {
	h := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer abcdefghijkl"}, "X-Two": {"a", "b"}}
	h["x-two"] = []string{"c"} // a second spelling of one name, set directly
	got := headers(h)
	if got.Get("Authorization") != "Bearer ****ijkl" || h.Get("Authorization") != "Bearer abcdefghijkl" {
		t.Errorf("Authorization: stored %q, original %q", got.Get("Authorization"), h.Get("Authorization"))
	}
	if vs := got["X-Two"]; len(vs) != 3 {
		t.Errorf("X-Two: %q, want the three values of both spellings", vs)
	}
	if got.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type: %q", got.Get("Content-Type"))
	}
}

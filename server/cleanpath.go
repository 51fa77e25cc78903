package server

import (
	"net/http"
	"path"
	"strings"
)

// cleanPath routes //api/request, /api//request and /./_mockpay/… as the
// clean path, with no redirect. gorilla/mux would answer them with an empty
// 301 instead, which clients follow as a GET, losing the POST's body; the
// router is told to SkipClean and this wrapper, outermost, cleans for it, so
// the guard, the journal and the router all see the same path.
func cleanPath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := cleanedPath(r.URL.Path)
		if p != r.URL.Path {
			r2 := new(http.Request)
			*r2 = *r
			u := *r.URL
			u.Path, u.RawPath = p, ""
			r2.URL = &u
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

// cleanedPath is path.Clean keeping a trailing slash, as gorilla/mux's own
// cleaning does (the dashboard's path ends in one).
func cleanedPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

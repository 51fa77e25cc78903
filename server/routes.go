package server

import (
	"sort"
	"strings"

	"github.com/gorilla/mux"
)

// ControlRoutes lists the control plane's routes as "METHOD /path/{var}",
// sorted, for the test that holds the OpenAPI document to them.
func (s *Server) ControlRoutes() []string {
	var out []string
	_ = s.router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, err := route.GetPathTemplate()
		if err != nil || !strings.HasPrefix(path, "/_mockpay/") {
			return nil
		}
		methods, err := route.GetMethods()
		if err != nil {
			methods = []string{"ANY"}
		}
		for _, m := range methods {
			out = append(out, m+" "+path)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

package server

import (
	"encoding/json"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/config"
)

// internal/control/openapi_observe.json documents the observing endpoints
// (payments, journal, await, metrics, clock/set) for the OpenAPI document;
// it must name exactly the routes observeRoutes registers, plus clock/set.
func TestOpenAPIFragmentNamesTheObservingRoutes(t *testing.T) {
	s, err := New(config.Default(), slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	s.observeRoutes(r)
	served := []string{"POST /_mockpay/clock/set"}
	_ = r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, _ := route.GetPathTemplate()
		methods, _ := route.GetMethods()
		for _, m := range methods {
			served = append(served, m+" "+path)
		}
		return nil
	})
	raw, err := os.ReadFile("../control/openapi_observe.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Summary   string         `json:"summary"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if op.Summary == "" || len(op.Responses) == 0 {
				t.Errorf("%s %s needs a summary and responses", method, path)
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(served)
	slices.Sort(documented)
	if !slices.Equal(served, documented) {
		t.Errorf("served %v\ndocumented %v", served, documented)
	}
}

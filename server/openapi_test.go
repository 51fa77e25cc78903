package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/internal/config"
	controlapi "github.com/mockpay/mockpay/internal/control"
	"github.com/mockpay/mockpay/server"
)

// The OpenAPI document and the router must name the same control routes.
// To add a route: add its path under "paths" in internal/control/openapi.json
// with one key per method ("get", "post", …), each with a summary and
// responses; reuse components/parameters "merchant" and "provider".
func TestOpenAPIDocumentNamesEveryControlRoute(t *testing.T) {
	s, err := server.New(config.Default(), quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(controlapi.OpenAPIDocument(), &doc); err != nil {
		t.Fatalf("internal/control/openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			var o struct {
				Summary   string         `json:"summary"`
				Responses map[string]any `json:"responses"`
			}
			if err := json.Unmarshal(raw, &o); err != nil || o.Summary == "" || len(o.Responses) == 0 {
				t.Errorf("openapi.json: %s %s needs a summary and responses", strings.ToUpper(method), path)
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	served := s.ControlRoutes()
	if len(served) < 10 {
		t.Fatalf("only %d control routes found: %v", len(served), served)
	}
	for _, r := range served {
		if !slices.Contains(documented, r) {
			method, path, _ := strings.Cut(r, " ")
			t.Errorf("route %s is served but missing from internal/control/openapi.json: add \"paths\": {%q: {%q: {\"summary\": …, \"responses\": …}}}",
				r, path, strings.ToLower(method))
		}
	}
	for _, d := range documented {
		if !slices.Contains(served, d) {
			t.Errorf("internal/control/openapi.json documents %s, which no route serves: remove it or register the route in server/server.go", d)
		}
	}
}

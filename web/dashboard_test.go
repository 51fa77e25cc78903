package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDashboardPage(t *testing.T) {
	triggers := map[string][]string{"liqpay": {"refund", "settle"}, "liquido": {"chargeback"}}
	w := httptest.NewRecorder()
	Dashboard(DashboardInfo{Version: `v1"<x>`, Triggers: triggers}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, DashboardPath, nil))
	if w.Code != http.StatusOK {
		t.Fatalf("HTTP %d", w.Code)
	}
	for name, want := range map[string]string{
		"Content-Security-Policy": DashboardCSP,
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Content-Type":            "text/html; charset=utf-8",
	} {
		if got := w.Header().Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	body := w.Body.String()
	// The trigger table reaches the script intact through the attribute.
	m := regexp.MustCompile(`data-triggers="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no data-triggers in %s", body)
	}
	var got map[string][]string
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &got); err != nil {
		t.Fatalf("data-triggers %q: %v", m[1], err)
	}
	if diff := cmp.Diff(triggers, got); diff != "" {
		t.Error(diff)
	}
	if strings.Contains(body, `v1"<x>`) {
		t.Error("the version is not escaped")
	}
	for _, want := range []string{`src="` + DashboardScriptPath + `"`, `href="` + StylePath + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

func TestDashboardScript(t *testing.T) {
	w := httptest.NewRecorder()
	DashboardScript().ServeHTTP(w, httptest.NewRequest(http.MethodGet, DashboardScriptPath, nil))
	if ct := w.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", w.Header())
	}
	if !strings.Contains(w.Body.String(), "EventSource(") {
		t.Error("the script is not the dashboard's")
	}
}

package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
)

// The dashboard: one HTML page and one script, embedded like the hosted
// pages, sharing their stylesheet. The page holds no data: the script reads
// everything from the control API with the visitor's token, so the page and
// its script are served to anyone the Guard lets reach the control plane's
// Host, and the data endpoints keep their own checks.

//go:embed dashboard/index.html dashboard/dashboard.js
var dashboardFiles embed.FS

// Where the dashboard and its script are served.
const (
	DashboardPath       = "/_mockpay/"
	DashboardScriptPath = "/_mockpay/static/dashboard.js"
)

var (
	dashboardPage   = template.Must(template.ParseFS(dashboardFiles, "dashboard/index.html"))
	dashboardScript = mustReadDashboard("dashboard/dashboard.js")
)

func mustReadDashboard(name string) []byte {
	b, err := dashboardFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

// DashboardCSP allows this server's own script, stylesheet and connections
// (fetch, EventSource) and nothing else: no inline script, no frames.
const DashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// DashboardInfo is what the page is told when served: the trigger events
// each provider accepts (so it shows only valid ones) and the version.
type DashboardInfo struct {
	Version  string
	Triggers map[string][]string // provider → events
}

// Dashboard serves the page.
func Dashboard(info DashboardInfo) http.Handler {
	triggers, _ := json.Marshal(info.Triggers)
	var buf bytes.Buffer
	data := struct {
		Version, Style, Script, Triggers string
	}{info.Version, StylePath, DashboardScriptPath, string(triggers)}
	if err := dashboardPage.Execute(&buf, data); err != nil {
		panic(err) // the template is embedded: a failure is a build error
	}
	page := buf.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", DashboardCSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		_, _ = w.Write(page)
	})
}

// DashboardScript serves the page's script.
func DashboardScript() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(dashboardScript)
	})
}

// Package control holds mockpay's own HTTP surface under /_mockpay/: health,
// and (as later steps land) the JSON control API and the dashboard. Handlers
// ask for the few methods they use through small interfaces, so they test
// with stubs; they know nothing about a provider's wire format.
package control

import (
	"encoding/json"
	"net/http"
	"time"
)

// Health answers GET /_mockpay/health: 200 once the server is serving, with
// what it loaded, so "healthy" means something (reference anchors §6b).
type Health struct {
	Version   string
	Seed      int64
	Started   time.Time
	Merchants func() map[string][]string // provider → merchant keys
	Scenarios func() []string
}

type healthJSON struct {
	Status    string              `json:"status"`
	Version   string              `json:"version"`
	Seed      int64               `json:"seed"`
	UptimeMS  int64               `json:"uptime_ms"`
	Merchants map[string][]string `json:"merchants"`
	Scenarios []string            `json:"scenarios"`
}

func (h Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	out := healthJSON{Status: "ok", Version: h.Version, Seed: h.Seed, UptimeMS: time.Since(h.Started).Milliseconds(),
		Merchants: map[string][]string{}, Scenarios: []string{}}
	if h.Merchants != nil {
		out.Merchants = h.Merchants()
	}
	if h.Scenarios != nil {
		out.Scenarios = h.Scenarios()
	}
	WriteJSON(w, http.StatusOK, out)
}

// WriteJSON writes v as JSON with a status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	// Encoded before the status is written, so a value that cannot be
	// encoded is a 500 that says so, never an empty 200.
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		code = http.StatusInternalServerError
		body, _ = json.MarshalIndent(Error{Error: "answer could not be encoded: " + err.Error()}, "", "  ")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(append(body, '\n'))
}

// Error is the control plane's own error shape.
type Error struct {
	Error string `json:"error"`
}

package server

import (
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/emulator/liquido"
	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/control"
	"github.com/mockpay/mockpay/internal/events"
	"github.com/mockpay/mockpay/internal/ledger"
	"github.com/mockpay/mockpay/web"
)

// dashboardRoutes registers the dashboard (package web) and its live feed.
func (s *Server) dashboardRoutes(r *mux.Router) {
	info := web.DashboardInfo{Version: Version, Triggers: map[string][]string{
		"liqpay": liqpay.TriggerEvents(), "liquido": liquido.TriggerEvents(),
	}}
	r.Handle(web.DashboardPath, web.Dashboard(info)).Methods(http.MethodGet, http.MethodHead)
	// Typed without its slash, the address still opens the dashboard.
	r.Handle("/_mockpay", http.RedirectHandler(web.DashboardPath, http.StatusMovedPermanently)).Methods(http.MethodGet, http.MethodHead)
	r.Handle(web.DashboardScriptPath, web.DashboardScript()).Methods(http.MethodGet, http.MethodHead)
	r.Handle(control.EventsPath, control.Events{Hub: s.events, Tenants: s.tenants}).Methods(http.MethodGet)
}

// feed publishes every new payment and change to the ledger and, after it,
// to the live feed.
type feed struct {
	ledger *ledger.Ledger
	hub    *events.Hub
}

func (f feed) Publish(r ledger.Record) {
	f.ledger.Publish(r)
	if r.Payment == nil {
		// Not encoded: no subscriber wanted it when the emulator asked
		// (WantsPayment), as if the event had come just before one joined.
		return
	}
	f.hub.PublishJSON(events.Payment, r.Tenant, r)
}

// WantsPayment: the emulators encode a payment's JSON only for a live feed
// with a subscriber for its tenant (ledger.PaymentWanter).
func (f feed) WantsPayment(tenant string) bool { return f.hub.Wants(tenant) }

// callbackEventJSON is a callback as the live feed tells of an attempt:
// where it stands and the attempt just finished, without bodies (the
// dashboard reads those from the callback log when asked).
type callbackEventJSON struct {
	ID            string            `json:"id"`
	Tenant        string            `json:"tenant"`
	Provider      string            `json:"provider"`
	Status        callback.Status   `json:"status"`
	Labels        map[string]string `json:"labels,omitempty"`
	NextAttemptAt time.Time         `json:"next_attempt_at,omitzero"`
	MaxAttempts   int               `json:"max_attempts"`
	Attempt       *attemptEventJSON `json:"attempt,omitempty"`
}

type attemptEventJSON struct {
	Number         int       `json:"number"`
	At             time.Time `json:"at"`
	Redelivery     bool      `json:"redelivery,omitempty"`
	ResponseStatus int       `json:"response_status,omitempty"`
	Error          string    `json:"error,omitempty"`
}

// callbackAttempted feeds a finished attempt to the live feed
// (callback.Options.OnAttempt, called outside the dispatcher's lock with a
// summary that carries no bodies): publishing never blocks.
func (s *Server) callbackAttempted(cb callback.Callback) {
	out := callbackEventJSON{ID: cb.ID, Tenant: cb.Tenant, Provider: cb.Provider, Status: cb.Status, Labels: cb.Labels,
		NextAttemptAt: cb.NextAttemptAt, MaxAttempts: cb.MaxAttempts}
	if n := len(cb.Attempts); n > 0 {
		a := cb.Attempts[n-1]
		out.Attempt = &attemptEventJSON{Number: a.Number, At: a.At, Redelivery: a.Redelivery, ResponseStatus: a.ResponseStatus, Error: a.Error}
	}
	s.events.PublishJSON(events.Callback, cb.Tenant, out)
}

// clockMoved records a clock move for payment timelines and tells the feed.
func (s *Server) clockMoved(tenantID string, from, to time.Time, kind string) {
	s.ledger.ClockMoved(tenantID, from, to, kind)
	if to.After(from) {
		s.events.PublishJSON(events.Clock, tenantID, ledger.Move{Tenant: tenantID, From: from, To: to, Kind: kind})
	}
}

// resetFeed tells the feed a merchant was reset, so pages re-read it.
func (s *Server) resetFeed(tenantID string) {
	s.events.PublishJSON(events.Reset, tenantID, map[string]string{"tenant": tenantID})
}

// Package server assembles mockpay: configuration in, one http.Handler out,
// with the providers' emulators, the tenants and the control plane wired
// together. It is where the request flow of DESIGN.md is put together; the
// parts themselves live in emulator/ and internal/.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/emulator/liquido"
	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/control"
	"github.com/mockpay/mockpay/internal/events"
	"github.com/mockpay/mockpay/internal/journal"
	"github.com/mockpay/mockpay/internal/ledger"
	"github.com/mockpay/mockpay/internal/metrics"
	"github.com/mockpay/mockpay/internal/redact"
	"github.com/mockpay/mockpay/internal/state"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
	"github.com/mockpay/mockpay/web"
)

// Version is the build's version, set with -ldflags "-X ...server.Version=v1".
var Version = "dev"

// Server is a configured mockpay.
type Server struct {
	cfg       config.Config
	log       *slog.Logger
	tenants   *tenant.Registry
	callbacks *callback.Dispatcher
	scenarios *scenarios.Engine
	liqpay    *liqpay.Server
	liquido   *liquido.Server
	ledger    *ledger.Ledger
	journal   *journal.Journal
	metrics   *metrics.Metrics
	events    *events.Hub // the dashboard's live feed
	handler   http.Handler
	router    *mux.Router

	liqpayPolicies, liquidoPolicies *policies // callback policies by merchant key
	tokens                          *control.Tokens
	// resetParts are what POST /_mockpay/reset (and deleting a merchant)
	// clears, in order, for each tenant.
	resetParts []control.Resettable
	state      *state.Store // nil without --state-file
	made       *merchants   // the merchants made through the control plane
}

// Vocabulary lists every provider's words for the scenario loader.
func Vocabulary() []scenarios.Vocabulary {
	return []scenarios.Vocabulary{liqpay.Vocabulary(), liquido.Vocabulary()}
}

// New builds a server from a configuration. Wall is the real clock (nil:
// time.Now); tests pass their own. It fails when a scenario file does not
// load, naming every problem as file:line:column.
func New(cfg config.Config, log *slog.Logger, wall func() time.Time) (*Server, error) {
	// Whatever is logged is masked first: merchants' ids and paths may hold
	// a card number (redact.LogHandler).
	log = slog.New(redact.LogHandler(log.Handler()))
	s := &Server{cfg: cfg, log: log, tenants: tenant.NewRegistry(cfg.Seed, wall)}
	s.scenarios = scenarios.NewEngine(log.With("part", "scenarios"), Vocabulary())
	if err := s.scenarios.AddDefaults("default:liqpay", liqpay.TestCardScenarios()); err != nil {
		return nil, err
	}
	if err := s.scenarios.AddDefaults("default:liquido", liquido.TestCardScenarios()); err != nil {
		return nil, err
	}
	if err := s.scenarios.LoadPaths(cfg.ScenarioDirs); err != nil {
		return nil, err
	}
	s.events = &events.Hub{}
	s.callbacks = callback.New(callback.Options{Logger: log.With("part", "callbacks"), Policy: policy(cfg.Callbacks),
		OnAttempt: s.callbackAttempted, MaxRecordsPerTenant: callbackCap(cfg.RetainPayments)})
	s.liqpayPolicies, s.liquidoPolicies, s.tokens = newPolicies(), newPolicies(), control.NewTokens()
	s.ledger, s.journal = ledger.New(), journal.New(cfg.JournalMax)
	s.metrics = &metrics.Metrics{Payments: s.ledger.Count, Callbacks: s.callbacks.Counts, Attempts: s.callbacks.Attempts}
	for _, m := range cfg.LiqPayMerchants() {
		s.liqpayPolicies.set(m.PublicKey, policy(cfg.Callbacks.For(m.Callbacks)))
	}
	s.liqpay = liqpay.New(liqpay.Options{
		Merchants:      cfg.LiqPayMerchants(),
		Tenants:        s.tenants,
		Logger:         log.With("provider", "liqpay"),
		BaseURL:        cfg.BaseURL,
		Settings:       cfg.LiqPay,
		Callbacks:      s.callbacks,
		CallbackPolicy: s.liqpayPolicies.get,
		Scenarios:      s.scenarios,
		Ledger:         feed{s.ledger, s.events},
	})
	for _, m := range cfg.LiquidoMerchants() {
		s.liquidoPolicies.set(m.ClientID, policy(cfg.Callbacks.For(m.Callbacks)))
	}
	s.liquido = liquido.New(liquido.Options{
		Merchants:      cfg.LiquidoMerchants(),
		Tenants:        s.tenants,
		Logger:         log.With("provider", "liquido"),
		BaseURL:        cfg.BaseURL,
		Callbacks:      s.callbacks,
		CallbackPolicy: s.liquidoPolicies.get,
		Scenarios:      s.scenarios,
		Ledger:         feed{s.ledger, s.events},
	})
	// The ledger keeps no copy of a payment's JSON; it asks the emulators.
	s.ledger.RenderWith("liqpay", s.liqpay)
	s.ledger.RenderWith("liquido", s.liquido)

	r := mux.NewRouter().SkipClean(true) // cleanPath cleans, without mux's redirect
	r.Use(noteRoute)                     // the matched route, for the journal (observe.go)
	s.router = r
	s.liqpay.Routes(r)
	s.liquido.Routes(r)
	// The one stylesheet of every hosted page (package web).
	r.Handle(web.StylePath, web.Style()).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/_mockpay/health", control.Health{
		Version: Version, Seed: cfg.Seed, Started: time.Now(),
		Merchants: func() map[string][]string {
			return map[string][]string{"liqpay": s.liqpay.Merchants(), "liquido": s.liquido.Merchants()}
		},
		Scenarios: s.scenarios.Names,
	}).Methods(http.MethodGet, http.MethodHead)
	clk := control.Clock{Tenants: s.tenants, Attempts: s.callbacks, Moved: s.clockMoved}
	r.HandleFunc("/_mockpay/clock", clk.Get).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/clock/advance", clk.Advance).Methods(http.MethodPost)
	r.HandleFunc("/_mockpay/clock/set", clk.Set).Methods(http.MethodPost)
	s.observeRoutes(r)
	cbs := control.Callbacks{Log: s.callbacks, Tenants: s.tenants}
	r.HandleFunc("/_mockpay/callbacks", cbs.List).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/callbacks/{id}", cbs.Get).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/callbacks/{id}/redeliver", cbs.Redeliver).Methods(http.MethodPost)
	sc := control.Scenarios{Engine: s.scenarios, Tenants: s.tenants}
	r.HandleFunc("/_mockpay/scenarios", sc.List).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/scenarios/reload", sc.Reload).Methods(http.MethodPost)
	r.HandleFunc("/_mockpay/scenarios/reset", sc.Reset).Methods(http.MethodPost)
	r.HandleFunc("/_mockpay/scenarios/{name}", sc.Put).Methods(http.MethodPut)
	r.HandleFunc("/_mockpay/scenarios/{name}", sc.Delete).Methods(http.MethodDelete)
	trg := control.Triggers{Tenants: s.tenants, Settle: s.callbacks.Settle,
		Providers: map[string]control.Triggerer{"liqpay": s.liqpay, "liquido": s.liquido}}
	r.HandleFunc("/_mockpay/payments/{id}/trigger", trg.Trigger).Methods(http.MethodPost)
	// Reset clears these parts in this order for each tenant; a part of
	// state added later (a journal, a ledger) is one more line here.
	s.resetParts = []control.Resettable{
		control.ResetFunc(s.resetProviders),
		control.ResetFunc(s.resetClock),
		control.ResetFunc(s.callbacks.Reset),
		control.ResetFunc(s.scenarios.ResetCounts),
		s.ledger,
		s.journal,
		control.ResetFunc(s.resetFeed),
	}
	r.Handle("/_mockpay/reset", control.Reset{Tenants: s.tenants, Parts: s.resetParts}).Methods(http.MethodPost)
	s.made = &merchants{s: s, made: map[string]made{}}
	ms := control.Merchants{Store: s.made, Vocabulary: Vocabulary()}
	r.HandleFunc("/_mockpay/merchants", ms.Create).Methods(http.MethodPost)
	r.HandleFunc("/_mockpay/merchants", ms.List).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/merchants/{key}", ms.Get).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/merchants/{key}", ms.Delete).Methods(http.MethodDelete)
	r.HandleFunc("/_mockpay/openapi.json", control.OpenAPI).Methods(http.MethodGet)
	s.runRoutes(r) // expectations and run bundles (runs.go)
	s.dashboardRoutes(r)
	s.auditRoutes(r)
	notFound := http.HandlerFunc(s.notFound)
	r.NotFoundHandler = notFound
	r.MethodNotAllowedHandler = notFound
	guard := &control.Guard{AdminToken: cfg.AdminToken, AllowedHosts: cfg.AllowedHosts, Tokens: s.tokens, Global: globalRoutes}
	s.handler = cleanPath(refuseSmuggling(decodeOnce(s.recorder(r).Wrap(Recover(log, s.panicked)(guard.Wrap(r))))))
	if cfg.StateFile != "" {
		if err := s.openState(cfg.StateFile); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// policy turns the configured delivery policy into the dispatcher's.
func policy(c config.Callbacks) callback.Policy {
	return callback.Policy{Timeout: c.Timeout.Std(), Backoff: c.Durations()}
}

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops what Serve would stop at shutdown, for servers used in-process
// (tests, mockpaytest): callbacks in flight until ctx ends, then the clocks.
// It reports how many callbacks were still pending.
func (s *Server) Close(ctx context.Context) int {
	s.saveState()
	s.writeBundles()
	pending := s.callbacks.Close(ctx)
	s.tenants.Close()
	return pending
}

// Tenants exposes the tenant registry (control plane, tests).
func (s *Server) Tenants() *tenant.Registry { return s.tenants }

// providerOf tells which API a path belongs to: "liqpay" (its API under
// /api/ and its payer pages under /apipay/), "liquido" (reference
// liquido.md §4: /v1/, /v2/, /oauth2/, and mockpay's stand-ins for its
// hosted pages under /liquido/), "mockpay" (the control plane) or "".
// It is the one place that knows; errors, panics and the journal ask it.
func providerOf(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/"), strings.HasPrefix(path, "/apipay/"):
		return "liqpay"
	case strings.HasPrefix(path, "/v1/"), strings.HasPrefix(path, "/v2/"),
		strings.HasPrefix(path, "/oauth2/"), strings.HasPrefix(path, "/liquido/"):
		return "liquido"
	case strings.HasPrefix(path, "/_mockpay/"):
		return "mockpay"
	}
	return ""
}

// notFound answers in the shape of whichever API the path belongs to.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	switch providerOf(r.URL.Path) {
	case "liqpay":
		s.liqpay.NotFound(w, r)
		return
	case "liquido":
		s.liquido.NotFound(w, r)
		return
	}
	control.WriteJSON(w, http.StatusNotFound, control.Error{Error: "no route for " + r.Method + " " + r.URL.Path})
}

// panicked answers a recovered panic in the provider's error shape.
func (s *Server) panicked(w http.ResponseWriter, r *http.Request) {
	switch providerOf(r.URL.Path) {
	case "liqpay":
		liqpay.WriteError(w, liqpay.ErrPayment)
		return
	case "liquido":
		s.liquido.WriteInternalError(w, r)
		return
	}
	control.WriteJSON(w, http.StatusInternalServerError, control.Error{Error: "internal error, see the mockpay log"})
}

// Serve runs the HTTP server on ln until ctx is cancelled, then shuts down
// gracefully: in-flight requests get up to 5 s to finish and are cut after
// that; a stop as asked returns nil whatever was still in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler: s.handler,
		// Slowloris protection: headers and bodies must arrive promptly. No
		// WriteTimeout: scripted slow responses (step 3) must be able to hang.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		ConnContext:       headsContext,
	}
	// Live feeds never end on their own: they must end as shutdown starts,
	// not hold it up for the whole grace period.
	hs.RegisterOnShutdown(s.events.Close)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(headsListener{ln}) }()
	// Scenario files are re-read when they change; a broken edit keeps the
	// last good version and is logged.
	go s.scenarios.Watch(time.Second, ctx.Done())
	go s.retain(ctx.Done()) // --retain-payments, --retain-age (retention.go)
	if s.state != nil {
		go s.state.Run(ctx, s.cfg.StateInterval.Std())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := hs.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Requests still in flight after the grace period (a scripted hang,
		// a slow client) are cut: stopping as asked is not a failure, and a
		// container runtime must not report it as one.
		s.log.Warn("grace period over: cutting requests still in flight")
		_ = hs.Close()
		err = nil
	}
	// Saved before the dispatcher stops: stopping unschedules the retries
	// the state file must keep.
	s.saveState()
	s.writeBundles() // --bundle-on-exit, also before the dispatcher stops
	// Callbacks in flight get the rest of the grace period; what is left
	// undelivered is reported, not silently dropped.
	if pending := s.callbacks.Close(shutdownCtx); pending > 0 {
		s.log.Warn("stopping with callbacks not yet delivered", "pending", pending)
	}
	s.tenants.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

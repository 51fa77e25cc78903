package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/control"
	"github.com/mockpay/mockpay/internal/journal"
)

// observeRoutes registers the control plane's observing endpoints:
// payments, journal, await and metrics.
func (s *Server) observeRoutes(r *mux.Router) {
	pays := control.Payments{Ledger: s.ledger, Journal: s.journal, Log: s.callbacks, Tenants: s.tenants}
	r.HandleFunc("/_mockpay/payments", pays.List).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/payments/{id}", pays.Get).Methods(http.MethodGet)
	jr := control.Journal{Journal: s.journal, Tenants: s.tenants}
	r.HandleFunc("/_mockpay/journal", jr.List).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/journal", jr.Clear).Methods(http.MethodDelete)
	r.HandleFunc("/_mockpay/journal/{id}", jr.Get).Methods(http.MethodGet)
	aw := control.Await{Ledger: s.ledger, Log: s.callbacks, Tenants: s.tenants}
	r.HandleFunc("/_mockpay/await/payment", aw.Payment).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/await/callbacks", aw.Callbacks).Methods(http.MethodGet)
	r.Handle("/_mockpay/metrics", s.metrics).Methods(http.MethodGet)
}

// noteRoute is the router's middleware that tells the journal's Recorder
// which route matched (journal.RouteNoter): otherwise it matches each
// request against the routes a second time. mux runs it only on a match.
func noteRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if n, ok := w.(journal.RouteNoter); ok {
			if rt := mux.CurrentRoute(req); rt != nil {
				tpl, _ := rt.GetPathTemplate()
				n.NoteRoute(tpl, mux.Vars(req))
			}
		}
		next.ServeHTTP(w, req)
	})
}

// recorder journals every request the router answers and feeds metrics.
func (s *Server) recorder(r *mux.Router) journal.Recorder {
	return journal.Recorder{
		Journal: s.journal,
		Observe: s.metrics.Observe,
		Route: func(req *http.Request) (string, map[string]string, bool) {
			var m mux.RouteMatch
			if !r.Match(req, &m) || m.MatchErr != nil || m.Route == nil {
				return "", nil, false
			}
			tpl, _ := m.Route.GetPathTemplate()
			return tpl, m.Vars, true
		},
		Identify: s.identify,
		Provider: providerOf,
	}
}

// identify files a request under its merchant: LiqPay's public_key from
// data (or the token of one of its pages), Liquido's from its token, api key
// or page (liquido.Server.MerchantOf).
func (s *Server) identify(r *http.Request, body []byte) journal.Who {
	var provider, key string
	switch providerOf(r.URL.Path) {
	case "liqpay":
		provider = "liqpay"
		if key = s.liqpay.MerchantOfPage(r.URL.Path); key != "" {
			break
		}
		if data := liqpay.DecodeEnvelope(body, r.URL.Query()).Data; data != "" {
			// Decoded once: the LiqPay handler takes this result (s.handler
			// gives each LiqPay request a liqpay.WithDecodeMemo).
			if params, err := liqpay.DecodeDataOnce(r.Context(), data); err == nil {
				key = params.S("public_key")
			}
		}
	case "liquido":
		provider, key = "liquido", s.liquido.MerchantOf(r, body)
	}
	if key == "" {
		return journal.Who{}
	}
	t, ok := s.tenants.Get(provider, key)
	if !ok {
		// An unknown public_key is filed under no merchant: it must not
		// create a tenant, or anyone could grow the registry.
		return journal.Who{}
	}
	return journal.Who{Merchant: key, Tenant: t.ID, Now: t.Clock.Now()}
}

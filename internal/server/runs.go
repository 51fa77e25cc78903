package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/control"
)

// runRoutes serves what reports on a whole run: the scenario files'
// expectations judged, and a merchant's run exported as a bundle.
func (s *Server) runRoutes(r *mux.Router) {
	r.Handle("/_mockpay/expectations", s.expectations()).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/bundle", s.serveBundle).Methods(http.MethodGet)
}

// expectations judges the loaded sets' expect: lists.
func (s *Server) expectations() http.Handler {
	x := control.Expectations{Sets: s.scenarios, Ledger: s.ledger, Journal: s.journal, Log: s.callbacks, Tenants: s.tenants}
	return http.HandlerFunc(x.Get)
}

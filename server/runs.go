package server

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/control"
	"github.com/mockpay/mockpay/internal/journal"
	"github.com/mockpay/mockpay/internal/tenant"
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

// writeBundles writes a bundle of every merchant that made a request into
// cfg.BundleOnExit (--bundle-on-exit), for CI to keep as an artifact. It
// runs at shutdown, before the dispatcher stops, so pending callbacks are
// in the bundles as pending. A failure is logged: shutdown goes on.
func (s *Server) writeBundles() {
	dir := s.cfg.BundleOnExit
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.log.Error("bundle folder cannot be made", "bundle_on_exit", dir, "err", err)
		return
	}
	n := 0
	for _, t := range s.tenants.List() {
		if _, requests := s.journal.List(journal.Filter{Tenants: []string{t.ID}}, 0, 0); requests == 0 {
			continue
		}
		path := filepath.Join(dir, bundleName(t))
		if err := s.writeBundle(t, path); err != nil {
			s.log.Error("writing a bundle failed", "tenant", t.ID, "file", path, "err", err)
			continue
		}
		n++
	}
	s.log.Info("run bundles written", "bundle_on_exit", dir, "bundles", n)
}

// writeBundle writes t's bundle to path through a temporary file, so a
// reader never sees half a bundle.
func (s *Server) writeBundle(t *tenant.Tenant, path string) error {
	h, err := s.Bundle(t, s.exportBase(nil))
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(h, "", " ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

package server

import (
	"net/http"
	"strings"

	"github.com/mockpay/mockpay/internal/control"
)

// globalRoutes are the control endpoints a merchant-scoped token may not
// use: they act on every merchant.
var globalRoutes = []control.Route{
	{Method: http.MethodPost, Path: "/_mockpay/merchants"},
	{Method: http.MethodGet, Path: "/_mockpay/merchants"},
	{Method: http.MethodPost, Path: "/_mockpay/scenarios/reload"},
	{Method: http.MethodPost, Path: "/_mockpay/reset", UnlessMerchant: true},
	{Method: http.MethodGet, Path: "/_mockpay/metrics"}, // totals over every merchant
}

// resetProviders forgets a tenant's payments, tokens, vault and
// idempotency keys in its provider's emulator.
func (s *Server) resetProviders(tenantID string) {
	provider, key, _ := strings.Cut(tenantID, ":")
	switch provider {
	case "liqpay":
		s.liqpay.ResetMerchant(key)
	case "liquido":
		s.liquido.ResetMerchant(key)
	}
}

// resetClock drops a tenant's timers and puts its clock back on wall time.
func (s *Server) resetClock(tenantID string) {
	provider, key, _ := strings.Cut(tenantID, ":")
	if t, ok := s.tenants.Get(provider, key); ok {
		t.Clock.Reset()
	}
}

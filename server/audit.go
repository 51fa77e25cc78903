package server

import (
	"net/http"

	"github.com/gorilla/mux"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/control"
)

// auditRoutes serves the receiver audit on the control plane, signing with
// the keys of the merchants this server holds (configured or made at run
// time).
func (s *Server) auditRoutes(r *mux.Router) {
	a := control.Audit{Secret: s.auditSecret}
	r.HandleFunc("/_mockpay/audit", a.Run).Methods(http.MethodPost)
}

// auditSecret is a merchant's key and signing secret; merchant "" is the
// provider's built-in merchant.
func (s *Server) auditSecret(provider, merchant string) (key, secret string, ok bool) {
	switch provider {
	case "liqpay":
		if merchant == "" {
			merchant = config.DefaultLiqPayPublicKey
		}
		m, ok := s.liqpay.Merchant(merchant)
		return m.PublicKey, m.PrivateKey, ok
	case "liquido":
		if merchant == "" {
			merchant = config.DefaultLiquidoClientID
		}
		m, ok := s.liquido.Merchant(merchant)
		return m.ClientID, m.ClientSecret, ok
	}
	return "", "", false
}

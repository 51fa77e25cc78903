package control

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/internal/audit"
)

// maxAuditCaseTimeout bounds what a caller may ask each callback of an
// audit to wait: a control request must end.
const maxAuditCaseTimeout = 10 * time.Second

// Audit answers POST /_mockpay/audit: the receiver audit of `mockpay
// audit-receiver`, run by this server and signed with the merchant's own
// keys, so a caller names the merchant instead of passing secrets.
type Audit struct {
	// Secret returns the merchant's key (LiqPay public_key, Liquido
	// client_id; "" means the provider's default merchant) and its signing
	// secret, or false when the server has no such merchant.
	Secret func(provider, merchant string) (key, secret string, ok bool)
	// Client sends the callbacks; nil: the audit's own.
	Client *http.Client
}

type auditRequest struct {
	Provider  string `json:"provider"`
	URL       string `json:"url"`
	Merchant  string `json:"merchant"`
	Order     string `json:"order"`
	Amount    string `json:"amount"`
	Currency  string `json:"currency"`
	Version   int    `json:"version"`
	TimeoutMS int64  `json:"timeout_ms"`
}

// Run audits the receiver at the body's url and answers the report: JSON,
// or JUnit XML with ?format=junit. A receiver that fails cases is a
// successful audit (200, "failed" > 0); the request's own mistakes are 4xx.
func (a Audit) Run(w http.ResponseWriter, r *http.Request) {
	var req auditRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "body must be a JSON object: " + err.Error()})
		return
	}
	if req.Merchant == "" {
		req.Merchant = r.URL.Query().Get("merchant")
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "junit" {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "format must be json or junit"})
		return
	}
	if req.Provider != "liqpay" && req.Provider != "liquido" {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "provider must be liqpay or liquido"})
		return
	}
	if req.TimeoutMS < 0 || time.Duration(req.TimeoutMS)*time.Millisecond > maxAuditCaseTimeout {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "timeout_ms must be between 0 and 10000"})
		return
	}
	key, secret, ok := a.Secret(req.Provider, req.Merchant)
	if !ok {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no " + req.Provider + " merchant " + req.Merchant})
		return
	}
	c := audit.Config{
		Provider: req.Provider, URL: req.URL, Merchant: key, Secret: secret, Order: req.Order,
		Currency: req.Currency, Version: req.Version, Timeout: time.Duration(req.TimeoutMS) * time.Millisecond,
		Client: a.Client,
	}
	if req.Provider == "liquido" && req.Version != 0 {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "version is LiqPay's"})
		return
	}
	if req.Amount != "" {
		n, err := audit.ParseAmount(req.Provider, req.Amount)
		if err != nil {
			WriteJSON(w, http.StatusBadRequest, Error{Error: err.Error()})
			return
		}
		c.Amount = n
	}
	if err := c.Check(); err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: err.Error()})
		return
	}
	rep, err := audit.Run(r.Context(), c)
	if err != nil {
		WriteJSON(w, http.StatusInternalServerError, Error{Error: err.Error()})
		return
	}
	if format == "junit" {
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		_ = rep.WriteJUnit(w)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}

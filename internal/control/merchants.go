package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/scenarios"
)

// MerchantStore is what the merchant endpoints need: the server creates,
// lists and deletes merchants across both emulators.
type MerchantStore interface {
	CreateMerchants(spec MerchantSpec) (Created, error)
	ListMerchants() []Merchant // every merchant, configured ones first
	// DeleteMerchant removes a merchant made through the API; it fails
	// with ErrNoMerchant or ErrConfigured.
	DeleteMerchant(key string) error
}

// Errors of DeleteMerchant.
var (
	ErrNoMerchant = errors.New("no such merchant")
	ErrConfigured = errors.New("merchant is defined in the configuration; only merchants made with POST /_mockpay/merchants can be deleted")
)

// MerchantSpec is the body of POST /_mockpay/merchants. The presence of
// liqpay and/or liquido chooses the providers; at least one is needed.
type MerchantSpec struct {
	LiqPay  *LiqPaySpec  `json:"liqpay"`
	Liquido *LiquidoSpec `json:"liquido"`
	// Callbacks is the retry policy (the global one where left out).
	Callbacks *PolicySpec `json:"callbacks"`
	// Scenarios is a scenario file (YAML, as PUT /_mockpay/scenarios/{name}
	// takes) installed as the runtime set "merchant", scoped to each
	// merchant made.
	Scenarios string `json:"scenarios"`
	// ScenarioSet parses Scenarios afresh, once per merchant made (a set
	// belongs to one merchant); the handler fills it in after validating.
	ScenarioSet func() *scenarios.Set `json:"-"`
}

// LiqPaySpec chooses LiqPay, with an optional default callback URL.
type LiqPaySpec struct {
	ServerURL string `json:"server_url"`
}

// LiquidoSpec chooses Liquido, with an optional default callback URL and
// Colombian tax withholding (off unless true).
type LiquidoSpec struct {
	CallbackURL    string `json:"callback_url"`
	TaxWithholding bool   `json:"tax_withholding"`
}

// PolicySpec is a callback retry policy written as Go durations.
type PolicySpec struct {
	Timeout string   `json:"timeout,omitempty"`
	Backoff []string `json:"backoff"`
}

// Created answers POST /_mockpay/merchants.
type Created struct {
	// Token is a merchant-scoped control-plane token covering the
	// merchants made (Authorization: Bearer …).
	Token   string    `json:"token"`
	LiqPay  *Merchant `json:"liqpay,omitempty"`
	Liquido *Merchant `json:"liquido,omitempty"`
}

// Merchant is one merchant of one provider with its credentials.
type Merchant struct {
	Provider string `json:"provider"`
	Merchant string `json:"merchant"` // the key ?merchant= takes
	Source   string `json:"source"`   // default, config or api
	// LiqPay
	PublicKey  string `json:"public_key,omitempty"`
	PrivateKey string `json:"private_key,omitempty"`
	ServerURL  string `json:"server_url,omitempty"`
	// Liquido
	ClientID       string      `json:"client_id,omitempty"`
	ClientSecret   string      `json:"client_secret,omitempty"`
	APIKey         string      `json:"api_key,omitempty"`
	CallbackURL    string      `json:"callback_url,omitempty"`
	TaxWithholding *bool       `json:"tax_withholding,omitempty"`
	Callbacks      *PolicySpec `json:"callbacks"`
}

// Merchants serves /_mockpay/merchants.
type Merchants struct {
	Store MerchantStore
	// Vocabulary validates a merchant's scenario set.
	Vocabulary []scenarios.Vocabulary
}

// Page sizes of GET /_mockpay/merchants.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// Create makes fresh merchants.
func (m Merchants) Create(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, scenarios.MaxFileSize+64<<10))
	if err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "cannot read body"})
		return
	}
	var spec MerchantSpec
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "body must be JSON like {\"liqpay\":{},\"liquido\":{}}: " + err.Error()})
		return
	}
	if msg := spec.check(); msg != "" {
		WriteJSON(w, http.StatusBadRequest, Error{Error: msg})
		return
	}
	if spec.Scenarios != "" {
		if _, err := scenarios.Parse("merchant", []byte(spec.Scenarios), m.Vocabulary); err != nil {
			writeScenarioErrors(w, err)
			return
		}
		spec.ScenarioSet = func() *scenarios.Set {
			set, _ := scenarios.Parse("merchant", []byte(spec.Scenarios), m.Vocabulary)
			return set
		}
	}
	out, err := m.Store.CreateMerchants(spec)
	if err != nil {
		WriteJSON(w, http.StatusConflict, Error{Error: err.Error()})
		return
	}
	WriteJSON(w, http.StatusCreated, out)
}

func (s MerchantSpec) check() string {
	if s.LiqPay == nil && s.Liquido == nil {
		return `name the provider(s): {"liqpay":{}} and/or {"liquido":{}}`
	}
	if s.LiqPay != nil && !httpURL(s.LiqPay.ServerURL) {
		return "liqpay.server_url must be an http(s) URL"
	}
	if s.Liquido != nil && !httpURL(s.Liquido.CallbackURL) {
		return "liquido.callback_url must be an http(s) URL"
	}
	if s.Callbacks != nil {
		if _, err := s.Callbacks.Parse(); err != nil {
			return "callbacks: " + err.Error()
		}
	}
	return ""
}

// PolicyDurations is a parsed PolicySpec.
type PolicyDurations struct {
	Timeout time.Duration // zero: the global one
	Backoff []time.Duration
	// KeepBackoff: backoff was left out, so the global one applies.
	KeepBackoff bool
}

// Parse checks and reads the durations.
func (p PolicySpec) Parse() (PolicyDurations, error) {
	var out PolicyDurations
	if p.Timeout != "" {
		d, err := time.ParseDuration(p.Timeout)
		if err != nil || d <= 0 {
			return out, errors.New("timeout must be a positive duration such as 2s")
		}
		out.Timeout = d
	}
	out.KeepBackoff = p.Backoff == nil
	if len(p.Backoff) > 100 {
		return out, errors.New("at most 100 backoff steps")
	}
	out.Backoff = []time.Duration{}
	for _, s := range p.Backoff {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return out, errors.New("backoff delays must be positive durations such as 1s or 5m")
		}
		out.Backoff = append(out.Backoff, d)
	}
	return out, nil
}

func httpURL(s string) bool {
	if s == "" {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// List answers the merchants a page at a time: ?limit= (default 100; a
// larger value than 1000 is capped to 1000) and ?offset=; ?provider= narrows.
func (m Merchants) List(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset := DefaultPageSize, 0
	for name, dst := range map[string]*int{"limit": &limit, "offset": &offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				WriteJSON(w, http.StatusBadRequest, Error{Error: name + " must be a non-negative integer"})
				return
			}
			*dst = n
		}
	}
	limit = min(limit, MaxPageSize) // a larger page is capped, as every list does
	all := []Merchant{}
	for _, mc := range m.Store.ListMerchants() {
		if p := q.Get("provider"); p == "" || p == mc.Provider {
			all = append(all, mc)
		}
	}
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	WriteJSON(w, http.StatusOK, map[string]any{"merchants": page, "total": len(all), "limit": limit, "offset": offset})
}

// Get answers the merchants of one key (one per provider that has it).
func (m Merchants) Get(w http.ResponseWriter, r *http.Request) {
	key := mux.Vars(r)["key"]
	out := []Merchant{}
	for _, mc := range m.Store.ListMerchants() {
		if mc.Merchant == key && InScope(r, mc.Provider+":"+key) {
			out = append(out, mc)
		}
	}
	if len(out) == 0 {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + key})
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"merchants": out})
}

// Delete removes a merchant made through the API, with all its state: its
// credentials and its merchant token stop working at once.
func (m Merchants) Delete(w http.ResponseWriter, r *http.Request) {
	key := mux.Vars(r)["key"]
	if m := r.URL.Query().Get("merchant"); m != "" && m != key {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + key})
		return
	}
	switch err := m.Store.DeleteMerchant(key); {
	case errors.Is(err, ErrNoMerchant):
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + key})
	case errors.Is(err, ErrConfigured):
		WriteJSON(w, http.StatusConflict, Error{Error: err.Error()})
	case err != nil:
		WriteJSON(w, http.StatusConflict, Error{Error: err.Error()})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// Package liqpay emulates LiqPay's server–server API (reference liqpay.md):
// the signed data/signature codec, the payment actions and status machine,
// the test cards, and the 3-D Secure page. It holds provider knowledge only;
// the clock, tenants and callback delivery come from internal packages.
package liqpay

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/tenant"
)

// MaxBody caps a request body; LiqPay requests are a few kilobytes.
const MaxBody = 1 << 20

// Options configure a Server.
type Options struct {
	Merchants []config.LiqPayMerchant
	Tenants   *tenant.Registry
	Logger    *slog.Logger
	// BaseURL is this server's public URL for redirect_to; empty derives it
	// from each request.
	BaseURL  string
	Settings config.LiqPay
	// Callbacks delivers server_url callbacks; nil sends none.
	Callbacks Dispatcher
	// CallbackPolicy gives a merchant's retry policy (zero: the dispatcher's).
	CallbackPolicy func(publicKey string) callback.Policy
}

// Server is the LiqPay emulator.
type Server struct {
	opts Options
	log  *slog.Logger

	mu     sync.RWMutex
	shops  map[string]*shop // by public_key
	tokens map[string]*shop // confirm token → shop, for the 3-DS page which carries no key
}

// New builds the emulator with one shop per merchant.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.CallbackPolicy == nil {
		opts.CallbackPolicy = func(string) callback.Policy { return callback.Policy{} }
	}
	s := &Server{opts: opts, log: opts.Logger, shops: map[string]*shop{}, tokens: map[string]*shop{}}
	for _, m := range opts.Merchants {
		s.shops[m.PublicKey] = newShop(opts.Tenants.Add("liqpay", m.PublicKey), m)
	}
	return s
}

// Routes registers LiqPay's paths (DESIGN.md contract).
func (s *Server) Routes(r *mux.Router) {
	r.HandleFunc("/api/request", s.handleRequest).Methods(http.MethodPost)
	// Legacy path-per-action clients (reference §2.1): /api/payment/status.
	r.HandleFunc("/api/payment/{action}", s.handleRequest).Methods(http.MethodPost)
	r.HandleFunc("/api/3ds/request/{token}", s.handle3DSPage).Methods(http.MethodGet)
	r.HandleFunc("/api/3ds/request/{token}", s.handle3DSDecision).Methods(http.MethodPost)
}

// NotFound answers an unknown path under /api/ the way LiqPay answers API
// errors: HTTP 200 and the error envelope.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, newError(ErrPath, "", ""))
}

// Merchants lists the public keys served, for the health endpoint.
func (s *Server) Merchants() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.shops))
	for _, m := range s.opts.Merchants {
		if _, ok := s.shops[m.PublicKey]; ok {
			out = append(out, m.PublicKey)
		}
	}
	return out
}

// call is one decoded, authenticated request on its way through an action.
type call struct {
	shop    *shop
	params  Params
	action  Action
	lang    string
	version int64
	algo    SigAlgo
	now     time.Time
	baseURL string
}

// handleRequest is LiqPay's whole server–server pipeline, in the order the
// real API validates (reference §2.4, §6.3).
func (s *Server) handleRequest(w http.ResponseWriter, r *http.Request) {
	// 1. Read the form, capped. A body past the cap gets LiqPay's error shape.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.reply(w, r, nil, newError(ErrWrong, "", "data (request body over 1 MiB)"))
			return
		}
		s.reply(w, r, nil, newError(ErrMissing, "", "data"))
		return
	}
	env := DecodeEnvelope(body, r.URL.Query())
	if env.Data == "" {
		s.reply(w, r, nil, newError(ErrMissing, "en", "data"))
		return
	}

	// 2. Decode data: base64 JSON, or raw JSON from the Python SDK.
	params, err := DecodeData(env.Data)
	if err != nil {
		s.reply(w, r, nil, newError(ErrWrong, "en", "data (neither base64-encoded JSON nor JSON)"))
		return
	}
	lang := language(params)

	// 3. Find the merchant: an unknown public_key wins over everything else.
	sh := s.shop(params.S("public_key"))
	if sh == nil {
		s.reply(w, r, params, newError(ErrPublicKeyNotFound, lang, ""))
		return
	}

	// 4. Verify the signature over data exactly as received; the version
	// picks the hash (SHA3-256 from version 7 on).
	version, versionOK := params.Int("version")
	algo := algoFor(version)
	if !VerifySignature(algo, sh.merchant.PrivateKey, env.Data, env.Signature) {
		s.reply(w, r, params, newError(ErrInvalidSignature, lang, ""))
		return
	}

	// 5. Version and action. Legacy paths name the action when data does not.
	if _, present := params.Str("version"); !present {
		s.reply(w, r, params, newError(ErrMissing, lang, "version"))
		return
	}
	if !versionOK || version < 1 {
		s.reply(w, r, params, newError(ErrWrong, lang, "version"))
		return
	}
	action := params.S("action")
	if action == "" {
		action = mux.Vars(r)["action"]
	}
	if action == "" {
		s.reply(w, r, params, newError(ErrAPIAction, lang, ""))
		return
	}
	handler, known := actions[Action(action)]
	if !known {
		e := newError(ErrAction, lang, action)
		if documentedActions[action] {
			e.ErrDescription = describe(errNotEmulated, lang, action)
		}
		s.reply(w, r, params, e)
		return
	}

	// 6. Decide and apply under the shop's lock, inside the action.
	c := &call{shop: sh, params: params, action: Action(action), lang: lang, version: version,
		algo: algo, now: sh.tenant.Clock.Now(), baseURL: s.baseURL(r)}
	resp := handler(s, c)

	// 7. Encode. Callbacks were handed to the dispatcher inside the action,
	// which sends them asynchronously: this answer never waits for them.
	s.reply(w, r, params, resp)
}

// reply writes a JSON answer with HTTP 200 (LiqPay answers errors with 200
// too, reference §2.5) and logs one line without any card data.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, p Params, resp any) {
	writeJSON(w, resp)
	attrs := []any{"path", r.URL.Path}
	if p != nil {
		attrs = append(attrs, "public_key", p.S("public_key"), "action", p.S("action"), "order_id", p.S("order_id"))
	}
	switch v := resp.(type) {
	case *apiError:
		attrs = append(attrs, "err_code", v.ErrCode)
	case paymentJSON:
		attrs = append(attrs, "status", v.Status, "payment_id", v.PaymentID)
		if v.ErrCode != "" {
			attrs = append(attrs, "err_code", v.ErrCode)
		}
	case refundJSON:
		attrs = append(attrs, "status", v.Status, "payment_id", v.PaymentID)
	}
	s.log.Info("liqpay request", attrs...)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// WriteError writes LiqPay's error envelope; the recover middleware uses it.
func WriteError(w http.ResponseWriter, code ErrCode) { writeJSON(w, newError(code, "", "")) }

func (s *Server) shop(publicKey string) *shop {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.shops[publicKey]
}

// language picks err_description's language: English for "en", Ukrainian
// (LiqPay's default) otherwise.
func language(p Params) string {
	if strings.EqualFold(p.S("language"), "en") {
		return "en"
	}
	return "uk"
}

func (s *Server) baseURL(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimRight(s.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// changed reports a status change (or a partial refund) to the callback
// dispatcher; callers hold sh.mu. Every change of every payment passes here,
// so this is also where the journal and dashboard will listen.
func (s *Server) changed(sh *shop, p *Payment) {
	s.notify(sh, p)
}

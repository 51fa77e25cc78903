// Package liquido emulates Liquido's pay-in API (reference liquido.md): the
// OAuth2 token endpoint and the JWT it issues, card charges (DIRECT,
// REDIRECT, 3-D Secure, authorise and capture) and the local methods (Pix,
// boleto, OXXO, PayCash, bank transfer, PSE, Nequi, Chile's WebPay, Pago46,
// Servifácil and Fintoc, PicPay) with their status machine on the merchant's
// virtual clock, saved cards, cancels and refunds, FX proposals, PayCash
// recurring references, installment plans, virtual CLABE accounts, the
// hosted 3-D Secure, checkout, payment and reference pages, the boleto PDF,
// and the signed callbacks.
//
// It holds provider knowledge only. Tenants, the clock, the scenario engine,
// transport faults and callback delivery are provider-neutral and come from
// the packages it is given; the test cards are scenarios (defaults.yaml).
package liquido

import (
	"context"
	"crypto/subtle"
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
	"github.com/mockpay/mockpay/internal/fault"
	"github.com/mockpay/mockpay/internal/ledger"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

// MaxBody caps a request body; Liquido requests are a few kilobytes.
const MaxBody = 1 << 20

// DefaultTokenTTL is an access token's lifetime: expires_in 3600 (reference §2.1).
const DefaultTokenTTL = time.Hour

const jsonType = "application/json"

// Options configure a Server.
type Options struct {
	Merchants []config.LiquidoMerchant
	Tenants   *tenant.Registry
	Logger    *slog.Logger
	// BaseURL is this server's public URL, for the hosted pages and files
	// answers link to; empty derives it from each request.
	BaseURL string
	// Callbacks delivers callbacks; nil sends none.
	Callbacks Dispatcher
	// CallbackPolicy gives a merchant's retry policy (zero: the dispatcher's).
	CallbackPolicy func(clientID string) callback.Policy
	// Scenarios decides outcomes (the test cards are its embedded
	// defaults); nil: every charge goes through.
	Scenarios Decider
	// TokenTTL is an access token's lifetime on the merchant's virtual
	// clock (DefaultTokenTTL when zero).
	TokenTTL time.Duration
	// Ledger receives every new payment and every change (nil: none).
	Ledger ledger.Publisher
}

// Server is the Liquido emulator.
type Server struct {
	opts Options
	log  *slog.Logger

	// mu guards the merchant set (merchants are added and removed at run
	// time through the control plane) and the page links. Lock order:
	// a merchant's mu before s.mu, never the other way round.
	mu         sync.RWMutex
	merchants  []*merchant // in configuration order, then as added
	byClientID map[string]*merchant
	links      map[string]link // hosted page and file tokens; the pages carry no credentials

	// router is the one Routes registered on, set before serving: NotFound
	// asks it which methods a path takes.
	router *mux.Router

	tokens verifiedTokens // tokens that verified (tokencache.go)
}

// New builds the emulator with one tenant per merchant.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CallbackPolicy == nil {
		opts.CallbackPolicy = func(string) callback.Policy { return callback.Policy{} }
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	s := &Server{opts: opts, log: opts.Logger, byClientID: map[string]*merchant{}, links: map[string]link{}}
	for _, mc := range opts.Merchants {
		if _, dup := s.byClientID[mc.ClientID]; dup {
			continue // config validation rejects this; first one wins
		}
		m := newMerchant(opts.Tenants.Add("liquido", mc.ClientID), mc)
		s.merchants = append(s.merchants, m)
		s.byClientID[mc.ClientID] = m
	}
	return s
}

// Routes registers Liquido's paths exactly as the real API names them
// (reference §4), and mockpay's hosted pages under /liquido/. Fixed paths
// come before the /{idempotencyKey} catch-all of the same prefix.
func (s *Server) Routes(r *mux.Router) {
	s.router = r
	post, get := http.MethodPost, http.MethodGet
	r.HandleFunc("/oauth2/token", s.handleToken).Methods(post)

	r.HandleFunc("/v1/payments/charges/pse/banks", s.api(decodeBanks)).Methods(get)
	r.HandleFunc("/v1/payments/charges/references", s.api(decodeReference)).Methods(post)
	r.HandleFunc("/v1/payments/charges/references/{key}", s.api(decodeReferenceLookup)).Methods(get)
	r.HandleFunc("/v1/payments/charges/refund", s.api(decodeRefund)).Methods(post)
	r.HandleFunc("/v1/payments/charges/refund/{key}", s.api(decodeRefundLookup)).Methods(get)
	r.HandleFunc("/v1/payments/charges/cancel/{key}", s.api(decodeCancel)).Methods(post)
	r.HandleFunc("/v1/payments/charges/card/capture/{key}", s.api(decodeCapture)).Methods(post)
	for _, a := range chargeActions {
		r.HandleFunc("/v1/payments/charges/"+string(a), s.api(decodeCharge(a))).Methods(post)
	}
	r.HandleFunc("/v1/payments/vault/card", s.api(decodeVault)).Methods(post)
	r.HandleFunc("/v1/payments/proposals", s.api(decodeProposal)).Methods(post)
	r.HandleFunc("/v1/payments/plans", s.api(decodePlans)).Methods(get)
	r.HandleFunc("/v1/payments/plans/{key}", s.api(decodePlan)).Methods(get)
	r.HandleFunc("/v1/payments/virtual-accounts", s.api(decodeAccount)).Methods(post)
	r.HandleFunc("/v1/payments/virtual-accounts/{key}", s.api(decodeAccountLookup)).Methods(get)
	r.HandleFunc("/v1/payments/files/boleto/pdf/{key}", s.api(decodeBoletoPDF)).Methods(get)
	r.HandleFunc("/v1/payments/charges/{key}", s.api(decodeRetrieve)).Methods(get)
	r.HandleFunc("/v1/payments/payouts/pix", s.api(decodePayout(payoutPix))).Methods(post)
	r.HandleFunc("/v1/payments/payouts/spei", s.api(decodePayout(payoutSPEI))).Methods(post)
	// Payment links: the documented path ends in "/"; without it works too.
	r.HandleFunc("/v2/cashier/payment-link/", s.api(decodeLinkCreate)).Methods(post)
	r.HandleFunc("/v2/cashier/payment-link", s.api(decodeLinkCreate)).Methods(post)
	r.HandleFunc("/v2/cashier/payment-link/refund", s.api(decodeLinkRefund)).Methods(post)

	for _, k := range []pageKind{page3DS, pageCheckout, pagePay} {
		r.HandleFunc("/liquido/"+k.path()+"/{token}", s.handlePage(k)).Methods(get)
		r.HandleFunc("/liquido/"+k.path()+"/{token}", s.handlePageDecision(k)).Methods(post)
	}
	r.HandleFunc("/liquido/buy/{token}", s.handleLinkPage).Methods(get)
	r.HandleFunc("/liquido/buy/{token}", s.handleLinkDecision).Methods(post)
	r.HandleFunc("/liquido/files/boleto/{token}.pdf", s.handleBoletoFile).Methods(get, http.MethodHead)
	r.HandleFunc("/liquido/"+pageReference.path()+"/{token}", s.handleReferencePage).Methods(get)
	r.HandleFunc("/liquido/"+pageReference.path()+"/{token}", s.handleReferencePayment).Methods(post)
}

// NotFound answers a path under Liquido's prefixes that no route takes, or
// takes with another method, in Liquido's error shapes (notfound.go).
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) { s.unrouted(w, r) }

// WriteInternalError answers a recovered panic in Spring's shape; the
// server's recover middleware uses it for Liquido's paths.
func (s *Server) WriteInternalError(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, s.anyNow(r), &apiError{status: http.StatusInternalServerError, shape: shapeSpring,
		message: "mockpay internal error, see its log"})
}

// Merchants lists the client ids served, for the health endpoint.
func (s *Server) Merchants() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, len(s.merchants))
	for i, m := range s.merchants {
		out[i] = m.cfg.ClientID
	}
	return out
}

// call is one authenticated API request on its way through the pipeline.
type call struct {
	m        *merchant
	r        *http.Request
	key      string // the {key} of the path
	body     []byte
	now      time.Time // the merchant's virtual time
	baseURL  string
	scenario *scenarios.Scenario // the matched scenario, or nil
}

// request is a decoded, validated API request. run carries it out under its
// merchant's lock, always in the same order: the idempotency check or the
// lookup, the checks that need state, the decision (decide), then applying
// it. Errors found before the decision leave no trace; nothing after it fails.
type request interface {
	run(s *Server, c *call) answer
}

// decoder reads and validates one endpoint's request without touching state.
type decoder func(c *call) (request, *apiError)

// answer is what running a request produced.
type answer struct {
	code int    // HTTP status
	body []byte // encoded under the lock: a snapshot of this very moment
	err  *apiError
	// skip: a scripted fault strikes before processing; nothing changed.
	skip bool
	// For the log line.
	key    string
	status Status
}

func okPayment(p *Payment) answer {
	return answer{code: http.StatusOK, body: p.encoded(), key: p.Key, status: p.Status}
}

func failed(e *apiError) answer { return answer{err: e} }

// api is the pipeline for one endpoint.
func (s *Server) api(decode decoder) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.serveAPI(w, r, decode) }
}

// serveAPI is Liquido's whole request pipeline, in the order the real stack
// checks: the gateway first, then the API.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, decode decoder) {
	// 1. Authenticate, as API Gateway does before the request reaches
	// Liquido (reference §2): the Bearer token (Cognito authorizer, 401),
	// then the x-api-key, which must be the same merchant's (403).
	m, e := s.authenticate(r)
	if e != nil {
		s.writeError(w, r, time.Time{}, e)
		return
	}
	c := &call{m: m, r: r, key: mux.Vars(r)["key"], now: m.tenant.Clock.Now(), baseURL: s.baseURL(r)}

	// 2. Read the body, capped.
	if r.Body != nil {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				s.writeError(w, r, c.now, &apiError{status: http.StatusRequestEntityTooLarge, shape: shapeSpring,
					message: "Request body larger than 1 MiB"})
				return
			}
			s.writeError(w, r, c.now, errBadRequest("Could not read the request body"))
			return
		}
		c.body = body
	}

	// 3. Decode and validate: 400 with a message per bad field. Lenient
	// where Liquido's own examples are sloppy, strict where money is.
	req, e := decode(c)
	if e != nil {
		s.writeError(w, r, c.now, e)
		return
	}

	// 4. Under the merchant's lock: the idempotency check (the same key and
	// body replays the stored payment, another body is a conflict), the
	// decision (scenarios, the description's test parameters, the flows the
	// request asks for), and applying it — storing, scheduling later
	// changes on the merchant's clock, handing callbacks to the dispatcher.
	ans, wait := s.locked(m, func() answer { return req.run(s, c) })

	out := c.outcome()
	switch {
	case ans.skip:
		// 5. A scripted fault that strikes before processing answers now;
		// nothing was changed.
		s.log.Info("liquido request answered by a scripted fault", "path", r.URL.Path,
			"client_id", m.cfg.ClientID, "scenario", c.scenario.Name, "fault", out.Fault.Kind)
		fault.Deliver(w, r, fault.Answer{}, out.Delay, s.faultPage(out.Fault), nil)
		return
	case ans.err != nil:
		s.writeError(w, r, c.now, ans.err)
		return
	}

	// 6. A before_response callback rule: the callback is attempted before
	// the answer is written.
	if wait && s.opts.Callbacks != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
		_ = s.opts.Callbacks.Settle(ctx, m.tenant.ID)
		cancel()
	}

	// 7. Deliver: after the scripted delay, or as the scripted fault of a
	// request that was processed ("charged, but the answer was lost").
	if s.log.Enabled(r.Context(), slog.LevelInfo) { // its attributes cost allocations even when dropped
		s.log.Info("liquido request", "method", r.Method, "path", r.URL.Path, "client_id", m.cfg.ClientID,
			"idempotency_key", ans.key, "status", ans.status, "http", ans.code)
	}
	fault.Deliver(w, r, fault.Answer{Status: ans.code, ContentType: jsonType, Body: ans.body}, out.Delay, s.faultPage(out.Fault), nil)
}

// writeError answers an error in its shape; nothing a scenario says applies.
// now is the merchant's virtual time for Spring's timestamp.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, now time.Time, e *apiError) {
	if now.IsZero() {
		now = time.Now()
	}
	body := e.encode(r.URL.Path, now)
	w.Header().Set("Content-Type", jsonType)
	if t := e.gatewayErrorType(); t != "" {
		w.Header().Set("x-amzn-ErrorType", t)
	}
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
	s.log.Info("liquido request refused", "method", r.Method, "path", r.URL.Path, "http", e.status, "message", e.message)
}

// anyNow is the virtual time of the merchant whose x-api-key a request
// carries, or the wall clock, for errors outside the pipeline.
func (s *Server) anyNow(r *http.Request) time.Time {
	key := r.Header.Get("x-api-key")
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, m := range s.merchants {
		if key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(m.cfg.APIKey)) == 1 {
			return m.tenant.Clock.Now()
		}
	}
	return time.Now()
}

// faultPage fills an http fault that names no body with API Gateway's JSON
// answer for that status, so a scripted 502 looks like Liquido's.
func (s *Server) faultPage(f *scenarios.Fault) *scenarios.Fault {
	if f == nil || f.Kind != scenarios.FaultHTTP || f.Body != "" {
		return f
	}
	msg := map[int]string{
		429: "Too Many Requests",
		500: "Internal server error",
		502: "Internal server error",
		503: "Service Unavailable",
		504: "Endpoint request timed out",
	}[f.Status]
	if msg == "" {
		msg = http.StatusText(f.Status)
	}
	g := *f
	g.Body, _ = strings.CutSuffix(string(encode(struct {
		Message string `json:"message"`
	}{msg}, nil)), "\n")
	if g.ContentType == "" {
		g.ContentType = jsonType
	}
	return &g
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

// locked runs fn under the merchant's lock (released even if fn panics)
// and reports whether a scenario wants the callbacks it started attempted
// before the answer.
func (s *Server) locked(m *merchant, fn func() answer) (answer, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wait = false
	ans := fn()
	wait := m.wait
	m.wait = false
	return ans, wait
}

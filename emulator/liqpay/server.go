// Package liqpay emulates LiqPay's server–server API (reference liqpay.md):
// the signed data/signature codec, the payment actions and status machine,
// the test cards, and the 3-D Secure page. It holds provider knowledge only;
// the clock, tenants and callback delivery come from internal packages.
package liqpay

import (
	"context"
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
	// Scenarios decides outcomes (test cards are its embedded defaults);
	// nil: every charge succeeds.
	Scenarios Decider
	// CallbackPolicy gives a merchant's retry policy (zero: the dispatcher's).
	CallbackPolicy func(publicKey string) callback.Policy
	// Ledger receives every new payment and every change (nil: none).
	Ledger ledger.Publisher
}

// Server is the LiqPay emulator.
type Server struct {
	opts Options
	log  *slog.Logger

	pages map[int]string // infrastructure error pages for scripted faults

	mu     sync.RWMutex
	shops  map[string]*shop // by public_key
	tokens map[string]*shop // confirm token → shop, for the 3-DS page which carries no key

	checkouts checkouts // hosted checkout sessions (checkout.go)
}

// New builds the emulator with one shop per merchant.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.CallbackPolicy == nil {
		opts.CallbackPolicy = func(string) callback.Policy { return callback.Policy{} }
	}
	s := &Server{opts: opts, log: opts.Logger, pages: infrastructurePages(), shops: map[string]*shop{}, tokens: map[string]*shop{}}
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
	s.checkoutRoutes(r)
	s.payerRoutes(r)
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

// Decider is what LiqPay needs of the scenario engine.
type Decider interface {
	Decide(tenant string, r scenarios.Request) *scenarios.Scenario
}

// call is one decoded, authenticated request on its way through an action.
type call struct {
	shop     *shop
	params   Params
	action   Action
	lang     string
	version  int64
	algo     SigAlgo
	now      time.Time
	baseURL  string
	scenario *scenarios.Scenario // the matched scenario, or nil
	// waitCallbacks: a scenario wants this change's callback attempted
	// before the answer is written.
	waitCallbacks bool
}

// handleRequest is LiqPay's whole server–server pipeline, in the order the
// real API validates (reference §2.4, §6.3).
func (s *Server) handleRequest(w http.ResponseWriter, r *http.Request) {
	// 1. Read the form, capped. A body past the cap gets LiqPay's error shape.
	body, e := readForm(w, r, MaxBody, "data (request body over 1 MiB)")
	if e != nil {
		s.reply(w, r, nil, e)
		return
	}
	env := DecodeEnvelope(body, r.URL.Query())
	if env.Data == "" {
		s.reply(w, r, nil, newError(ErrMissing, "en", "data"))
		return
	}

	// 2–4. Decode data, find the merchant, verify the signature, require a
	// version: the checks every signed LiqPay form passes.
	c, e := s.authenticate(r, env)
	if e != nil {
		s.reply(w, r, c.params, e)
		return
	}
	sh, params, lang := c.shop, c.params, c.lang

	// 5. The action. Legacy paths name it when data does not.
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
		if partnerActions[action] {
			e.ErrDescription = describe(errNotEmulated, lang, action)
		}
		s.reply(w, r, params, e)
		return
	}
	c.action = Action(action)

	// 6. Decide: the first scenario that matches (user scenarios, then
	// the embedded test cards). A charge decides inside its action, after
	// its own validation and the order_id check, so a rejected request
	// does not use up a scenario's times. A fault that strikes before
	// processing answers instead and changes nothing.
	if !isCharge(c.action) {
		s.decide(c)
		if c.unprocessedFault() {
			s.deliverFault(w, r, c)
			return
		}
	}

	// 7. Apply the outcome to the payment under the shop's lock, inside
	// the action. Callbacks go to the dispatcher from there and are sent
	// asynchronously, unless a scenario wants one before the answer.
	resp := handler(s, c)
	if _, ok := resp.(unprocessed); ok {
		s.deliverFault(w, r, c)
		return
	}
	if c.waitCallbacks && s.opts.Callbacks != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
		_ = s.opts.Callbacks.Settle(ctx, sh.tenant.ID)
		cancel()
	}

	// 8. Deliver: after the scripted delay, or as the scripted fault of a
	// request that was processed ("charged, but the answer was lost").
	s.logRequest(r, params, resp)
	out := c.outcome()
	answer := fault.Answer{Status: http.StatusOK, ContentType: jsonType}
	if f, ok := resp.(rawAnswer); ok { // reports as csv or xml
		answer.ContentType, answer.Body = f.contentType, f.body
	} else {
		answer.Body = encode(resp)
	}
	fault.Deliver(w, r, answer, out.Delay, out.Fault, s.pages)
}

// readForm reads a signed form's body, capped at limit. Past the cap is
// err_wrong on data, tooBig saying what the cap is; a body that cannot be
// read is missing data.
func readForm(w http.ResponseWriter, r *http.Request, limit int64, tooBig string) ([]byte, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var over *http.MaxBytesError
		if errors.As(err, &over) {
			return nil, newError(ErrWrong, "", tooBig)
		}
		return nil, newError(ErrMissing, "", "data")
	}
	return body, nil
}

// authenticate runs the checks every signed form passes, the API's and the
// hosted checkout's alike, in the order the real API applies them
// (reference §2.4, §6.3): decode data (base64 JSON, or raw JSON from the
// Python SDK), find the merchant (an unknown public_key wins over everything
// else), verify the signature over data exactly as received (the version
// picks the hash: SHA3-256 from version 7 on), then require a version. The
// call it returns has no action yet. On failure the call holds only the
// params that decoded, nil if none, for the error answer to echo.
func (s *Server) authenticate(r *http.Request, env Envelope) (*call, *apiError) {
	params, err := decodeData(r.Context(), env.Data)
	if err != nil {
		return &call{}, newError(ErrWrong, "en", "data (neither base64-encoded JSON nor JSON)")
	}
	lang := language(params)
	failed := &call{params: params}
	sh := s.shop(params.S("public_key"))
	if sh == nil {
		return failed, newError(ErrPublicKeyNotFound, lang, "")
	}
	version, versionOK := params.Int("version")
	algo := algoFor(version)
	if !VerifySignature(algo, sh.merchant.PrivateKey, env.Data, env.Signature) {
		return failed, newError(ErrInvalidSignature, lang, "")
	}
	if _, present := params.Str("version"); !present {
		return failed, newError(ErrMissing, lang, "version")
	}
	if !versionOK || version < 1 {
		return failed, newError(ErrWrong, lang, "version")
	}
	return &call{shop: sh, params: params, lang: lang, version: version, algo: algo,
		now: sh.tenant.Clock.Now(), baseURL: s.baseURL(r)}, nil
}

// decide asks the scenario engine for this request's scenario.
func (s *Server) decide(c *call) {
	if s.opts.Scenarios != nil {
		c.scenario = s.opts.Scenarios.Decide(c.shop.tenant.ID, scenarioRequest(c.shop, string(c.action), c.params))
	}
}

// outcome is the matched scenario's outcome (zero without one).
func (c *call) outcome() scenarios.Outcome {
	if c.scenario == nil {
		return scenarios.Outcome{}
	}
	return c.scenario.Outcome
}

// unprocessedFault reports a scripted fault that strikes before the request
// is carried out.
func (c *call) unprocessedFault() bool {
	f := c.outcome().Fault
	return f != nil && !f.Processed
}

// unprocessed is what an action answers when its scenario's fault strikes
// before anything was done.
type unprocessed struct{}

func (s *Server) deliverFault(w http.ResponseWriter, r *http.Request, c *call) {
	out := c.outcome()
	s.log.Info("liqpay request answered by a scripted fault", "path", r.URL.Path, "action", c.action,
		"order_id", c.params.S("order_id"), "scenario", c.scenario.Name, "fault", out.Fault.Kind)
	fault.Deliver(w, r, fault.Answer{}, out.Delay, out.Fault, s.pages)
}

// isCharge tells the actions that create a payment.
func isCharge(a Action) bool {
	switch a {
	case ActionPay, ActionHold, ActionAuth, ActionPayToken, ActionSubscribe,
		ActionPaySplit, ActionPayDonate, ActionCardVerification, ActionP2PDebit, ActionP2PCredit:
		return true
	}
	return false
}

// reply writes an answer that no scenario touches: errors found before the
// request could be decided.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, p Params, resp any) {
	writeJSON(w, resp)
	s.logRequest(r, p, resp)
}

// logRequest logs one line per request without any card data.
func (s *Server) logRequest(r *http.Request, p Params, resp any) {
	if !s.log.Enabled(r.Context(), slog.LevelInfo) {
		return // the attributes below cost allocations even when the line is dropped
	}
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

const jsonType = "application/json; charset=utf-8"

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(encode(v))
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
	s.publish(sh, p)
	s.notify(sh, p)
	s.notifySplits(sh, p)
}

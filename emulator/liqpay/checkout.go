package liqpay

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"
)

// LiqPay's hosted checkout (reference §2.6): a shop without PCI
// certification posts a signed form (the SDKs' cnb_form) to /api/3/checkout,
// LiqPay answers with a redirect to its payment page, the customer pays
// there, the shop gets the signed server_url callback and the browser comes
// back to result_url. mockpay keeps each form as a checkout session behind a
// token; paying builds the same call an /api/request would and runs it
// through the actions map, so the test cards, scenarios, verification steps
// and callbacks are the API's own.

// checkoutActions are the actions the hosted checkout takes (reference §2.6).
var checkoutActions = map[Action]bool{ActionPay: true, ActionHold: true, "subscribe": true, "paydonate": true, ActionAuth: true}

// checkoutPagePath is where a session's page lives; the session token follows.
const checkoutPagePath = "/api/3/checkout/"

// maxCheckoutBody caps a checkout form: it carries order data only, a few
// kilobytes (rro_info and split_rules included), and sessions keep it.
const maxCheckoutBody = 64 << 10

// maxCheckouts bounds the sessions kept per server, and
// maxCheckoutsPerShop those of one merchant, so that one busy merchant (a
// load test) cannot push out the sessions of another (a demo in progress);
// the oldest go first.
const (
	maxCheckouts        = 4096
	maxCheckoutsPerShop = 256
)

// checkout is one hosted checkout session: the merchant's signed order, as
// decoded, waiting for the customer.
type checkout struct {
	token   string
	shop    *shop
	params  Params // the merchant's data; never holds a card
	action  Action
	lang    string
	version int64
	algo    SigAlgo
	baseURL string
	expires time.Time // expired_date; zero: none

	// Guarded by shop.mu.
	payment *Payment // the payment made on this page, once there is one
	flash   string   // an error for the next render of the page
}

// pageURL is the session's page, where the browser comes back to.
func (co *checkout) pageURL() string { return co.baseURL + checkoutPagePath + co.token }

// expired reports whether the checkout's expired_date has passed on the
// merchant's virtual clock.
func (co *checkout) expired(now time.Time) bool {
	return !co.expires.IsZero() && !now.Before(co.expires)
}

// checkouts holds the sessions of a server, oldest first for eviction.
type checkouts struct {
	mu      sync.Mutex
	byToken map[string]*checkout
	order   []string
	perShop map[*shop]int
}

func (cs *checkouts) add(co *checkout) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.byToken == nil {
		cs.byToken, cs.perShop = map[string]*checkout{}, map[*shop]int{}
	}
	cs.byToken[co.token] = co
	cs.order = append(cs.order, co.token)
	if cs.perShop[co.shop]++; cs.perShop[co.shop] > maxCheckoutsPerShop {
		i := slices.IndexFunc(cs.order, func(token string) bool { return cs.byToken[token].shop == co.shop })
		cs.forget(i)
	}
	for len(cs.order) > maxCheckouts {
		cs.forget(0)
	}
}

// forget drops the session at order[i]; caller holds cs.mu.
func (cs *checkouts) forget(i int) {
	token := cs.order[i]
	if co := cs.byToken[token]; co != nil {
		if cs.perShop[co.shop]--; cs.perShop[co.shop] <= 0 {
			delete(cs.perShop, co.shop)
		}
	}
	delete(cs.byToken, token)
	cs.order = slices.Delete(cs.order, i, i+1)
}

// drop forgets every session of sh (a reset or removed shop).
func (cs *checkouts) drop(sh *shop) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.order = slices.DeleteFunc(cs.order, func(token string) bool {
		if co := cs.byToken[token]; co == nil || co.shop == sh {
			delete(cs.byToken, token)
			return true
		}
		return false
	})
	delete(cs.perShop, sh)
}

// of lists the sessions of sh, oldest first.
func (cs *checkouts) of(sh *shop) []*checkout {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	var out []*checkout
	for _, token := range cs.order {
		if co := cs.byToken[token]; co != nil && co.shop == sh {
			out = append(out, co)
		}
	}
	return out
}

func (cs *checkouts) get(token string) *checkout {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.byToken[token]
}

// checkoutRoutes registers the checkout endpoint under every path the SDKs
// use (reference §2.1, §2.7: the Python SDK posts to /api/3/checkout/, the
// Java SDK once used /api/checkout) and the session pages.
func (s *Server) checkoutRoutes(r *mux.Router) {
	for _, path := range []string{"/api/3/checkout", "/api/3/checkout/", "/api/checkout", "/api/checkout/"} {
		r.HandleFunc(path, s.handleCheckout).Methods(http.MethodGet, http.MethodPost)
	}
	r.HandleFunc(checkoutPagePath+"{token}", s.handleCheckoutPage).Methods(http.MethodGet)
	r.HandleFunc(checkoutPagePath+"{token}", s.handleCheckoutPay).Methods(http.MethodPost)
	r.HandleFunc(checkoutPagePath+"{token}/confirm", s.handleCheckoutConfirm).Methods(http.MethodPost)
	r.HandleFunc(checkoutPagePath+"{token}/cancel", s.handleCheckoutCancel).Methods(http.MethodPost)
}

// handleCheckout takes the merchant's signed form, by POST (cnb_form) or GET
// (the Ruby SDK's checkout_url), checks it in the order /api/request does
// and answers a 302 to the session's page. A form LiqPay would refuse gets
// LiqPay's error JSON, HTTP 200, as the real endpoint answers
// (reference §2.6).
func (s *Server) handleCheckout(w http.ResponseWriter, r *http.Request) {
	// 1. Read the form, capped; the query string serves GET.
	body, e := readForm(w, r, maxCheckoutBody, "data (checkout form over 64 KiB)")
	if e != nil {
		s.reply(w, r, nil, e)
		return
	}
	env := DecodeEnvelope(body, r.URL.Query())
	if len(body) == 0 {
		env = unencodedPlus(env)
	}
	if env.Data == "" {
		s.reply(w, r, nil, newError(ErrMissing, "en", "data"))
		return
	}

	// 2–4. Decode data, find the merchant, verify the signature, require a
	// version, as /api/request does.
	c, e := s.authenticate(r, env)
	if e != nil {
		s.reply(w, r, c.params, e)
		return
	}
	sh, params, lang := c.shop, c.params, c.lang

	// 5. The action: one the checkout takes and mockpay emulates.
	action := Action(params.S("action"))
	if action == "" {
		s.reply(w, r, params, newError(ErrAPIAction, lang, ""))
		return
	}
	if _, known := actions[action]; !known || !checkoutActions[action] {
		e := newError(ErrAction, lang, string(action))
		if checkoutActions[action] {
			e.ErrDescription = describe(errNotEmulated, lang, string(action))
		}
		s.reply(w, r, params, e)
		return
	}

	// 6. The order: what a charge needs besides the card, and the
	// checkout's own fields. The order_id must still be free.
	c.action = action
	if _, e := validateOrder(c); e != nil {
		s.reply(w, r, params, e)
		return
	}
	if u, ok := params.Str("result_url"); ok && (len(u) > 510 || !validHTTPURL(u)) {
		s.reply(w, r, params, newError(ErrWrong, lang, "result_url"))
		return
	}
	var expires time.Time
	if raw, ok := params.Str("expired_date"); ok {
		var err error
		if expires, err = checkoutDeadline(raw); err != nil {
			s.reply(w, r, params, newError(ErrWrong, lang, "expired_date"))
			return
		}
	}
	sh.mu.Lock()
	e = sh.checkOrderFree(c)
	token := sh.confirmToken()
	sh.mu.Unlock()
	if e != nil {
		s.reply(w, r, params, e)
		return
	}

	// 7. Keep the session and send the browser to its page.
	co := &checkout{token: token, shop: sh, params: maps.Clone(params), action: action, lang: lang,
		version: c.version, algo: c.algo, baseURL: c.baseURL, expires: expires}
	s.checkouts.add(co)
	s.log.Info("liqpay checkout", "path", r.URL.Path, "public_key", sh.merchant.PublicKey, "action", action,
		"order_id", params.S("order_id"), "token", token)
	http.Redirect(w, r, co.pageURL(), http.StatusFound)
}

// unencodedPlus undoes what a query string does to the Ruby SDK's
// checkout_url, which puts data and signature in the URL without encoding
// them: each "+" of the base64 arrives as a space. Neither base64 nor a
// signature has spaces, so a space can only be such a "+". Raw-JSON data
// (which has spaces of its own) is left alone.
func unencodedPlus(env Envelope) Envelope {
	if !strings.HasPrefix(strings.TrimSpace(env.Data), "{") {
		env.Data = strings.ReplaceAll(env.Data, " ", "+")
	}
	env.Signature = strings.ReplaceAll(env.Signature, " ", "+")
	return env
}

// checkoutDeadline reads expired_date, in LiqPay's "YYYY-MM-DD HH:MM:SS"
// UTC format (reference §3).
func checkoutDeadline(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateTime, strings.TrimSpace(s), time.UTC)
}

package liqpay

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/web"
)

// maxPageForm caps what a checkout page posts: a card, a code, a few names.
const maxPageForm = 16 << 10

// handleCheckoutPage shows a session as it stands: the card form, a
// verification step, the result, or the expiry page. It never echoes a card
// number or CVV: the form is always blank.
func (s *Server) handleCheckoutPage(w http.ResponseWriter, r *http.Request) {
	co := s.checkouts.get(mux.Vars(r)["token"])
	if co == nil {
		s.renderCheckout(w, http.StatusNotFound, "checkout-message", messageView(nil, "uk", "not_found", ""))
		return
	}
	sh := co.shop
	sh.mu.Lock()
	now := sh.tenant.Clock.Now()
	p := co.payment
	if p != nil {
		s.expireIfDue(sh, p, now)
		p.takeWait() // a page view is no API request to hold back
	}
	flash := co.flash
	co.flash = ""
	var name string
	var v checkoutView
	switch {
	case p == nil && co.expired(now):
		name, v = "checkout-message", messageView(co, co.lang, "expired", "")
	case p == nil:
		name, v = "checkout-form", s.formView(co)
	case p.Verify != nil && p.Verify.Step == Status3DSVerify:
		name, v = "checkout-3ds", newCheckoutView(co, p)
		v.RedirectTo = p.extras().RedirectTo
	case p.Verify != nil:
		name, v = "checkout-verify", s.verifyView(co, p)
	default:
		name, v = "checkout-result", s.resultView(co, p)
	}
	sh.mu.Unlock()
	v.Error = flash
	s.renderCheckout(w, http.StatusOK, name, v)
}

// handleCheckoutPay takes the card form. It builds the call an /api/request
// with the merchant's data plus this card would make and dispatches it
// through the actions map: the test cards, the scenarios, the verification
// steps and the callbacks are the API's own. Then the browser goes to the
// 3-D Secure page or back to the session's page.
func (s *Server) handleCheckoutPay(w http.ResponseWriter, r *http.Request) {
	co, form, ok := s.checkoutForm(w, r)
	if !ok {
		return
	}
	sh := co.shop
	sh.mu.Lock()
	now := sh.tenant.Clock.Now()
	settled := co.payment != nil || co.expired(now)
	sh.mu.Unlock()
	if settled { // paid already (a double submit), or too late: the page says which
		http.Redirect(w, r, co.pageURL(), http.StatusSeeOther)
		return
	}
	month, year, ok := splitExpiry(form.Get("exp"))
	if !ok {
		s.flash(co, web.Texts(co.lang)["bad_expiry"])
		http.Redirect(w, r, co.pageURL(), http.StatusSeeOther)
		return
	}
	params := maps.Clone(co.params)
	params["card"] = form.Get("card")
	params["card_exp_month"] = month
	params["card_exp_year"] = year
	params["card_cvv"] = strings.TrimSpace(form.Get("cvv"))
	c := co.call(params, co.action, now)
	handler, known := actions[co.action]
	if !known { // the session was made while the action was emulated; it always is
		s.renderCheckout(w, http.StatusOK, "checkout-message", messageView(co, co.lang, "unavailable", describe(errNotEmulated, co.lang, string(co.action))))
		return
	}
	s.runCheckoutCall(w, r, co, c, handler)
}

// handleCheckoutConfirm takes a verification step's form (OTP, CVV, sender
// or receiver details) and runs it as the API's confirm with the payment's
// token, so a wrong OTP counts and fails exactly as over the API.
func (s *Server) handleCheckoutConfirm(w http.ResponseWriter, r *http.Request) {
	co, form, ok := s.checkoutForm(w, r)
	if !ok {
		return
	}
	sh := co.shop
	sh.mu.Lock()
	now := sh.tenant.Clock.Now()
	p := co.payment
	var token string
	var fields []string
	if p != nil && p.Verify != nil {
		token = p.Token
		switch p.Verify.Step {
		case StatusOTPVerify:
			fields = []string{"otp"}
		case StatusCVVVerify:
			fields = []string{"card_cvv"}
		case StatusSenderVerify, StatusReceiverVerify:
			fields = verifyFields(p.Verify.Step)
		}
	}
	sh.mu.Unlock()
	if token == "" { // nothing to confirm (any more): the page shows why
		http.Redirect(w, r, co.pageURL(), http.StatusSeeOther)
		return
	}
	params := Params{"version": co.params["version"], "public_key": sh.merchant.PublicKey,
		"action": string(ActionConfirm), "confirm_token": token}
	for _, f := range fields {
		if v := strings.TrimSpace(form.Get(f)); v != "" {
			params[f] = v
		}
	}
	s.runCheckoutCall(w, r, co, co.call(params, ActionConfirm, now), actions[ActionConfirm])
}

// call is a request the session's pages make on the merchant's behalf, in
// the session's language, version and signature algorithm.
func (co *checkout) call(params Params, action Action, now time.Time) *call {
	return &call{shop: co.shop, params: params, action: action, lang: co.lang, version: co.version,
		algo: co.algo, now: now, baseURL: co.baseURL}
}

// runCheckoutCall runs a page's call as the pipeline runs a request: a
// charge decides inside its action, after its own checks; any other action
// decides before it runs, and a fault that strikes before processing
// answers instead.
func (s *Server) runCheckoutCall(w http.ResponseWriter, r *http.Request, co *checkout, c *call, handler handler) {
	if !isCharge(c.action) {
		s.decide(c)
		if c.unprocessedFault() {
			s.deliverFault(w, r, c)
			return
		}
	}
	s.afterCheckoutCall(w, r, co, c, handler(s, c))
}

// handleCheckoutCancel is the customer's Cancel: the order becomes a
// payment in failure with err_code cancel, with its callback, as LiqPay
// reports a checkout the customer abandoned (reference §5.1, §9 item 5). A
// payment waiting in a verification step fails the same way; a final one
// stays as it is.
func (s *Server) handleCheckoutCancel(w http.ResponseWriter, r *http.Request) {
	co, _, ok := s.checkoutForm(w, r)
	if !ok {
		return
	}
	sh := co.shop
	sh.mu.Lock()
	now := sh.tenant.Clock.Now()
	c := co.call(co.params, co.action, now)
	p := co.payment
	switch {
	case p == nil && co.expired(now):
	case p == nil:
		in, e := validateOrder(c)
		if e == nil {
			e = sh.checkOrderFree(c)
		}
		if e != nil {
			co.flash = e.ErrDescription
			break
		}
		p = s.newPayment(c, in)
		p.setExtras(func(x *Extras) { x.ContinueURL = co.pageURL() })
		co.payment = p
		s.finish(sh, p, StatusFailure, ErrCancel, now)
	default:
		s.expireIfDue(sh, p, now)
		if p.Verify != nil {
			s.finish(sh, p, StatusFailure, ErrCancel, now)
		}
	}
	if p != nil {
		p.takeWait()
	}
	sh.mu.Unlock()
	http.Redirect(w, r, co.pageURL(), http.StatusSeeOther)
}

// afterCheckoutCall takes an action's answer the way the API pipeline does
// (a scripted fault that strikes before processing, callbacks a scenario
// wants sent first; a scenario's response delay and its faults after
// processing are about the API's answer, which a page does not have) and
// sends the browser on: to the 3-D Secure page, or back to the session's page, which
// shows the next step or the result. An error answer (a bad card number, an
// order_id already paid, a wrong OTP) is shown on the page.
func (s *Server) afterCheckoutCall(w http.ResponseWriter, r *http.Request, co *checkout, c *call, resp any) {
	sh := co.shop
	if _, ok := resp.(unprocessed); ok {
		s.deliverFault(w, r, c)
		return
	}
	s.logRequest(r, c.params, resp)
	next := co.pageURL()
	sh.mu.Lock()
	if e, ok := resp.(*apiError); ok {
		co.flash = e.ErrDescription
	} else if co.payment == nil {
		// A charge answered with the payment object: this order's newest
		// payment is the one it made.
		co.payment = sh.byOrder[co.params.S("order_id")]
	}
	if p := co.payment; p != nil {
		p.setExtras(func(x *Extras) { x.ContinueURL = co.pageURL() })
		if p.Verify != nil && p.Verify.Step == Status3DSVerify && !p.Verify.Approved3DS {
			next = p.extras().RedirectTo
		}
	}
	sh.mu.Unlock()
	if c.waitCallbacks && s.opts.Callbacks != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
		_ = s.opts.Callbacks.Settle(ctx, sh.tenant.ID)
		cancel()
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// checkoutForm finds the session of a page's POST and parses its form,
// answering the page itself when either fails.
func (s *Server) checkoutForm(w http.ResponseWriter, r *http.Request) (*checkout, url.Values, bool) {
	co := s.checkouts.get(mux.Vars(r)["token"])
	if co == nil {
		s.renderCheckout(w, http.StatusNotFound, "checkout-message", messageView(nil, "uk", "not_found", ""))
		return nil, nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPageForm)
	if err := r.ParseForm(); err != nil {
		s.renderCheckout(w, http.StatusBadRequest, "checkout-message", messageView(co, co.lang, "unavailable", err.Error()))
		return nil, nil, false
	}
	return co, r.PostForm, true
}

// flash keeps an error for the next render of the session's page.
func (s *Server) flash(co *checkout, msg string) {
	co.shop.mu.Lock()
	co.flash = msg
	co.shop.mu.Unlock()
}

// splitExpiry reads the form's expiry as people type it: "12/30",
// "12 / 2030", "1230". It answers card_exp_month and card_exp_year as the
// SDKs send them ("12", "30"); the charge validates the values.
func splitExpiry(s string) (month, year string, ok bool) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == '/' || r == ' ' || r == '-' || r == '.' {
			return -1
		}
		return 'x'
	}, s)
	if strings.Contains(digits, "x") {
		return "", "", false
	}
	if i := strings.IndexAny(s, "/-."); i > 0 {
		m, err1 := strconv.Atoi(strings.TrimSpace(s[:i]))
		y := strings.TrimSpace(s[i+1:])
		if err1 != nil || (len(y) != 2 && len(y) != 4) {
			return "", "", false
		}
		return fmt.Sprintf("%02d", m), y, true
	}
	if len(digits) != 4 && len(digits) != 6 {
		return "", "", false
	}
	return digits[:2], digits[2:], true
}

package liqpay

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/web"
)

// threeDSView is what the 3-D Secure page (web/templates/3ds.html) shows.
type threeDSView struct {
	web.Page
	Pending                                   bool
	PublicKey, OrderID, Description, Currency string
	Amount, Card, ReturnTo, Deadline, Message string
}

// handle3DSPage shows the customer the 3-D Secure page behind redirect_to
// (reference §5.3). ?outcome=approve|decline decides without a click, for
// headless tests (a mockpay extension).
func (s *Server) handle3DSPage(w http.ResponseWriter, r *http.Request) {
	if o := r.URL.Query().Get("outcome"); o != "" {
		s.decide3DS(w, r, o, r.URL.Query().Get("return_to"))
		return
	}
	returnTo := r.URL.Query().Get("return_to")
	if returnTo != "" && !validHTTPURL(returnTo) {
		s.render3DS(w, http.StatusBadRequest, threeDSView{Message: "return_to must be an absolute http(s) URL."})
		return
	}
	var view threeDSView
	found := s.with3DS(mux.Vars(r)["token"], func(sh *shop, p *Payment, now time.Time) {
		if p.Verify == nil || p.Verify.Step != Status3DSVerify || p.Verify.Approved3DS {
			view = threeDSView{Message: finishedMessage(p)}
			return
		}
		view = threeDSView{
			Pending: true, PublicKey: p.PublicKey, OrderID: p.OrderID, Description: p.Description,
			Amount: displayAmount(p.Amount), Currency: p.Currency, Card: p.Card.Mask2, ReturnTo: returnTo,
			Deadline: p.Verify.Deadline.UTC().Format(time.RFC3339) + " (virtual time)",
		}
	})
	if !found {
		s.render3DS(w, http.StatusNotFound, threeDSView{Message: "Unknown or expired 3-D Secure link."})
		return
	}
	s.render3DS(w, http.StatusOK, view)
}

// handle3DSDecision takes the customer's Approve or Decline.
func (s *Server) handle3DSDecision(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.render3DS(w, http.StatusBadRequest, threeDSView{Message: "Malformed form."})
		return
	}
	s.decide3DS(w, r, r.PostForm.Get("decision"), r.Form.Get("return_to"))
}

// decide3DS applies a decision. Approving a payment that came with return_to
// only marks it approved: the merchant finishes it with confirm after the
// browser comes back with liqpay_token. Without return_to LiqPay finishes the
// payment itself (reference §5.3).
func (s *Server) decide3DS(w http.ResponseWriter, r *http.Request, decision, returnTo string) {
	if decision != "approve" && decision != "decline" {
		s.render3DS(w, http.StatusBadRequest, threeDSView{Message: "decision must be approve or decline."})
		return
	}
	if returnTo != "" && !validHTTPURL(returnTo) {
		s.render3DS(w, http.StatusBadRequest, threeDSView{Message: "return_to must be an absolute http(s) URL."})
		return
	}
	token := mux.Vars(r)["token"]
	var msg, continueURL string
	found := s.with3DS(token, func(sh *shop, p *Payment, now time.Time) {
		if v := p.Verify; v != nil && v.Step == Status3DSVerify && !v.Approved3DS {
			switch {
			case decision == "decline":
				// GUESS: err_mpi ("failed to check card") for a failed
				// authentication, so it differs from the expired_3ds of a timeout.
				s.finish(sh, p, StatusFailure, ErrMPI, now)
			case returnTo != "":
				v.Approved3DS = true
			default:
				p.Is3DS = true
				s.finish(sh, p, v.Then, "", now)
			}
		}
		p.takeWait() // a browser's decision is no API request to hold back
		msg, continueURL = finishedMessage(p), p.extras().ContinueURL
	})
	if !found {
		s.render3DS(w, http.StatusNotFound, threeDSView{Message: "Unknown or expired 3-D Secure link."})
		return
	}
	if returnTo != "" {
		u, _ := url.Parse(returnTo)
		q := u.Query()
		q.Set("liqpay_token", token)
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.String(), http.StatusSeeOther)
		return
	}
	// A payment made on the hosted checkout goes back to it, which shows
	// the result and leads on to the merchant's result_url.
	if continueURL != "" {
		http.Redirect(w, r, continueURL, http.StatusSeeOther)
		return
	}
	s.render3DS(w, http.StatusOK, threeDSView{Message: msg})
}

// with3DS runs fn on the payment behind a 3-DS token under its shop's lock,
// after applying any expiry that fell due; it reports whether the token
// names a payment.
func (s *Server) with3DS(token string, fn func(sh *shop, p *Payment, now time.Time)) bool {
	return s.withToken(token, func(sh *shop) *Payment { return sh.byToken[token] }, fn)
}

// withToken runs fn on the payment a page token names (find looks it up in
// the token's shop) under the shop's lock, after applying any expiry that
// fell due; it reports whether the token names a payment.
func (s *Server) withToken(token string, find func(sh *shop) *Payment, fn func(sh *shop, p *Payment, now time.Time)) bool {
	s.mu.RLock()
	sh := s.tokens[token]
	s.mu.RUnlock()
	if sh == nil {
		return false
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p := find(sh)
	if p == nil {
		return false
	}
	now := sh.tenant.Clock.Now()
	s.expireIfDue(sh, p, now)
	fn(sh, p, now)
	return true
}

func finishedMessage(p *Payment) string {
	switch {
	case p.Verify != nil && p.Verify.Approved3DS:
		return "Authentication approved. The shop completes the payment."
	case p.Status == StatusFailure && p.ErrCode == ErrExpired3DS:
		return "Verification expired. The payment failed."
	case p.Status == StatusFailure:
		return "Authentication declined. The payment failed."
	case p.Status == StatusReversed:
		return "The payment was reversed."
	}
	return "Authentication approved. Payment status: " + string(p.Status) + "."
}

func (s *Server) render3DS(w http.ResponseWriter, code int, v threeDSView) {
	v.Page = web.Page{Lang: "en", Title: "3-D Secure", Banner: "mockpay sandbox · LiqPay · no real card is charged"}
	// The form's answer may redirect to return_to: its origin joins the
	// page's form-action.
	if err := web.Render(w, code, "3ds", v, v.ReturnTo); err != nil {
		s.log.Error("render 3-DS page", "err", err)
	}
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

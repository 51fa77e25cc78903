package liqpay

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/web"
)

// The payer page: where the customer pays an invoice (invoice_send, whose
// href LiqPay puts at /apipay/invoice/<token>), a payment_prepare button,
// a QR code (payqr) or — standing in for the terminal — a cash payment
// (paycash). Paying runs the same decision engine as the API: the test
// cards and scenarios decide, 3-D Secure goes to the 3-DS page, OTP, CVV and
// sender/receiver steps ask on this page.

// The page is web's "payer" template, on the shared stylesheet
// (web.StylePath) with web's headers: X-Frame-Options DENY and a CSP that
// allows styles only from this server and forms only to it and the shop's
// result_url.

type payerView struct {
	web.Page
	Message                                   string
	PublicKey, OrderID, Description, Currency string
	Amount, Status, QRCode, Expires           string
	ResultURL                                 string
	Goods                                     []goodView
	Form                                      string // card, cash, confirm or "" (nothing to do)
	Fields                                    []string
}

type goodView struct{ Name, Count, Unit, Amount string }

// payerRoutes registers the payer pages and the compensation files.
func (s *Server) payerRoutes(r *mux.Router) {
	for _, kind := range []string{"invoice", "cash", "qr", "prepare"} {
		path := payerPath(kind) + "{token}"
		r.HandleFunc(path, s.handlePayerPage).Methods(http.MethodGet)
		r.HandleFunc(path, s.handlePayerAction).Methods(http.MethodPost)
	}
	r.HandleFunc("/apipay/register/{token}", s.handleRegisterFile).Methods(http.MethodGet)
}

func (s *Server) handlePayerPage(w http.ResponseWriter, r *http.Request) {
	var view payerView
	found := s.withPayer(r, func(sh *shop, p *Payment, now time.Time) {
		view = payerViewOf(p, "")
	})
	if !found {
		s.renderPayer(w, http.StatusNotFound, payerView{Page: web.Page{Title: "Not found"}, Message: "Unknown payment link."})
		return
	}
	s.renderPayer(w, http.StatusOK, view)
}

// handlePayerAction takes the payer's card, cash decision or confirmation.
func (s *Server) handlePayerAction(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderPayer(w, http.StatusBadRequest, payerView{Page: web.Page{Title: "Bad request"}, Message: "Malformed form."})
		return
	}
	var view payerView
	var redirect string
	code := http.StatusOK
	found := s.withPayer(r, func(sh *shop, p *Payment, now time.Time) {
		msg := s.payerStep(sh, p, r.PostForm, now)
		p.takeWait() // a browser's action is no API request to hold back
		view = payerViewOf(p, msg)
		switch {
		case p.Status == Status3DSVerify:
			redirect = p.extras().RedirectTo
		case msg == "" && p.Invoice.ResultURL != "" && final(p.Status):
			redirect = p.Invoice.ResultURL
		case msg != "":
			code = http.StatusUnprocessableEntity
		}
	})
	if !found {
		s.renderPayer(w, http.StatusNotFound, payerView{Page: web.Page{Title: "Not found"}, Message: "Unknown payment link."})
		return
	}
	if redirect != "" {
		http.Redirect(w, r, redirect, http.StatusSeeOther)
		return
	}
	s.renderPayer(w, code, view)
}

// payerStep applies one form post; it returns a message for the payer when
// the post was refused and nothing changed. Caller holds sh.mu.
func (s *Server) payerStep(sh *shop, p *Payment, form url.Values, now time.Time) string {
	lang := p.Language
	inv := p.Invoice
	params := Params{"order_id": p.OrderID, "amount": p.Amount.String(), "currency": p.Currency,
		"description": p.Description, "language": lang}
	for k := range form {
		if k != "order_id" && k != "amount" && k != "currency" {
			params[k] = form.Get(k)
		}
	}
	c := &call{shop: sh, params: params, action: inv.ActionPayment, lang: lang, version: int64(p.Version),
		algo: p.Algo, now: now, baseURL: p.BaseURL}
	switch form.Get("step") {
	case "confirm":
		if p.Verify == nil {
			return "Nothing to confirm."
		}
		if e, ok := s.confirmStep(c, p).(*apiError); ok {
			return e.ErrDescription
		}
		return ""
	case "cash":
		if inv.Kind != "cash" || p.Status != StatusCashWait {
			return "This payment does not wait for cash."
		}
		if form.Get("decision") == "paid" {
			s.finish(sh, p, successStatus(p), "", now)
		} else {
			// GUESS: a terminal that declines ends the payment like an
			// anti-fraud decline.
			s.finish(sh, p, StatusFailure, "decline", now)
		}
		return ""
	case "pay":
		if inv.Kind == "cash" || p.Status != waitStatus(inv.Kind) {
			return "This payment does not wait for a card."
		}
		cd, e := validateCard(params, lang)
		if e != nil {
			return e.ErrDescription
		}
		in := chargeInput{amount: p.Amount, currency: p.Currency, card: cd}
		s.decide(c)
		p.setCommon(func(c *Common) { c.Card = cd })
		p.setExtras(func(x *Extras) { x.Phone = params.S("phone") })
		s.apply(c, p, decide(c, in))
		return ""
	}
	return "Unknown step."
}

// final reports a status the payer page has nothing more to do with.
func final(st Status) bool {
	return !verifyStep(st) && st != StatusInvoiceWait && st != StatusCashWait && st != StatusWaitQR && st != StatusPrepared
}

func payerViewOf(p *Payment, msg string) payerView {
	inv := p.Invoice
	v := payerView{Page: web.Page{Lang: p.Language, Title: payerTitle(inv.Kind)}, Message: msg, PublicKey: p.PublicKey,
		OrderID: p.OrderID, Description: p.Description, Currency: p.Currency, Amount: p.Amount.String(),
		Status: string(p.Status), QRCode: p.extras().QRCode, ResultURL: inv.ResultURL}
	if !inv.Expires.IsZero() {
		v.Expires = inv.Expires.Format(time.DateTime) + " UTC (virtual time)"
	}
	for _, g := range inv.Goods {
		v.Goods = append(v.Goods, goodView{Name: g.Name, Count: g.Count, Unit: g.Unit, Amount: g.Amount.String()})
	}
	switch {
	case p.Status == waitStatus(inv.Kind) && inv.Kind == "cash":
		v.Form = "cash"
	case p.Status == waitStatus(inv.Kind):
		v.Form = "card"
	case p.Verify != nil && p.Status != Status3DSVerify:
		v.Form = "confirm"
		switch p.Status {
		case StatusOTPVerify:
			v.Fields = []string{"otp"}
		case StatusCVVVerify:
			v.Fields = []string{"card_cvv"}
		default:
			v.Fields = verifyFields(p.Status)
		}
	}
	if msg == "" {
		v.Message = payerMessage(p)
	}
	return v
}

func payerTitle(kind string) string {
	switch kind {
	case "cash":
		return "Cash payment"
	case "qr":
		return "QR payment"
	case "prepare":
		return "Payment"
	}
	return "Invoice"
}

func payerMessage(p *Payment) string {
	switch {
	case p.Status == StatusSuccess || p.Status == StatusSandbox:
		return "Paid. Thank you."
	case p.Status == StatusHoldWait:
		return "Paid: the amount is held on your card."
	case p.Status == StatusFailure && p.ErrCode == ErrCancel:
		return "This invoice was cancelled."
	case p.Status == StatusFailure || p.Status == StatusError:
		return "The payment failed: " + describe(p.ErrCode, p.Language, "")
	case p.Verify != nil:
		return "One more step: " + string(p.Status) + "."
	case p.Status == waitStatus(p.Invoice.Kind):
		return ""
	}
	return "Payment status: " + string(p.Status) + "."
}

// withPayer runs fn on the payment behind a payer-page token under its
// shop's lock.
func (s *Server) withPayer(r *http.Request, fn func(sh *shop, p *Payment, now time.Time)) bool {
	token := mux.Vars(r)["token"]
	return s.withToken(token, func(sh *shop) *Payment { return sh.invoices[token] }, fn)
}

func (s *Server) renderPayer(w http.ResponseWriter, code int, v payerView) {
	if v.Lang == "" {
		v.Lang = "uk"
	}
	v.Banner = web.Texts("en")["banner"] // the page's words are English
	// A paid form is redirected to the shop's result_url: its origin joins
	// the page's form-action.
	if err := web.Render(w, code, "payer", v, v.ResultURL); err != nil {
		s.log.Error("render payer page", "err", err)
	}
}

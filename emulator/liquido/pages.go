package liquido

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/scenarios"
)

// mockpay's hosted pages stand in for the pages Liquido sends payers to: the
// 3-D Secure challenge (threeDsRedirectUrl), the REDIRECT card checkout, and
// the payment page of a local method (PSE's and Nequi's paymentUrl, a
// dynamic Pix code's location). A person clicks Approve or Decline; a test
// adds ?outcome=approve|decline to the GET and decides without a browser.
// Either way the browser is then sent on to the merchant's return URL.

//go:embed pages/page.html
var pageFS embed.FS

// page is parsed once; templates are immutable after parsing.
var page = template.Must(template.ParseFS(pageFS, "pages/page.html"))

// pageCSP allows mockpay's one stylesheet (web.StylePath, served by this
// server, shared with LiqPay's pages) and nothing else to load: no inline
// style, no script. It leaves form-action open: after a decision the
// browser is redirected to the merchant's site, which browsers check
// against form-action.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"

type pageView struct {
	Title, Note                     string
	Pending, CardForm               bool
	Merchant, Key, Method, Amount   string
	Card, Description               string
	CardNumber, Holder, Month, Year string
	Error, Message                  string
}

func (k pageKind) title() string {
	switch k {
	case page3DS:
		return "3-D Secure verification"
	case pageCheckout:
		return "Pay by card"
	}
	return "Payment"
}

// awaiting reports whether the page still waits for the payer.
func (k pageKind) awaiting(p *Payment) bool {
	if p.Status != StatusInProgress {
		return false
	}
	switch k {
	case page3DS:
		return p.ex().pending != nil
	case pageCheckout:
		return p.card == nil
	}
	return true
}

// handlePage shows a page, or decides headlessly with ?outcome=.
func (s *Server) handlePage(k pageKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if o := q.Get("outcome"); o != "" {
			s.decidePage(w, r, k, o, q)
			return
		}
		var v pageView
		if !s.withPage(mux.Vars(r)["token"], k, func(m *merchant, p *Payment) { v = s.view(k, m, p) }) {
			s.render(w, http.StatusNotFound, pageView{Title: k.title(), Message: "Unknown or expired payment link."})
			return
		}
		s.render(w, http.StatusOK, v)
	}
}

// handlePageDecision takes the payer's Approve or Decline.
func (s *Server) handlePageDecision(k pageKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			s.render(w, http.StatusBadRequest, pageView{Title: k.title(), Message: "Malformed form."})
			return
		}
		s.decidePage(w, r, k, r.PostForm.Get("decision"), r.PostForm)
	}
}

// view describes a payment on its page. Caller holds m.mu.
func (s *Server) view(k pageKind, m *merchant, p *Payment) pageView {
	v := pageView{Title: k.title(), Pending: k.awaiting(p), Merchant: m.cfg.ClientID, Key: p.Key, Method: p.Method,
		Amount: money(p.FinalAmount, p.FinalCurrency), Description: p.Description, Message: resultMessage(p)}
	if p.card != nil {
		v.Card = p.card.info.Brand + " " + p.card.masked()
	}
	switch k {
	case page3DS:
		v.Note = "Approve passes the authentication; decline fails the payment."
	case pageCheckout:
		v.CardForm = true
		v.CardNumber, v.Holder, v.Month = "4242 4242 4242 4242", payerOf(p).Name, "12"
		v.Year = strconv.Itoa(m.tenant.Clock.Now().In(zone).Year() + 3)
		v.Note = "Liquido's test cards work here: 4000001240000000 is rejected, 4444444444444448 has insufficient funds, 4000000000000069 is expired."
	default:
		v.Note = "Approve pays now; otherwise the sandbox settles it after its delay. Decline fails it."
	}
	return v
}

// decidePage applies the payer's decision, if the page still waits for one,
// then sends the browser back to the merchant (or shows the result). A
// decided page answers with the payment's state, so a reload is harmless.
func (s *Server) decidePage(w http.ResponseWriter, r *http.Request, k pageKind, decision string, form url.Values) {
	if decision != "approve" && decision != "decline" {
		s.render(w, http.StatusBadRequest, pageView{Title: k.title(), Message: "decision must be approve or decline."})
		return
	}
	var (
		v      pageView
		target string
		code   = http.StatusOK
	)
	found := s.withPage(mux.Vars(r)["token"], k, func(m *merchant, p *Payment) {
		now := m.tenant.Clock.Now()
		if k.awaiting(p) {
			switch {
			case decision == "decline" && k == page3DS:
				// Liquido documents no failure for 3-D Secure (GUESS).
				s.setStatus(m, p, StatusFailed, 400, "3-D Secure authentication failed", now)
			case decision == "decline":
				s.setStatus(m, p, StatusFailed, 400, "Payment declined by the payer", now)
			case k == page3DS:
				s.applyCardOutcome(m, p, *p.ex().pending, now)
			case k == pageCheckout:
				if msg := s.checkout(m, p, form, now); msg != "" {
					v = s.view(k, m, p)
					v.Error = msg
					// The holder is shown again; the card number never is.
					v.Holder = form.Get("cardHolderName")
					code = http.StatusBadRequest
					return
				}
			default:
				s.setStatus(m, p, StatusSettled, 0, "", now)
			}
		}
		m.wait = false // pages answer no API call: nothing waits for callbacks
		target = p.ReturnURL
		if k == page3DS && p.Details.Card != nil && p.Details.Card.Card3DSInfo != nil {
			target = p.Details.Card.Card3DSInfo.MerchantSite3DS
		}
		v = s.view(k, m, p)
	})
	switch {
	case !found:
		s.render(w, http.StatusNotFound, pageView{Title: k.title(), Message: "Unknown or expired payment link."})
	case code != http.StatusOK:
		s.render(w, code, v)
	case target != "":
		http.Redirect(w, r, target, http.StatusSeeOther)
	default:
		s.render(w, http.StatusOK, v)
	}
}

// checkout charges the card a payer entered on the REDIRECT page; the test
// cards decide as on a DIRECT charge. It returns a message for a card the
// form cannot take. Caller holds m.mu.
func (s *Server) checkout(m *merchant, p *Payment, form url.Values, now time.Time) string {
	in, problem := readCardForm(form, payerOf(p).Name, now)
	if problem != "" {
		return problem
	}
	sc := in.stored()
	p.card = &sc
	info := sc.info
	d := *p.Details.Card // a copy: other payments may share it (shared.go)
	d.CardInfo = &info
	p.Details.Card = &d
	if expired(in.month, in.year, now) {
		s.setStatus(m, p, StatusFailed, 400, "Card expired", now)
		return ""
	}
	// The card is known only now, so the scenarios are asked again; a
	// fault has no answer to replace here and is ignored.
	c := &call{m: m, now: now}
	s.decide(c, scenarios.Request{Action: string(ActionCard), Method: p.Method, Card: in.pan, Currency: p.Currency,
		Country: p.Country, OrderID: p.Key, Description: p.Description, Amount: amountOf(p.Amount)})
	o := c.outcome()
	adopt(p, o)
	s.applyCardOutcome(m, p, o, now)
	return ""
}

// readCardForm reads the card a payer typed on a hosted page (the REDIRECT
// page, a payment link's). A blank field takes the sandbox's default: the
// 4242 test card, 12 of three years on, the payer's name or else MOCKPAY
// TEST. It returns a message for the payer when the card cannot be used.
func readCardForm(form url.Values, payer string, now time.Time) (cardInput, string) {
	get := func(name, def string) string { return formValue(form, name, def) }
	pan, ok := normalizePAN(get("cardNumber", "4242424242424242"))
	if !ok {
		return cardInput{}, "That is not a valid card number."
	}
	month, err1 := strconv.Atoi(get("expirationMonth", "12"))
	year, err2 := strconv.Atoi(get("expirationYear", strconv.Itoa(now.In(zone).Year()+3)))
	if year >= 0 && year < 100 {
		year += 2000
	}
	if err1 != nil || err2 != nil || month < 1 || month > 12 || year < 2000 || year > 2100 {
		return cardInput{}, "The expiry date is not valid."
	}
	holder := get("cardHolderName", payer)
	if holder == "" {
		holder = "MOCKPAY TEST"
	}
	return cardInput{pan: pan, holder: holder, month: month, year: year}, ""
}

// formValue is a page form's field, trimmed, or def when it is blank.
func formValue(form url.Values, name, def string) string {
	if v := strings.TrimSpace(form.Get(name)); v != "" {
		return v
	}
	return def
}

// securePageHeaders are the headers of a hosted page: never framed
// (clickjacking), never sniffed, never cached, no referrer leaking the token.
func securePageHeaders(w http.ResponseWriter, csp string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func resultMessage(p *Payment) string {
	switch p.Status {
	case StatusSettled:
		return "Payment approved (SETTLED)."
	case StatusAuthorized:
		return "Payment authorized (AUTHORIZED); the shop captures it."
	case StatusFailed, StatusExpired:
		return "Payment failed (" + string(p.Status) + "): " + p.ErrMsg + "."
	}
	return "Payment status: " + string(p.Status) + "."
}

func (s *Server) render(w http.ResponseWriter, code int, v pageView) {
	securePageHeaders(w, pageCSP)
	w.WriteHeader(code)
	if err := page.Execute(w, v); err != nil {
		s.log.Error("render liquido page", "err", err)
	}
}

// payer is what pages and the boleto show of the payer.
type payer struct {
	Name     string `json:"name"`
	Document struct {
		DocumentID string `json:"documentId"`
		Type       string `json:"type"`
	} `json:"document"`
}

func payerOf(p *Payment) payer {
	var out payer
	_ = json.Unmarshal(p.Payer, &out) // best effort: shown, never relied on
	return out
}

// money formats minor units for people: "R$ 1.234,56" in Brazil, "1234.56 MXN" elsewhere.
func money(amount int64, currency string) string {
	major, minor := amount/100, amount%100
	if currency == "BRL" {
		s := strconv.FormatInt(major, 10)
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "." + s[i:]
		}
		return fmt.Sprintf("R$ %s,%02d", s, minor)
	}
	return fmt.Sprintf("%d.%02d %s", major, minor, currency)
}

package liquido

import (
	_ "embed"
	"html/template"
	"math/big"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/web"
)

// The page of a PayCash recurring reference (references.go): the payer
// enters what they paid at the store and submits; each submission is a
// payment against the reference. Plain HTML, no script; the form posts to
// the page itself. Amounts are in major units ("150.00").

//go:embed pages/reference.html
var referencePageHTML []byte

// referencePage is parsed once; templates are immutable after parsing.
var referencePage = template.Must(template.New("reference").Parse(string(referencePageHTML)))

// referencePageCSP allows nothing but mockpay's one stylesheet
// (web.StylePath) and the page's form posting back to itself (web.CSP);
// no frames, no scripts.
var referencePageCSP = web.CSP()

type referenceView struct {
	Merchant, Key, Number, Convenio, Currency string
	Status, Fixed, Expires, Amount            string
	Active                                    bool
	Error, Paid                               string
	Payments                                  []string
}

func (s *Server) referenceView(m *merchant, ref *reference) referenceView {
	v := referenceView{Merchant: m.cfg.ClientID, Key: ref.Key, Number: ref.Number, Convenio: convenio(ref.Country),
		Currency: ref.Currency, Status: string(ref.Status), Active: ref.Status == StatusActive, Payments: ref.payments}
	if ref.Amount > 0 {
		v.Fixed = money(ref.Amount, ref.Currency)
		v.Amount = twoDecimals(ref.Amount)
	}
	if !ref.Expiry.IsZero() {
		v.Expires = ref.Expiry.Format("2006-01-02")
	}
	return v
}

// withReference runs fn on the reference behind a page token, under its
// merchant's lock; it reports whether the token names one.
func (s *Server) withReference(token string, fn func(m *merchant, ref *reference)) bool {
	s.mu.RLock()
	l, ok := s.links[token]
	s.mu.RUnlock()
	if !ok || l.kind != pageReference {
		return false
	}
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	ref := l.m.references[l.key]
	if ref == nil || !s.linked(token, l) {
		return false
	}
	fn(l.m, ref)
	return true
}

// handleReferencePage shows the reference and its payment form.
func (s *Server) handleReferencePage(w http.ResponseWriter, r *http.Request) {
	var v referenceView
	if !s.withReference(mux.Vars(r)["token"], func(m *merchant, ref *reference) { v = s.referenceView(m, ref) }) {
		s.renderReference(w, http.StatusNotFound, referenceView{Error: "Unknown reference link."})
		return
	}
	s.renderReference(w, http.StatusOK, v)
}

// handleReferencePayment takes one payment from the form.
func (s *Server) handleReferencePayment(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.renderReference(w, http.StatusBadRequest, referenceView{Error: "Malformed form."})
		return
	}
	code := http.StatusOK
	var v referenceView
	found := s.withReference(mux.Vars(r)["token"], func(m *merchant, ref *reference) {
		amount, ok := parseMajor(r.PostForm.Get("amount"))
		var p *Payment
		var err error
		if ok {
			p, err = s.payReference(m, ref, amount, m.tenant.Clock.Now())
		}
		m.wait = false // a page answers no API call: nothing waits for callbacks
		v = s.referenceView(m, ref)
		switch {
		case !ok:
			code, v.Error = http.StatusBadRequest, "The amount must be a number such as 150.00."
		case err != nil:
			code, v.Error = http.StatusBadRequest, err.Error()
		default:
			v.Paid = p.Key
		}
		v.Amount = strings.TrimSpace(r.PostForm.Get("amount"))
	})
	if !found {
		s.renderReference(w, http.StatusNotFound, referenceView{Error: "Unknown reference link."})
		return
	}
	s.renderReference(w, code, v)
}

func (s *Server) renderReference(w http.ResponseWriter, code int, v referenceView) {
	securePageHeaders(w, referencePageCSP)
	w.WriteHeader(code)
	if err := referencePage.Execute(w, v); err != nil {
		s.log.Error("render liquido reference page", "err", err)
	}
}

// parseMajor reads an amount in major units ("150", "150.5", "150.00") into
// minor units; more than two decimals, signs and exponents are refused.
func parseMajor(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 20 || strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 {
		return 0, false
	}
	if whole, frac, ok := strings.Cut(s, "."); ok && (len(frac) > 2 || whole == "") {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

// twoDecimals writes minor units as "150.00".
func twoDecimals(minor int64) string {
	return new(big.Rat).SetFrac64(minor, 100).FloatString(2)
}

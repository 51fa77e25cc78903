package liquido

import (
	_ "embed"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gorilla/mux"
)

// A payment link's hosted page, /liquido/buy/{linkId}: plain HTML forms
// that work without JavaScript, one per allowed method in the order the
// merchant gave. Choosing a method runs the charge the API would run; a
// card settles or fails at once, other methods show their payment data and
// settle on the merchant's clock. Tests skip the browser with
// GET ?outcome=approve|decline[&method=PIX].

//go:embed pages/link.html
var linkPageSource string

var linkPage = template.Must(template.New("link").Parse(linkPageSource))

// linkPageCSP allows mockpay's one stylesheet (web.StylePath, shared with
// every hosted page) and nothing else: no inline style, no scripts, no
// frames, no plugins. The page carries merchant text, so an injected tag
// must have nothing to run. It leaves form-action open: a decision
// redirects the browser to the merchant's redirectUrl, which browsers check
// against form-action.
const linkPageCSP = pageCSP

type linkMethodView struct {
	Name, Label, DocumentLabel string
	Card, Document, PSE        bool
}

type instruction struct{ Label, Value string }

type linkView struct {
	Title, Status                          string
	Open, Pending                          bool
	Merchant, OrderID, Amount, Description string
	Methods                                []linkMethodView
	Banks                                  []pseBank
	Holder, Year, DocumentID               string
	Method, PayURL, Error, Message         string
	Instructions                           []instruction
}

// withLink runs fn on the link behind a linkId, under its merchant's lock;
// it reports whether there is one.
func (s *Server) withLink(id string, fn func(m *merchant, l *PaymentLink)) bool {
	return s.withToken(id, pageBuy, func(m *merchant, key string) bool {
		l := m.links[key]
		if l == nil {
			return false
		}
		fn(m, l)
		m.wait = false // pages answer no API call: nothing waits for callbacks
		return true
	})
}

// handleLinkPage shows a link's page, or decides headlessly with ?outcome=.
func (s *Server) handleLinkPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if o := q.Get("outcome"); o != "" {
		s.decideLink(w, r, o, q)
		return
	}
	var v linkView
	if !s.withLink(mux.Vars(r)["token"], func(m *merchant, l *PaymentLink) { v = s.linkView(m, l) }) {
		s.renderLink(w, http.StatusNotFound, linkView{Title: "Payment link", Message: "Unknown payment link."})
		return
	}
	s.renderLink(w, http.StatusOK, v)
}

// handleLinkDecision takes a form of the page: a method to pay with
// (decision=approve, the default) or decision=decline.
func (s *Server) handleLinkDecision(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderLink(w, http.StatusBadRequest, linkView{Title: "Payment link", Message: "Malformed form."})
		return
	}
	decision := r.PostForm.Get("decision")
	if decision == "" {
		decision = "approve"
	}
	s.decideLink(w, r, decision, r.PostForm)
}

// decideLink applies a decision to a link. approve pays with form's method
// (the first allowed one when none is named) if no method was chosen yet,
// or settles the pending charge of a method chosen before when it comes
// with ?outcome= or from the pending page; decline fails whatever is open.
// A link that is done answers with its state, so a reload is harmless.
// When the link ends here and the merchant gave a redirectUrl, the browser
// goes there.
func (s *Server) decideLink(w http.ResponseWriter, r *http.Request, decision string, form url.Values) {
	if decision != "approve" && decision != "decline" {
		s.renderLink(w, http.StatusBadRequest, linkView{Title: "Payment link", Message: "decision must be approve or decline."})
		return
	}
	headless := r.Method == http.MethodGet
	var (
		v      linkView
		target string
		code   = http.StatusOK
	)
	found := s.withLink(mux.Vars(r)["token"], func(m *merchant, l *PaymentLink) {
		now := m.tenant.Clock.Now()
		switch {
		case l.Status == StatusInitial && decision == "decline":
			s.setLinkStatus(m, l, StatusFailed, l.RefundStatus, now)
		case l.Status == StatusInitial:
			method := form.Get("method")
			if method == "" {
				method = l.Methods[0]
			}
			if msg := s.payLink(m, l, method, form, s.baseURL(r), now); msg != "" {
				v = s.linkView(m, l)
				v.Error, code = msg, http.StatusBadRequest
				return
			}
			if headless && l.payment != nil && l.payment.Status == StatusInProgress {
				s.setStatus(m, l.payment, StatusSettled, 0, "", now)
			}
		case l.Status == StatusInProgress && l.payment != nil && l.payment.Status == StatusInProgress:
			if decision == "decline" {
				s.setStatus(m, l.payment, StatusFailed, 400, "Payment declined by the payer", now)
			} else if headless || form.Get("method") == "" {
				s.setStatus(m, l.payment, StatusSettled, 0, "", now)
			}
		}
		if l.Status != StatusInitial && l.Status != StatusInProgress {
			target = l.RedirectURL
		}
		v = s.linkView(m, l)
	})
	switch {
	case !found:
		s.renderLink(w, http.StatusNotFound, linkView{Title: "Payment link", Message: "Unknown payment link."})
	case code != http.StatusOK:
		s.renderLink(w, code, v)
	case target != "":
		http.Redirect(w, r, target, http.StatusSeeOther)
	default:
		s.renderLink(w, http.StatusOK, v)
	}
}

// payLink starts the charge that pays a link with one of its methods, built
// as an API charge would be (the link's amount, payer and description, and
// what the page's form adds: card, document, bank) and run by the same
// code, so test cards, scenarios and the sandbox's delays apply. It returns
// a message for the payer when the form cannot be used. Caller holds m.mu.
func (s *Server) payLink(m *merchant, l *PaymentLink, method string, form url.Values, baseURL string, now time.Time) string {
	lm, ok := linkMethods[method]
	if !ok || !slices.Contains(l.Methods, method) {
		return "This payment link does not offer " + method + "."
	}
	get := func(name, def string) string { return formValue(form, name, def) }
	in := &chargeRequest{
		action: lm.action, key: l.ID, amount: l.Amount, currency: l.Currency, country: l.Country,
		method: lm.method, flow: FlowDirect, payerName: l.Name, payerPhone: l.Phone,
		description: l.Description, params: l.params, capture: true, link: l, dueDate: l.boletoDue,
	}
	payer := map[string]any{"name": l.Name, "email": l.Email, "phone": l.Phone}
	switch lm.action {
	case ActionCard:
		card, problem := readCardForm(form, l.Name, now)
		if problem != "" {
			return problem
		}
		in.card = &card
	case ActionBoleto:
		// A boleto is issued to a CPF or CNPJ.
		doc := docDigits(get("documentId", l.DocumentID))
		switch {
		case len(doc) == 11 && validCPF(doc):
			in.docType = "CPF"
		case len(doc) == 14 && validCNPJ(doc):
			in.docType = "CNPJ"
		default:
			return "A boleto needs the payer's CPF or CNPJ, with valid check digits."
		}
		payer["document"] = map[string]any{"documentId": doc, "type": in.docType}
	case ActionPSE:
		doc := get("documentId", l.DocumentID)
		if doc == "" {
			return "PSE needs the payer's document."
		}
		in.docType = "CC"
		payer["document"] = map[string]any{"documentId": doc, "type": in.docType}
		in.personType = get("personType", "NATURAL")
		if in.personType != "NATURAL" && in.personType != "LEGAL" {
			return "The person type must be NATURAL or LEGAL."
		}
		in.institution = get("financialInstitutionCode", pseBanks[0].Code)
	case ActionPix:
		// The Pix code lives no longer than the link.
		if !l.ExpiresAt.IsZero() && l.ExpiresAt.Before(now.Add(24*time.Hour)) {
			in.expiresAt = l.ExpiresAt
		}
	}
	in.payer, _ = json.Marshal(payer)
	l.FinalMethod = method
	c := &call{m: m, now: now, baseURL: baseURL}
	ans := in.run(s, c)
	switch {
	case ans.skip:
		l.FinalMethod = ""
		return "The payment could not be processed (a scripted fault); try again."
	case ans.err != nil:
		l.FinalMethod = ""
		return ans.err.message
	}
	l.payment = m.payments[l.ID]
	return ""
}

// linkView describes a link on its page. Caller holds m.mu.
func (s *Server) linkView(m *merchant, l *PaymentLink) linkView {
	v := linkView{
		Title: "Payment link", Status: string(l.Status), Merchant: m.cfg.ClientID, OrderID: l.OrderID,
		Amount: money(l.Amount, l.Currency), Description: l.Description,
		Open: l.Status == StatusInitial, Pending: l.Status == StatusInProgress,
		Holder: l.Name, Year: strconv.Itoa(m.tenant.Clock.Now().In(zone).Year() + 3), DocumentID: l.DocumentID,
		Method: linkMethods[l.FinalMethod].label,
	}
	for _, name := range l.Methods {
		lm := linkMethods[name]
		mv := linkMethodView{Name: name, Label: lm.label, Card: lm.action == ActionCard, PSE: lm.action == ActionPSE}
		switch lm.action {
		case ActionBoleto:
			mv.Document, mv.DocumentLabel = true, "CPF or CNPJ"
		case ActionPSE:
			mv.Document, mv.DocumentLabel = true, "Document (CC)"
			v.Banks = pseBanks
		}
		v.Methods = append(v.Methods, mv)
	}
	if p := l.payment; p != nil {
		d := p.Details.of()
		add := func(label, value string) {
			if value != "" {
				v.Instructions = append(v.Instructions, instruction{label, value})
			}
		}
		if d.Pix != nil {
			add("Pix copy and paste", d.Pix.QRCode)
		}
		if d.Boleto != nil {
			add("Digitable line", formatLine(d.Boleto.DigitalLine))
			if p.ex().pdf != "" {
				add("Boleto PDF", p.baseURL+"/liquido/files/boleto/"+p.ex().pdf+".pdf")
			}
		}
		if d.OXXO != nil {
			add("OXXO reference", d.OXXO.ReferenceNumber)
		}
		if d.PayCash != nil {
			add("PayCash reference", d.PayCash.ReferenceNumber)
			add("Convenio", d.PayCash.Convenio)
		}
		if d.BankTransfer != nil {
			add("Bank", d.BankTransfer.BankAccountInfo.BankName)
			add("Account", d.BankTransfer.BankAccountInfo.BankAccountNumber)
			add("Reference", d.BankTransfer.ReferenceNumber)
		}
		if p.ex().page != "" {
			v.PayURL = p.baseURL + "/liquido/" + pagePay.path() + "/" + p.ex().page
		}
		v.Message = resultMessage(p)
	}
	switch l.Status {
	case StatusExpired:
		v.Message = "This payment link has expired."
	case StatusFailed:
		if l.payment == nil {
			v.Message = "Payment declined by the payer."
		}
	case StatusSettled:
		v.Message = "Payment approved (SETTLED)."
		if l.Refunded {
			v.Message = "Payment approved (SETTLED), then refunded."
		}
	}
	return v
}

// renderLink writes the page with a hosted page's headers; its CSP lets
// nothing but its own stylesheet load.
func (s *Server) renderLink(w http.ResponseWriter, code int, v linkView) {
	securePageHeaders(w, linkPageCSP)
	w.WriteHeader(code)
	if err := linkPage.Execute(w, v); err != nil {
		s.log.Error("render liquido payment link page", "err", err)
	}
}

package liqpay

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
)

// invoice is a payment that waits for its payer on a page mockpay serves
// (web/templates/payer.html): an invoice (invoice_send, invoice_bot), a PrivatPay
// button (payment_prepare), a cash terminal (paycash) or a QR code (payqr).
type invoice struct {
	Kind          string // invoice, prepare, cash, qr
	Token         string
	ReceiverType  string // email or phone
	ReceiverValue string
	Goods         []good
	ResultURL     string
	ActionPayment Action // pay or hold: what paying it does
	Expires       time.Time
	timer         *clock.Timer
}

// good is one line of an invoice (reference §4.15 goods).
type good struct {
	Amount Amount `json:"amount"`
	Count  string `json:"count"`
	Unit   string `json:"unit"`
	Name   string `json:"name"`
}

// payerPath is where each kind's page lives. Invoices use the path the
// reference gives (A.3); the others are mockpay's own (GUESS).
func payerPath(kind string) string {
	switch kind {
	case "cash":
		return "/apipay/cash/"
	case "qr":
		return "/apipay/qr/"
	case "prepare":
		return "/apipay/prepare/"
	}
	return "/apipay/invoice/"
}

// waitStatus is the status a payer-page payment waits in.
func waitStatus(kind string) Status {
	switch kind {
	case "cash":
		return StatusCashWait
	case "qr":
		return StatusWaitQR
	case "prepare":
		return StatusPrepared
	}
	return StatusInvoiceWait
}

// expiryCodeFor is the err_code of a payer page whose expired_date passed:
// LiqPay lists expired_qr and expired_prepared (reference §6.2); GUESS:
// expired_cash and expired_invoice follow the pattern.
func expiryCodeFor(kind string) ErrCode {
	if kind == "prepare" {
		return "expired_prepared" // the status is prepared, and so is LiqPay's code
	}
	return ErrCode("expired_" + kind)
}

// invoiceJSON answers invoice_send (reference §4.15, the observed answer's
// field order).
type invoiceJSON struct {
	Result        string `json:"result"`
	Action        string `json:"action"`
	Amount        Amount `json:"amount"`
	Currency      string `json:"currency"`
	Description   string `json:"description"`
	Href          string `json:"href"`
	ID            int64  `json:"id"`
	OrderID       string `json:"order_id"`
	ReceiverType  string `json:"receiver_type"`
	ReceiverValue string `json:"receiver_value"`
	Status        Status `json:"status"`
	Token         string `json:"token"`
}

// startPayerPage creates a payment that waits for its payer. The matched
// scenario (match on the action) may decide another status and later
// transitions; without one the payment waits in kind's status until the
// payer acts on the page or expired_date passes. Caller holds sh.mu.
func (s *Server) startPayerPage(c *call, kind string, amount Amount, currency string) (*Payment, *apiError) {
	sh := c.shop
	inv := &invoice{Kind: kind, ActionPayment: ActionPay, ResultURL: c.params.S("result_url")}
	if ap := c.params.S("action_payment"); ap != "" {
		switch Action(ap) {
		case ActionPay, ActionHold, ActionPayDonate, ActionAuth:
			inv.ActionPayment = Action(ap)
		default:
			return nil, newError(ErrWrong, c.lang, "action_payment")
		}
	}
	if inv.ResultURL != "" && !validHTTPURL(inv.ResultURL) {
		return nil, newError(ErrWrong, c.lang, "result_url")
	}
	if raw, ok := c.params.Str("expired_date"); ok {
		t, err := time.Parse(time.DateTime, raw)
		if err != nil {
			return nil, newError(ErrWrong, c.lang, "expired_date")
		}
		inv.Expires = t.UTC()
	}
	if e := sh.checkOrderFree(c); e != nil {
		return nil, e
	}
	p := s.newPayment(c, chargeInput{amount: amount, currency: currency})
	p.setCommon(func(c *Common) {
		c.Action, c.Paytype = string(inv.ActionPayment), kind
		if kind == "prepare" {
			c.Paytype = "privat24"
		}
		if inv.ActionPayment == ActionHold {
			c.Type = "hold"
		}
	})
	// invoice_<16 digits>_<8 digits>_<20 alnum> (reference A.3).
	inv.Token = fmt.Sprintf("%s_%s_%s_%s", kind, sh.digits(16), sh.digits(8), sh.randString(alnum, 20))
	if kind == "qr" {
		code := "lp_qr:pay:" + sh.randString(alnum, 26) // the documented shape (§4.16)
		p.setExtras(func(x *Extras) { x.QRCode = code })
	}
	p.Invoice = inv
	sh.invoices[inv.Token] = p
	s.mu.Lock()
	s.tokens[inv.Token] = sh
	s.mu.Unlock()

	// A scenario's status replaces the waiting one; setStatus treats it as
	// a charge's (success is hold_wait for a hold, a step starts a verification).
	out := outcome{status: waitStatus(kind)}
	if c.scenario != nil {
		o := c.scenario.Outcome
		out.sc, out.message = &o, o.Message
		if o.Status != "" {
			out.status, out.code = Status(o.Status), ErrCode(o.Code)
		}
	}
	s.apply(c, p, out)
	s.armPayerExpiry(sh, p)
	return p, nil
}

// armPayerExpiry fails a waiting payer-page payment when its expired_date
// passes. Caller holds sh.mu.
func (s *Server) armPayerExpiry(sh *shop, p *Payment) {
	inv := p.Invoice
	if inv.Expires.IsZero() {
		return
	}
	inv.timer = sh.at(inv.Expires, func() {
		if p.Status == waitStatus(inv.Kind) {
			s.expirePayer(sh, p, sh.tenant.Clock.Now())
			p.takeWait() // no request waits on a timer's callbacks
		}
	})
}

// expirePayer ends a waiting payer-page payment as its expired_date does.
// Caller holds sh.mu.
func (s *Server) expirePayer(sh *shop, p *Payment, now time.Time) {
	sh.stop(p.Invoice.timer)
	s.finish(sh, p, StatusFailure, expiryCodeFor(p.Invoice.Kind), now)
}

// href is the payer page of a payment.
func (p *Payment) href() string {
	return p.BaseURL + payerPath(p.Invoice.Kind) + p.Invoice.Token
}

// payLater handles paycash (→ cash_wait, reference §4.16) and payqr
// (→ wait_qr, with qr_code). The payment object answers, with token and
// href naming the payer page (mockpay's extension fields).
func (s *Server) payLater(c *call) any {
	amount, currency, e := validateAmount(c)
	if e != nil {
		return e
	}
	if _, ok := c.params.Str("description"); !ok {
		return newError(ErrMissing, c.lang, "description")
	}
	kind := "qr"
	if c.action == ActionPayCash {
		kind = "cash"
		phone, ok := c.params.Str("phone")
		if !ok {
			return newError(ErrMissing, c.lang, "phone")
		}
		if !phonePattern.MatchString(phone) {
			return newError(ErrPhone, c.lang, "")
		}
	}
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p, e := s.startPayerPage(c, kind, amount, currency)
	if e != nil {
		return e
	}
	c.waitCallbacks = p.takeWait()
	return p.chargeResult()
}

// paymentPrepare prepares a PrivatPay button payment (reference §4.16):
// status prepared and a page where the payer pays. GUESS: answer the
// payment object with href, like an invoice.
func (s *Server) paymentPrepare(c *call) any {
	amount, currency, e := validateAmount(c)
	if e != nil {
		return e
	}
	if _, ok := c.params.Str("description"); !ok {
		return newError(ErrMissing, c.lang, "description")
	}
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p, e := s.startPayerPage(c, "prepare", amount, currency)
	if e != nil {
		return e
	}
	c.waitCallbacks = p.takeWait()
	return p.chargeResult()
}

// invoiceSend issues an invoice (reference §4.15) by e-mail or phone;
// invoice_bot does the same to a messenger (phone). Nothing is sent: the
// href is the page the payer would open.
func (s *Server) invoiceSend(c *call) any {
	amount, currency, e := validateAmount(c)
	if e != nil {
		return e
	}
	inv := invoice{}
	email, hasEmail := c.params.Str("email")
	phone, hasPhone := c.params.Str("phone")
	switch {
	case hasEmail && c.action == ActionInvoiceSend:
		if !strings.Contains(email, "@") || len(email) > 254 {
			return newError(ErrWrong, c.lang, "email")
		}
		inv.ReceiverType, inv.ReceiverValue = "email", email
	case hasPhone:
		if !phonePattern.MatchString(phone) {
			return newError(ErrPhone, c.lang, "")
		}
		inv.ReceiverType, inv.ReceiverValue = "phone", phone
	case c.action == ActionInvoiceBot:
		return newError(ErrMissing, c.lang, "phone")
	default:
		return newError(ErrMissing, c.lang, "email")
	}
	goods, e := parseGoods(c)
	if e != nil {
		return e
	}
	// An empty description comes back as "Invoice" (observed, §4.15).
	if _, ok := c.params.Str("description"); !ok {
		p := make(Params, len(c.params)+1)
		for k, v := range c.params {
			p[k] = v
		}
		p["description"] = "Invoice"
		c.params = p
	}
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p, e := s.startPayerPage(c, "invoice", amount, currency)
	if e != nil {
		return e
	}
	p.Invoice.ReceiverType, p.Invoice.ReceiverValue, p.Invoice.Goods = inv.ReceiverType, inv.ReceiverValue, goods
	c.waitCallbacks = p.takeWait()
	return invoiceJSON{Result: "ok", Action: p.Action, Amount: p.Amount, Currency: p.Currency,
		Description: p.Description, Href: p.href(), ID: p.ID, OrderID: p.OrderID,
		ReceiverType: inv.ReceiverType, ReceiverValue: inv.ReceiverValue, Status: p.Status, Token: p.Invoice.Token}
}

// parseGoods reads the optional goods list, as an array or a JSON string.
func parseGoods(c *call) ([]good, *apiError) {
	raw, ok := c.params["goods"]
	if !ok || raw == nil || raw == "" {
		return nil, nil
	}
	var text []byte
	if s, isStr := raw.(string); isStr {
		text = []byte(s)
	} else {
		text, _ = json.Marshal(raw)
	}
	var items []map[string]any
	if err := json.Unmarshal(text, &items); err != nil || len(items) > 100 {
		return nil, newError(ErrWrong, c.lang, "goods")
	}
	out := make([]good, 0, len(items))
	for _, it := range items {
		p := Params(it)
		a, ok := parseAmount(p.S("amount"))
		if !ok || a < 0 || p.S("name") == "" {
			return nil, newError(ErrWrong, c.lang, "goods")
		}
		out = append(out, good{Amount: a, Count: p.S("count"), Unit: p.S("unit"), Name: p.S("name")})
	}
	return out, nil
}

// invoiceCancel cancels an unpaid invoice (reference §4.15): answer
// {"result":"ok","invoice_id":…}. GUESS: the order ends as failure with
// err_code cancel (a callback goes out), so order_id becomes free again;
// a paid or already cancelled invoice is payment_err_status.
func (s *Server) invoiceCancel(c *call) any {
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		if p.Invoice == nil || p.Invoice.Kind != "invoice" || p.Status != StatusInvoiceWait {
			return newError(ErrPaymentStatus, c.lang, "")
		}
		sh.stop(p.Invoice.timer)
		s.finish(sh, p, StatusFailure, ErrCancel, c.now)
		return invoiceCancelJSON{Result: "ok", InvoiceID: p.ID}
	})
}

type invoiceCancelJSON struct {
	Result    string `json:"result"`
	InvoiceID int64  `json:"invoice_id"`
}

// unit is one entry of the invoice unit dictionary.
type unit struct {
	ID               int
	Uk, En           string
	ShortUk, ShortEn string
}

// invoiceUnitList is the dictionary of units for goods (reference §4.15
// names the actions, not the contents: GUESS, the common units of a
// Ukrainian invoice).
var invoiceUnitList = []unit{
	{1, "штука", "piece", "шт.", "pcs"},
	{2, "кілограм", "kilogram", "кг", "kg"},
	{3, "грам", "gram", "г", "g"},
	{4, "літр", "litre", "л", "l"},
	{5, "метр", "metre", "м", "m"},
	{6, "квадратний метр", "square metre", "м²", "m²"},
	{7, "година", "hour", "год.", "h"},
	{8, "послуга", "service", "посл.", "svc"},
	{9, "упаковка", "package", "уп.", "pkg"},
	{10, "комплект", "set", "компл.", "set"},
}

// invoiceUnits answers invoice_units_get_list with every language's names
// and invoice_units_get_list_by_lang with the names of language (uk, en);
// hide_name_lang=1 leaves out the long names (GUESS shapes).
func (s *Server) invoiceUnits(c *call) any {
	type full struct {
		ID      int    `json:"id"`
		NameUk  string `json:"name_uk"`
		NameEn  string `json:"name_en"`
		ShortUk string `json:"short_name_uk"`
		ShortEn string `json:"short_name_en"`
	}
	type byLang struct {
		ID        int    `json:"id"`
		Name      string `json:"name,omitempty"`
		ShortName string `json:"short_name"`
	}
	if c.action == ActionInvoiceUnits {
		out := make([]full, 0, len(invoiceUnitList))
		for _, u := range invoiceUnitList {
			out = append(out, full{u.ID, u.Uk, u.En, u.ShortUk, u.ShortEn})
		}
		return struct {
			Result string `json:"result"`
			Data   []full `json:"data"`
		}{"ok", out}
	}
	lang, ok := c.params.Str("language")
	if !ok {
		return newError(ErrMissing, c.lang, "language")
	}
	if lang != "uk" && lang != "en" {
		return newError(ErrWrong, c.lang, "language")
	}
	hide := c.params.Flag("hide_name_lang")
	out := make([]byLang, 0, len(invoiceUnitList))
	for _, u := range invoiceUnitList {
		b := byLang{ID: u.ID, Name: u.Uk, ShortName: u.ShortUk}
		if lang == "en" {
			b.Name, b.ShortName = u.En, u.ShortEn
		}
		if hide {
			b.Name = ""
		}
		out = append(out, b)
	}
	return struct {
		Result string   `json:"result"`
		Data   []byLang `json:"data"`
	}{"ok", out}
}

package liquido

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
)

// Payment links (reference §10): POST /v2/cashier/payment-link/ creates a
// link to a hosted page (Liquido's buy.liquido.com/{linkId}; mockpay's
// /liquido/buy/{linkId}) where the payer picks one of the allowed methods.
// Paying runs the very charge the API runs — test cards and scenarios for
// cards, IN_PROGRESS then settlement on the clock for Pix, boleto and the
// rest — and the link follows its charge. Notifications carry the link
// object itself, with no chargeDetails wrapper; the v2 cashier API answers
// in its own {code, message, data} envelope.

// linkMethod is one method a link may offer in allowPaymentMethods: the
// charge endpoint and paymentMethod it runs as, where it is offered, and
// its amount limits.
type linkMethod struct {
	label     string // as the limit messages name it ("Boleto")
	action    Action
	method    string
	countries []string
	// min and max are limits in minor units of the local currency (0: none).
	min, max map[string]int64
	// contact: the payer's name, phone and email are required.
	contact bool
}

// linkMethods is reference §10's table of methods and limits. Where the two
// doc revisions differ, the newer one's limits are used: PAY_CASH at most
// 20,000 MXN or 5,000,000 COP, PSE at least 1,000 COP (the older revision
// says 10,000 MXN, 3,000,000 COP and 1,500 COP).
var linkMethods = map[string]linkMethod{
	"CREDIT_CARD":      {label: "Credit card", action: ActionCard, method: MethodCreditCard, countries: []string{"BR", "MX", "CO"}},
	"PIX":              {label: "Pix", action: ActionPix, method: MethodPixDynamic, countries: []string{"BR"}},
	"BOLETO":           {label: "Boleto", action: ActionBoleto, method: MethodBoleto, countries: []string{"BR"}, min: map[string]int64{"BRL": 5_00}},
	"BANK_TRANSFER_BR": {label: "Bank transfer", action: ActionBankTransfer, method: MethodBankTransfer, countries: []string{"BR"}},
	"BANK_TRANSFER_MX": {label: "Bank transfer", action: ActionBankTransfer, method: MethodBankTransfer, countries: []string{"MX"}},
	"OXXO":             {label: "OXXO", action: ActionOXXO, method: MethodOXXO, countries: []string{"MX"}},
	"PAY_CASH": {label: "PayCash", action: ActionPayCash, method: MethodPayCash, countries: []string{"MX", "CO"},
		max: map[string]int64{"MXN": 20_000_00, "COP": 5_000_000_00}},
	"PSE":   {label: "PSE", action: ActionPSE, method: MethodPSE, countries: []string{"CO"}, min: map[string]int64{"COP": 1_000_00}, contact: true},
	"NEQUI": {label: "Nequi", action: ActionNequi, method: MethodNequi, countries: []string{"CO"}, min: map[string]int64{"COP": 1_500_00}, contact: true},
}

// linkMethodOrder lists the methods for messages, in the reference's order.
var linkMethodOrder = []string{"CREDIT_CARD", "PIX", "BOLETO", "BANK_TRANSFER_BR", "BANK_TRANSFER_MX", "OXXO", "PAY_CASH", "PSE", "NEQUI"}

// limitProblem says why amount (minor units of currency) is outside the
// method's limits, in the documented wording: "Minimum amount of Boleto is
// 5BRL." (reference §10); "" when it is within them.
func (lm linkMethod) limitProblem(amount int64, currency string) string {
	if n, ok := lm.min[currency]; ok && amount < n {
		return "Minimum amount of " + lm.label + " is " + majorUnits(n) + currency + "."
	}
	if n, ok := lm.max[currency]; ok && amount > n {
		return "Maximum amount of " + lm.label + " is " + majorUnits(n) + currency + "."
	}
	return ""
}

// majorUnits writes minor units as major ones without needless zeros: 500 → "5".
func majorUnits(n int64) string {
	if n%100 == 0 {
		return strconv.FormatInt(n/100, 10)
	}
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}

// PaymentLink is one payment link as mockpay keeps it.
type PaymentLink struct {
	ID       string
	OrderID  string
	Amount   int64
	Currency string
	Country  string
	Methods  []string // allowPaymentMethods, in the order given

	Name, Email, Phone, DocumentID  string
	BillingAddress, ShippingAddress json.RawMessage
	Metadata                        json.RawMessage
	RedirectURL, CallbackURL        string
	Description, SubMerchantID      string
	NeedCollectAddress              bool
	Status                          Status // paymentStatus
	FinalMethod                     string // the allowPaymentMethods entry the payer chose
	Created, Updated, Finished      time.Time
	ExpiresAt                       time.Time // zero: the link does not expire
	RefundAmount                    int64
	RefundStatus                    Status
	RefundTime                      time.Time
	Refunded                        bool

	payment   *Payment // the charge that pays it, once the payer chose a method
	params    testParams
	boletoDue time.Time
	expiry    *clock.Timer
	refunds   int // refund attempts, naming each refund
}

// linkJSON is the link object of notifications and the refund answer, in
// the field order of reference §10. Times are "2022-12-15 19:36:47" with a
// unix-seconds twin (reference §3).
type linkJSON struct {
	LinkID               string          `json:"linkId"`
	OrderID              string          `json:"orderId"`
	Amount               int64           `json:"amount"`
	Currency             string          `json:"currency"`
	Country              string          `json:"country"`
	PaymentStatus        Status          `json:"paymentStatus"`
	RedirectURL          string          `json:"redirectUrl"`
	CallbackURL          string          `json:"callbackUrl"`
	FinalPaymentMethod   *string         `json:"finalPaymentMethod"`
	FinalStatusTimestamp *int64          `json:"finalStatusTimestamp"`
	FinalStatusTime      LocalTime       `json:"finalStatusTime"`
	RefundAmount         int64           `json:"refundAmount"`
	RefundStatus         Status          `json:"refundStatus"`
	RefundTime           LocalTime       `json:"refundTime"`
	RefundTimestamp      *int64          `json:"refundTimestamp"`
	Name                 string          `json:"name"`
	Email                string          `json:"email"`
	Phone                string          `json:"phone"`
	DocumentID           string          `json:"documentId"`
	Description          string          `json:"description"`
	AllowPaymentMethods  []string        `json:"allowPaymentMethods"`
	BillingAddress       json.RawMessage `json:"billingAddress"`
	ShippingAddress      json.RawMessage `json:"shippingAddress"`
	Refunded             bool            `json:"refunded"`
	ExpiredTime          LocalTime       `json:"expiredTime"`
	CreateTime           LocalTime       `json:"createTime"`
	UpdateTime           LocalTime       `json:"updateTime"`
	NeedCollectAddress   bool            `json:"needCollectAddress"`
	Metadata             json.RawMessage `json:"metadata"`
	SubMerchantID        string          `json:"subMerchantId,omitempty"`
}

func unixOrNull(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	u := t.Unix()
	return &u
}

// encoded is the link object. Caller holds the merchant's lock.
func (l *PaymentLink) encoded() []byte {
	j := linkJSON{
		LinkID: l.ID, OrderID: l.OrderID, Amount: l.Amount, Currency: l.Currency, Country: l.Country,
		PaymentStatus: l.Status, RedirectURL: l.RedirectURL, CallbackURL: l.CallbackURL,
		FinalStatusTimestamp: unixOrNull(l.Finished), FinalStatusTime: LocalTime(l.Finished),
		RefundAmount: l.RefundAmount, RefundStatus: l.RefundStatus,
		RefundTime: LocalTime(l.RefundTime), RefundTimestamp: unixOrNull(l.RefundTime),
		Name: l.Name, Email: l.Email, Phone: l.Phone, DocumentID: l.DocumentID, Description: l.Description,
		AllowPaymentMethods: l.Methods, BillingAddress: l.BillingAddress, ShippingAddress: l.ShippingAddress,
		Refunded: l.Refunded, ExpiredTime: LocalTime(l.ExpiresAt), CreateTime: LocalTime(l.Created),
		UpdateTime: LocalTime(l.Updated), NeedCollectAddress: l.NeedCollectAddress, Metadata: l.Metadata,
		SubMerchantID: l.SubMerchantID,
	}
	if l.FinalMethod != "" {
		j.FinalPaymentMethod = &l.FinalMethod
	}
	return encode(j, nil)
}

// cashierJSON is the v2 cashier API's envelope: {"code": 0, "message":
// "success", "data": …} on success, the HTTP status as code on errors.
type cashierJSON struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// errCashier is an error of the v2 cashier API. The docs show the body
// {"code": 400, "message": "Minimum amount of Boleto is 5BRL."} but not the
// HTTP status (reference §14); mockpay answers with the code as the status
// too (GUESS), so clients that check either see the failure.
func errCashier(status int, message string) *apiError {
	return &apiError{status: status, shape: shapeCashier, message: message}
}

// asCashier rewrites a decoding error into the cashier envelope, one message
// naming every bad field.
func asCashier(e *apiError) *apiError {
	if len(e.fields) == 0 {
		return errCashier(e.status, e.message)
	}
	parts := make([]string, len(e.fields))
	for i, f := range e.fields {
		parts[i] = f.Message
		if f.Field != "" {
			parts[i] = f.Field + ": " + f.Message
		}
	}
	return errCashier(e.status, strings.Join(parts, "; "))
}

// linkCreateRequest is a validated POST /v2/cashier/payment-link/.
type linkCreateRequest struct {
	link PaymentLink
}

// decodeLinkCreate reads a link (reference §10's body fields).
func decodeLinkCreate(c *call) (request, *apiError) {
	body, e := decodeObject(c.body)
	if e != nil {
		return nil, asCashier(e)
	}
	f := newFields(body)
	l := PaymentLink{Status: StatusInitial, RefundStatus: StatusInitial}
	l.OrderID = f.text("orderId", true)
	if n, ok := f.long("amount", true); ok {
		switch {
		case n <= 0:
			f.fail("amount", "must be greater than 0")
		case n > maxAmount:
			f.fail("amount", fmt.Sprintf("must be at most %d", int64(maxAmount)))
		default:
			l.Amount = n
		}
	}
	l.Currency = f.text("currency", true)
	l.Country = f.text("country", true)
	cc, known := countries[l.Country]
	switch {
	case l.Country == "":
	case !known:
		f.fail("country", "must be one of "+countryList())
	case l.Currency != "" && l.Currency != cc.currency && l.Currency != "USD":
		f.fail("currency", fmt.Sprintf("%s is not accepted in %s: use %s, or USD", l.Currency, l.Country, cc.currency))
	}
	l.Methods = readLinkMethods(f, l.Country, known)

	l.Name = f.text("name", false)
	if len([]rune(l.Name)) > 50 {
		f.fail("name", "must be at most 50 characters")
	}
	l.Email = f.text("email", false)
	if len(l.Email) > 64 || l.Email != "" && !strings.Contains(l.Email, "@") {
		f.fail("email", "must be a well-formed email address of at most 64 characters")
	}
	l.Phone = f.text("phone", false)
	if l.Phone != "" && (!strings.HasPrefix(l.Phone, "+") || !phoneLike(l.Phone)) {
		f.fail("phone", "must start with + and the country calling code, such as +5511987654321")
	}
	l.DocumentID = f.text("documentId", false)
	for _, name := range []string{"billingAddress", "shippingAddress", "metadata"} {
		f.object(name, false) // must be an object when present
	}
	l.BillingAddress, l.ShippingAddress, l.Metadata = f.raw("billingAddress"), f.raw("shippingAddress"), f.raw("metadata")
	l.CallbackURL = readURL(f, "callbackUrl", false)
	l.RedirectURL = readURL(f, "redirectUrl", false)
	readURL(f, "paymentDocumentUrl", false)
	l.Description = f.text("description", false)
	// The sandbox's test parameters steer the charge the link starts, as
	// they steer an API charge (reference §16).
	l.params = readTestParams(f, l.Description, paymentFinalStatuses)
	l.NeedCollectAddress, _ = f.flag("needCollectAddress")
	l.SubMerchantID = f.text("subMerchantId", false)
	if at, ok := readUnixSeconds(f, "expiresAt"); ok {
		switch {
		case !at.After(c.now):
			f.fail("expiresAt", "must be in the future")
		case at.Sub(c.now) > 366*24*time.Hour:
			f.fail("expiresAt", "must be unix seconds at most a year from now")
		default:
			l.ExpiresAt = at
		}
	}
	boleto := f.object("paymentOptions", false).object("boleto", false)
	if at, ok := readUnixSeconds(boleto, "dueDate"); ok {
		if at.Before(c.now.Add(-24 * time.Hour)) {
			boleto.fail("dueDate", "must not be in the past")
		} else {
			l.boletoDue = at.In(brasilia)
		}
	}
	// Per-method rules (reference §10): contact details, then limits on
	// the amount in local money.
	if !f.failed() {
		local, currency := convert(l.Amount, l.Currency, l.Country)
		for _, name := range l.Methods {
			lm := linkMethods[name]
			if lm.contact && (l.Name == "" || l.Phone == "" || l.Email == "") {
				f.fail("", lm.label+" needs the payer's name, phone and email.")
			}
			if msg := lm.limitProblem(local, currency); msg != "" {
				f.fail("", msg)
			}
		}
	}
	if f.failed() {
		return nil, asCashier(errInvalid(*f.errs))
	}
	return &linkCreateRequest{link: l}, nil
}

// readLinkMethods reads allowPaymentMethods: a non-empty list of the
// methods of reference §10, each offered in the link's country, in the
// order the page shows them.
func readLinkMethods(f fields, country string, known bool) []string {
	v, ok := f.m["allowPaymentMethods"]
	list, isList := v.([]any)
	if !ok || v == nil || !isList || len(list) == 0 {
		f.fail("allowPaymentMethods", "must be a non-empty list of "+strings.Join(linkMethodOrder, ", "))
		return nil
	}
	var out []string
	for _, e := range list {
		name, _ := e.(string)
		lm, ok := linkMethods[name]
		switch {
		case !ok:
			f.fail("allowPaymentMethods", fmt.Sprintf("%v is not a payment link method: use %s", e, strings.Join(linkMethodOrder, ", ")))
		case contains(out, name):
			f.fail("allowPaymentMethods", name+" is listed twice")
		case known && !contains(lm.countries, country):
			f.fail("allowPaymentMethods", fmt.Sprintf("%s is not offered in %s (only %s)", name, country, strings.Join(lm.countries, ", ")))
		default:
			out = append(out, name)
		}
	}
	return out
}

// readUnixSeconds reads a unix time in seconds. Liquido's Spring/Jackson
// stack reads a fraction of a second (JavaScript's Date.now()/1000) and
// drops it, so mockpay does too: this is a time, not money.
func readUnixSeconds(f fields, name string) (time.Time, bool) {
	v, ok := f.m[name]
	if !ok || v == nil {
		return time.Time{}, false
	}
	var s string
	switch t := v.(type) {
	case json.Number:
		s = t.String()
	case string:
		s = strings.TrimSpace(t)
	}
	r, ok := new(big.Rat).SetString(s)
	if s == "" || len(s) > 40 || hugeExponent(s) || !ok {
		f.fail(name, "must be a unix time in seconds")
		return time.Time{}, false
	}
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncated toward zero
	if !q.IsInt64() || q.Int64() < 0 || q.Int64() > 1<<40 {
		f.fail(name, "must be a unix time in seconds")
		return time.Time{}, false
	}
	return time.Unix(q.Int64(), 0), true
}

// run creates the link: INITIAL_STATUS, waiting on its page, expiring on
// the merchant's clock at expiresAt. Creating a link is not idempotent: the
// request carries no key, and each call is a new link.
func (in *linkCreateRequest) run(s *Server, c *call) answer {
	m := c.m
	l := in.link
	l.ID = s.linkID(m)
	l.Created, l.Updated = c.now, c.now
	m.links[l.ID] = &l
	s.scheduleLinkExpiry(m, &l)
	s.publishLink(m, &l, c.now)
	return answer{code: http.StatusOK, key: l.ID, status: l.Status, body: encode(struct {
		PaymentLink string `json:"paymentLink"`
		LinkID      string `json:"linkId"`
	}{c.baseURL + "/liquido/buy/" + l.ID, l.ID}, nil)}
}

// scheduleLinkExpiry expires the link at its expiresAt, if it has one.
// Caller holds m.mu.
func (s *Server) scheduleLinkExpiry(m *merchant, l *PaymentLink) {
	if l.ExpiresAt.IsZero() {
		return
	}
	l.expiry = m.at(l.ExpiresAt, func() {
		s.expireLink(m, l, m.tenant.Clock.Now())
	})
}

// linkID is a fresh linkId, registered as the token of its page. It is
// also the idempotencyKey of the charge that pays the link, so it avoids
// the merchant's own keys. Caller holds m.mu.
func (s *Server) linkID(m *merchant) string {
	for {
		id := m.uuid()
		if m.payments[id] != nil {
			continue
		}
		s.mu.Lock()
		if _, taken := s.links[id]; !taken {
			s.links[id] = link{m: m, key: id, kind: pageBuy}
			s.mu.Unlock()
			return id
		}
		s.mu.Unlock()
	}
}

// expireLink ends a link nobody paid at expiresAt: one still waiting for a
// method becomes EXPIRED, one whose charge is still IN_PROGRESS (an unpaid
// Pix code or boleto) has that charge expire, and the link with it.
// Caller holds m.mu.
func (s *Server) expireLink(m *merchant, l *PaymentLink, now time.Time) {
	switch {
	case l.Status == StatusInitial:
		s.setLinkStatus(m, l, StatusExpired, l.RefundStatus, now)
	case l.payment != nil && l.payment.Status == StatusInProgress:
		s.setStatus(m, l.payment, StatusExpired, 0, "Payment link expired", now)
	}
}

// linkPaymentStatus is the paymentStatus a link shows for its charge's
// status: the charge's own, except that refunds are the link's
// refundStatus and leave it SETTLED.
func linkPaymentStatus(st Status) Status {
	if st == StatusRefunding || st == StatusRefunded {
		return StatusSettled
	}
	return st
}

// setLinkStatus is the one place a payment link's paymentStatus and
// refundStatus change. setStatus and setRefundStatus call it for a link's
// charge and refunds instead of sending the charge's callbacks, and link
// expiry calls it for a link nobody started paying. It stamps the times
// and sends the link notification (reference §10): CHARGE_SUCCEEDED on
// SETTLED, CHARGE_FAILED on FAILED, EXPIRED or CANCELLED (as for charges,
// a GUESS), CHARGE_CHARGED_BACK, and CHARGE_REFUND_SUCCEEDED or
// CHARGE_REFUND_FAILED when its refund ends. Caller holds m.mu.
func (s *Server) setLinkStatus(m *merchant, l *PaymentLink, pay, refund Status, now time.Time) {
	prevPay, prevRefund := l.Status, l.RefundStatus
	if pay == prevPay && refund == prevRefund {
		return
	}
	l.Status, l.RefundStatus, l.Updated = pay, refund, now
	defer s.publishLink(m, l, now) // to the ledger, while no charge speaks for the link
	if pay != prevPay && pay.final() {
		l.Finished = now
		if l.expiry != nil {
			l.expiry.Stop()
			l.expiry = nil
		}
	}
	var ev Event
	switch {
	case refund != prevRefund:
		switch refund {
		case StatusInProgress:
			l.RefundTime = now
		case StatusSettled:
			l.Refunded = true
			ev = EventChargeRefundSucceeded
		case StatusFailed:
			ev = EventChargeRefundFailed
		}
	default:
		ev = paymentEvent(prevPay, pay)
	}
	if ev != "" {
		s.notifyLink(m, l, ev)
	}
}

// notifyLink sends a link notification: {eventType, data: <link object>}
// (reference §10, §15.4), signed like every Liquido callback, to the link's
// callbackUrl or else the merchant's. Caller holds m.mu.
func (s *Server) notifyLink(m *merchant, l *PaymentLink, ev Event) {
	n := notice{
		event: ev, status: l.Status, key: l.ID, reference: l.ID, url: l.CallbackURL,
		details: l.encoded(),
		foreign: func() []byte {
			fake := *l
			fake.ID += "-foreign"
			return fake.encoded()
		},
		wrap: func(details []byte) any {
			return struct {
				EventType Event           `json:"eventType"`
				Data      json.RawMessage `json:"data"`
			}{ev, details}
		},
	}
	if ev == EventChargeRefundSucceeded || ev == EventChargeRefundFailed {
		n.status = l.RefundStatus
	}
	if l.payment != nil {
		n.rules = l.payment.CallbackRules
	}
	s.notify(m, n)
}

// linkRefundRequest is a validated POST /v2/cashier/payment-link/refund.
type linkRefundRequest struct {
	linkID   string
	amount   int64 // 0: the whole amount
	reason   string
	params   testParams
	bankInfo bool
}

func decodeLinkRefund(c *call) (request, *apiError) {
	body, e := decodeObject(c.body)
	if e != nil {
		return nil, asCashier(e)
	}
	f := newFields(body)
	in := &linkRefundRequest{}
	in.linkID = f.text("linkId", true)
	if n, ok := f.long("refundAmount", false); ok {
		if n <= 0 {
			f.fail("refundAmount", "must be greater than 0")
		}
		in.amount = n
	}
	in.reason = f.text("reason", false)
	// The refund's test parameters go in reason, the one free text of the
	// request (mockpay's convention; the docs name none for link refunds).
	in.params = readTestParams(f, in.reason, refundFinalStatuses)
	if extra := f.object("additionalInfo", false); extra.present("bankTransferAccountInfo") {
		acct := extra.object("bankTransferAccountInfo", false)
		for _, name := range []string{"bankCode", "beneficiaryName", "bankAccountNumber"} {
			acct.text(name, true)
		}
		in.bankInfo = true
	}
	if f.failed() {
		return nil, asCashier(errInvalid(*f.errs))
	}
	return in, nil
}

// run refunds a paid link: "Each payment link allows only one successful
// refund (failure can be retried), and supports partial refund" (reference
// §10). The refund answers IN_PROGRESS, as the documented answer shows, and
// settles after asyncFinalizationDelay (180 s unless reason says
// otherwise). It is an ordinary refund of the link's charge, so GET
// /v1/payments/charges/refund/{linkId}-refund-N shows it too.
func (in *linkRefundRequest) run(s *Server, c *call) answer {
	m := c.m
	l := m.links[in.linkID]
	switch {
	case l == nil:
		return failed(errCashier(http.StatusNotFound, "Payment link "+in.linkID+" not found"))
	case l.Status != StatusSettled || l.payment == nil:
		return failed(errCashier(http.StatusBadRequest, fmt.Sprintf("Payment link %s is %s: only a paid (SETTLED) payment link can be refunded", l.ID, l.Status)))
	case l.RefundStatus == StatusInProgress:
		return failed(errCashier(http.StatusBadRequest, "Payment link "+l.ID+" already has a refund in progress"))
	case l.RefundStatus == StatusSettled:
		return failed(errCashier(http.StatusBadRequest, "Payment link "+l.ID+" was already refunded: each payment link allows only one successful refund"))
	case in.amount > l.payment.refundable():
		return failed(errCashier(http.StatusBadRequest, fmt.Sprintf("refundAmount must not exceed the paid amount of %d", l.payment.refundable())))
	case l.Country == "BR" && (l.payment.Method == MethodBoleto || l.payment.Method == MethodBankTransfer) && !in.bankInfo:
		return failed(errCashier(http.StatusBadRequest, "additionalInfo.bankTransferAccountInfo must not be null: BOLETO and BANK_TRANSFER refunds are paid to this account"))
	}
	p := l.payment
	amount := in.amount
	if amount == 0 {
		amount = p.refundable()
	}
	l.refunds++
	key := fmt.Sprintf("%s-refund-%d", l.ID, l.refunds)
	for m.refunds[key] != nil {
		key += "x"
	}
	r := &Refund{
		seq: m.nextSeq(), Key: key, Payment: p, Amount: amount, Currency: p.Currency, Country: p.Country,
		Description: in.reason, Created: c.now,
	}
	m.refunds[r.Key] = r
	p.refunds = append(p.refunds, r)
	l.RefundAmount = amount
	s.setRefundStatus(m, r, StatusInProgress, 0, "", c.now)
	r.params = in.params // a state file saves them, to re-arm the finalisation
	s.scheduleRefundFinalize(m, r)
	return answer{code: http.StatusOK, key: l.ID, status: l.RefundStatus,
		body: encode(cashierJSON{Code: 0, Message: "success", Data: trimNewline(l.encoded())}, nil)}
}

func trimNewline(b []byte) []byte { return []byte(strings.TrimSuffix(string(b), "\n")) }

package liquido

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
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
		if p := amountProblem(n); p != "" {
			f.fail("amount", p)
		} else {
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
		case slices.Contains(out, name):
			f.fail("allowPaymentMethods", name+" is listed twice")
		case known && !slices.Contains(lm.countries, country):
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
	if s == "" || len(s) > 40 || notPlainNumber(s) { // checked before big.Rat reads a megabyte of digits
		f.fail(name, "must be a unix time in seconds")
		return time.Time{}, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
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

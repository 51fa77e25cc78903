package liquido

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// chargeRequest is a validated charge of any method (reference §5.1, §6).
type chargeRequest struct {
	action      Action
	key         string
	amount      int64
	currency    string
	country     string
	method      string
	flow        string
	payer       []byte // echoed back as sent
	payerName   string
	payerPhone  string
	docType     string
	orderInfo   []byte
	description string
	params      testParams
	callbackURL string
	subMerchant string
	vendor      string
	returnURL   string // merchantRedirectInfo.merchantPageUrl
	proposalID  string // paymentProposalInfo.proposalId (proposals.go)

	// card
	card         *cardInput
	cardID       string
	installments int
	capture      bool
	use3DS       bool
	site3DS      string
	// pix
	expiresAt time.Time
	// boleto
	dueDate time.Time
	// paycash
	expirationDate time.Time
	// pse
	personType  string
	institution string
	// nequi
	nequiPhone string
	// the hosted methods (hosted.go)
	hostedRedirect string

	body map[string]any // for scenarios' fields: matchers
	hash [32]byte
	// link is the payment link the charge pays (its hosted page builds the
	// request); nil for API charges.
	link *PaymentLink
}

// decodeCharge is the decoder of one charge endpoint.
func decodeCharge(a Action) decoder {
	return func(c *call) (request, *apiError) {
		body, e := decodeObject(c.body)
		if e != nil {
			return nil, e
		}
		in, e := readCharge(a, body, c.now)
		if e != nil {
			return nil, e
		}
		in.hash = fingerprint(c.m.hashKey, a, body)
		return in, nil
	}
}

// readCharge validates a charge request of endpoint a at virtual time now.
// It is pure: the fuzz target runs it directly.
func readCharge(a Action, body map[string]any, now time.Time) (*chargeRequest, *apiError) {
	f := newFields(body)
	in := &chargeRequest{action: a, body: body, capture: true}
	rule := methodRules[a]

	in.key = readKey(f, "idempotencyKey")
	if n, ok := f.long("amount", true); ok {
		if p := amountProblem(n); p != "" {
			f.fail("amount", p)
		}
		in.amount = n
	}
	in.currency = f.text("currency", true)
	in.country = f.text("country", true)
	in.method = f.text("paymentMethod", true)
	if in.method != "" && !slices.Contains(rule.methods, in.method) {
		f.fail("paymentMethod", "must be "+oneOf(rule.methods)+" on this endpoint")
	}
	cc, known := countries[in.country]
	switch {
	case in.country == "":
	case !known:
		f.fail("country", "must be one of "+countryList())
	case rule.countries != nil && !slices.Contains(rule.countries, in.country):
		f.fail("country", fmt.Sprintf("%s is not offered in %s (only %s)", string(a), in.country, strings.Join(rule.countries, ", ")))
	}
	if in.currency != "" && known && in.currency != cc.currency && in.currency != "USD" {
		f.fail("currency", fmt.Sprintf("%s is not accepted in %s: use %s, or USD", in.currency, in.country, cc.currency))
	}
	// paymentFlow is required on card charges (reference §5.1); local
	// methods' SDK requests always send DIRECT, and mockpay defaults to it.
	in.flow = f.text("paymentFlow", a == ActionCard)
	switch in.flow {
	case FlowDirect, FlowRedirect:
	case "":
		in.flow = FlowDirect
	default:
		f.fail("paymentFlow", "must be DIRECT or REDIRECT")
	}

	payer := f.object("payer", true)
	in.payer = f.raw("payer")
	readPayer(payer, in, cc, known)
	if info := f.object("orderInfo", false); info.m != nil {
		info.text("orderId", true) // "required only if orderInfo is present"
		in.orderInfo = f.raw("orderInfo")
	}
	in.description = f.text("description", false)
	if a != ActionCard {
		// "Will be ignored in card payments" (reference §16).
		in.params = readTestParams(f, in.description, paymentFinalStatuses)
	}
	in.callbackURL = readURL(f, "callbackUrl", false)
	in.subMerchant = f.text("subMerchantId", false)
	in.vendor = f.text("orchestration_vendor", false)
	if f.present("paymentProposalInfo") {
		in.proposalID = f.object("paymentProposalInfo", false).text("proposalId", true)
	}
	// riskData is accepted in both documented styles and not enforced: the
	// docs' own examples leave out the MERCHANT_* keys they require (§3.2).
	redirect := f.object("merchantRedirectInfo", false)
	in.returnURL = readURL(redirect, "merchantPageUrl", in.flow == FlowRedirect)
	if in.returnURL != "" && in.flow != FlowRedirect {
		redirect.fail("merchantPageUrl", "can only be set when paymentFlow is REDIRECT")
	}

	switch a {
	case ActionCard:
		readCardCharge(f, in)
	case ActionPix:
		// expiresAt is optional (the SDKs never send it) and may be up to
		// 7 days ahead; the docs' 3600 s minimum is not enforced, so a test
		// that already advanced the virtual clock can still send "now + 1h"
		// computed from its own wall clock.
		exp := f.object("expirationInfo", false)
		if t, ok := exp.unix("expiresAt", false); ok {
			switch {
			case !t.After(now):
				exp.fail("expiresAt", "must be in the future")
			case t.Sub(now) > 7*24*time.Hour:
				exp.fail("expiresAt", "must be at most 604800 seconds from now")
			}
			in.expiresAt = t
		}
	case ActionBoleto:
		term := f.object("paymentTerm", false)
		for _, name := range []string{"dueDate", "paymentDeadline"} {
			if t, ok := term.unix(name, false); ok && in.dueDate.IsZero() {
				t = t.In(brasilia)
				switch {
				case t.Before(now.Add(-24 * time.Hour)):
					term.fail(name, "must not be in the past")
				case t.Sub(now) > 10*365*24*time.Hour:
					term.fail(name, "must be within 10 years")
				default:
					in.dueDate = t
				}
			}
		}
		if in.docType == "" {
			payer.fail("document", "must not be null: a boleto needs the payer's CPF or CNPJ")
		}
		if in.amount > 0 && in.amount <= maxAmount && in.currency != "" {
			// The one concrete error text in Liquido's docs (reference §10).
			if final, _ := convert(in.amount, in.currency, in.country); final < 500 {
				f.fail("amount", "Minimum amount of Boleto is 5BRL.")
			} else if final > 9_999_999_999 {
				f.fail("amount", "must be at most 99999999.99 BRL for a boleto")
			}
		}
	case ActionPayCash:
		in.expirationDate = readExpirationDate(f, now)
		if recurring, _ := f.flag("recurring"); recurring {
			f.fail("recurring", "must be false: a recurring reference is created with POST /v1/payments/charges/references")
		}
	case ActionPSE:
		pse := f.object("pse", true)
		in.personType = pse.text("personType", true)
		if in.personType != "" && in.personType != "NATURAL" && in.personType != "LEGAL" {
			pse.fail("personType", "must be NATURAL or LEGAL")
		}
		in.institution = pse.text("financialInstitutionCode", true)
		if in.docType == "" {
			payer.fail("document", "must not be null: PSE needs the payer's document")
		}
	case ActionWebPay, ActionPago46, ActionServifacil, ActionFintoc, ActionPicPay:
		readHosted(f, in)
	case ActionNequi:
		nequi := f.object("nequi", false)
		in.nequiPhone = nequi.text("phone", false)
		if in.nequiPhone != "" && !phoneLike(in.nequiPhone) {
			nequi.fail("phone", "must be a phone number such as +573123456789")
		}
	}

	if f.failed() {
		return nil, errInvalid(*f.errs)
	}
	return in, nil
}

// readCardCharge reads the card-only fields (reference §5.1, §5.5–5.8).
func readCardCharge(f fields, in *chargeRequest) {
	if n, ok := f.small("installments", false); ok {
		if n < 1 || n > 48 {
			f.fail("installments", "must be between 1 and 48")
		}
		in.installments = n
	}
	if v, ok := f.flag("capture"); ok {
		in.capture = v
	}
	tds := f.object("card3dsInfo", false)
	in.use3DS, _ = tds.flag("use3ds")
	in.site3DS = readURL(tds, "merchantSite3ds", false)
	if in.use3DS && in.country != "" && in.country != "BR" && in.country != "MX" {
		tds.fail("use3ds", "3-D Secure is offered in BR and MX only")
	}
	if in.flow == FlowRedirect {
		return // the payer enters the card on the hosted page
	}
	hasCard, hasID := f.present("card"), f.present("cardId")
	switch {
	case hasCard && hasID:
		f.fail("cardId", "give either card or cardId, not both")
	case hasID:
		in.cardID = f.text("cardId", true)
	case hasCard:
		if c, ok := readCard(f.object("card", true)); ok {
			in.card = &c
		}
	default:
		f.fail("card", "must not be null when no cardId is given")
	}
}

// readPayer validates the payer object (reference §3.1, §17).
func readPayer(p fields, in *chargeRequest, cc country, known bool) {
	in.payerName = p.text("name", false)
	if in.payerName != "" && !payerName(in.payerName) {
		// "Only a combination of uppercase and lowercase letters, numbers
		// and spaces is allowed" (reference §3).
		p.fail("name", "only letters (without accents), numbers and spaces are allowed")
	}
	if email := p.text("email", false); email != "" && !strings.Contains(email, "@") {
		p.fail("email", "must be a well-formed email address")
	}
	in.payerPhone = p.text("phone", false)
	if !p.present("document") {
		return
	}
	doc := p.object("document", false)
	id := doc.text("documentId", true)
	in.docType = doc.text("type", true)
	if known && in.docType != "" && !slices.Contains(cc.documents, in.docType) {
		doc.fail("type", "must be "+oneOf(cc.documents)+" in "+in.country)
	}
	clean := docDigits(id)
	switch {
	case in.docType == "CPF" && id != "" && !digits(clean, 11, 11):
		doc.fail("documentId", "a CPF has 11 digits")
	case in.docType == "CNPJ" && id != "" && !digits(clean, 14, 14):
		doc.fail("documentId", "a CNPJ has 14 digits")
	case in.docType == "RUT" && id != "" && !validRUT(id):
		doc.fail("documentId", "a RUT has 7 or 8 digits and a valid check digit, such as 12345678-5")
	}
}

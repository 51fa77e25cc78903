package liquido

import (
	"fmt"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// banksRequest lists PSE's banks.
type banksRequest struct{}

func decodeBanks(*call) (request, *apiError) { return banksRequest{}, nil }

// beginLocal starts a local-method payment: IN_PROGRESS with its payment
// data (QR code, digitable line, reference, account), finalised on the
// merchant's clock after asyncFinalizationDelay (default 180 s) to
// finalStatus (default SETTLED), as the sandbox does (reference §16). A
// scenario's then: replaces that schedule; a scenario's other status is
// applied at once.
func (s *Server) beginLocal(c *call, p *Payment, in *chargeRequest, o scenarios.Outcome) {
	m := c.m
	p.more().page = s.link(m, p, pagePay)
	payURL := c.baseURL + "/liquido/" + pagePay.path() + "/" + p.ex().page
	threeDays := c.now.Add(72 * time.Hour)
	switch p.Action {
	case ActionPix:
		exp := in.expiresAt
		if exp.IsZero() {
			exp = c.now.Add(24 * time.Hour) // GUESS: the SDKs send no expirationInfo
		}
		p.more().pixExpiry = exp
		dynamic := p.Method == MethodPixDynamic
		target, txid, typ := pixLocation(c.baseURL, p.ex().page), "***", "DYNAMIC"
		if !dynamic {
			target, txid, typ = m.uuid(), pixTxid(p.Key), "STATIC" // a random Pix key
		}
		p.Details.set().Pix = &pixDetails{QRCode: pixCode(dynamic, target, p.FinalAmount, txid), QRCodeType: typ, ExpirationTime: UTCTime(exp)}
	case ActionBoleto:
		due := in.dueDate
		if due.IsZero() {
			due = threeDays.In(brasilia)
		}
		barcode, line := boleto(due, p.FinalAmount, m.digits(25))
		p.Details.set().Boleto = &boletoDetails{DigitalLine: line, Barcode: barcode, DueDate: Date(due)}
		p.more().pdf = s.link(m, p, fileBoleto)
	case ActionOXXO:
		p.Details.set().OXXO = &oxxoDetails{ReferenceNumber: m.digits(14), ExpirationDate: Date(threeDays.In(zone))}
	case ActionPayCash:
		exp := in.expirationDate
		if exp.IsZero() {
			exp = threeDays.In(zone)
		}
		d := &payCashDetails{ReferenceNumber: m.digits(13), ExpirationDate: Date(exp)}
		if p.Country == "CO" {
			d.Convenio = "112766"
		}
		p.Details.set().PayCash = d
	case ActionBankTransfer:
		m.refs++
		p.Details.set().BankTransfer = &bankTransferDetails{
			ExpirationTime: Time(threeDays), ReferenceNumber: fmt.Sprintf("%07d", m.refs),
			BankAccountInfo: bankTransferAccount(p.Country, m.digits(11)),
		}
	case ActionPSE:
		// paymentUrl is filled in a few seconds later: merchants must poll
		// for it (reference §6, §16).
		p.Details.set().PSE = &pseDetails{PersonType: in.personType, FinancialInstitutionCode: in.institution}
		s.schedulePSEURL(m, p, payURL)
	case ActionWebPay, ActionPago46, ActionServifacil, ActionFintoc, ActionPicPay:
		setHosted(p, payURL, in.hostedRedirect)
	case ActionNequi:
		// With a phone, Nequi pushes the payment to the app; without one the
		// payer scans a QR on a payment page (reference §6).
		d := &nequiDetails{Phone: in.nequiPhone}
		if in.nequiPhone == "" {
			d.PaymentURL = payURL
		}
		p.Details.set().Nequi = d
	}

	switch st := Status(o.Status); st {
	case "", StatusInProgress:
		s.setStatus(m, p, StatusInProgress, 0, "", c.now)
		if len(o.Then) > 0 {
			s.scheduleThen(m, p, o.Then, c.now)
		} else {
			s.scheduleFinalize(m, p, c.now)
		}
	default:
		s.setStatus(m, p, st, parseCode(o.Code), o.Message, c.now)
		s.scheduleThen(m, p, o.Then, c.now)
	}
}

// schedulePSEURL shows a PSE payment's paymentUrl pseURLDelay after it was
// created. Caller holds m.mu.
func (s *Server) schedulePSEURL(m *merchant, p *Payment, payURL string) {
	m.at(p.Created.Time().Add(pseURLDelay), func() {
		if p.Status == StatusInProgress {
			p.Details.of().PSE.PaymentURL = payURL
		}
	})
}

// pseURLDelay is how long PSE's paymentUrl takes to appear (virtual time).
const pseURLDelay = 5 * time.Second

// pixLocation is a dynamic Pix code's location: the hosted payment page,
// without the scheme as BR Codes write it. A field holds at most 77
// characters; a long host falls back to a placeholder one.
func pixLocation(baseURL, token string) string {
	loc := baseURL
	for _, prefix := range []string{"https://", "http://"} {
		if len(loc) >= len(prefix) && loc[:len(prefix)] == prefix {
			loc = loc[len(prefix):]
		}
	}
	loc += "/liquido/" + pagePay.path() + "/" + token
	if len(loc) > 77 {
		loc = "mockpay.local/liquido/" + pagePay.path() + "/" + token
	}
	return loc
}

// run lists PSE's banks (reference §4).
func (banksRequest) run(s *Server, c *call) answer {
	return answer{code: http.StatusOK, body: encode(struct {
		Data []pseBank `json:"data"`
	}{pseBanks}, nil)}
}

// boletoPDFPath is GET /v1/payments/files/boleto/pdf/{idempotencyKey}: a
// link to the boleto's PDF, {"path": …} (reference §4, the SDK's
// BoletoClient). The link carries a token, not the key: two merchants may use
// the same key, and the file itself needs no credentials.
func (s *Server) boletoPDFPath(c *call, in *keyRequest) answer {
	p := c.m.payments[in.key]
	switch {
	case p == nil:
		return failed(errPaymentNotFound(in.key))
	case p.Details.of().Boleto == nil:
		return failed(errBadRequest("Payment " + p.Key + " is not a BOLETO payment"))
	}
	if !s.decide(c, followUp(ActionRetrieve, p, nil)) {
		return answer{skip: true}
	}
	return answer{code: http.StatusOK, key: p.Key, status: p.Status, body: encode(struct {
		Path string `json:"path"`
	}{c.baseURL + "/liquido/files/boleto/" + p.ex().pdf + ".pdf"}, nil)}
}

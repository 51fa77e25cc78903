package liquido

import "strings"

// The hosted methods: Chile's WEB_PAY, PAGO46, SERVIFACIL and FINTOC, and
// Brazil's PIC_PAY. The payer is sent to a payment page (paymentUrl) and
// back to the merchant's redirectUrl; the payment stays IN_PROGRESS until
// the sandbox finalises it on the clock (finalStatus=…, reference §16) or the
// payer decides on mockpay's page.
//
// Chile (reference §6): the request carries {"webPay"|"pago46"|"servifacil"|
// "fintoc": {"redirectUrl": …}} and the answer the same key with
// {paymentUrl, redirectUrl}. PIC_PAY's request and answer were not captured;
// mockpay takes and answers {"picPay": {redirectUrl}} / {"picPay":
// {paymentUrl, redirectUrl}} like Chile's (GUESS).

// hostedDetails is a hosted method's transferDetails entry. Liquido's
// paymentUrl is https://liquido.com/gmf-apm/payments/M-<uuid>; mockpay's is
// its own payment page, where a person (or ?outcome=) decides.
type hostedDetails struct {
	PaymentURL  string `json:"paymentUrl"`
	RedirectURL string `json:"redirectUrl,omitempty"`
}

// hostedKey is the JSON key of a hosted method's object, in requests and in
// transferDetails; "" for every other endpoint.
func hostedKey(a Action) string {
	switch a {
	case ActionWebPay:
		return "webPay"
	case ActionPago46:
		return "pago46"
	case ActionServifacil:
		return "servifacil"
	case ActionFintoc:
		return "fintoc"
	case ActionPicPay:
		return "picPay"
	}
	return ""
}

// readHosted reads a hosted method's object: an optional redirectUrl, the
// page the payer returns to (the docs' examples always send it; mockpay does
// not require it, GUESS).
func readHosted(f fields, in *chargeRequest) {
	key := hostedKey(in.action)
	if key == "" {
		return
	}
	in.hostedRedirect = readURL(f.object(key, false), "redirectUrl", false)
}

// setHosted fills a hosted method's transferDetails entry. A payer who
// decides on the page goes back to redirectUrl.
func setHosted(p *Payment, payURL, redirect string) {
	d := &hostedDetails{PaymentURL: payURL, RedirectURL: redirect}
	if p.ReturnURL == "" {
		p.setCommon(func(c *PaymentCommon) { c.ReturnURL = redirect })
	}
	switch p.Action {
	case ActionWebPay:
		p.Details.set().WebPay = d
	case ActionPago46:
		p.Details.set().Pago46 = d
	case ActionServifacil:
		p.Details.set().Servifacil = d
	case ActionFintoc:
		p.Details.set().Fintoc = d
	case ActionPicPay:
		p.Details.set().PicPay = d
	}
}

// validRUT checks a Chilean RUT ("12.345.678-5", "12345678-5", "123456785"):
// 7 or 8 digits and a modulo-11 check digit (0-9 or K).
func validRUT(id string) bool {
	s := strings.ToUpper(withoutBytes(id, ".- "))
	if len(s) < 8 || len(s) > 9 {
		return false
	}
	body, dv := s[:len(s)-1], s[len(s)-1]
	sum, w := 0, 2
	for i := len(body) - 1; i >= 0; i-- {
		c := body[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * w
		if w++; w > 7 {
			w = 2
		}
	}
	want := byte('0' + (11-sum%11)%11)
	switch 11 - sum%11 {
	case 11:
		want = '0'
	case 10:
		want = 'K'
	}
	return dv == want
}

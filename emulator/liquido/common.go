package liquido

// PaymentCommon is what a merchant's payments made alike have in common:
// the endpoint, method, flow, currencies, country and URLs. Payments share
// one (sharedValues.commons) instead of keeping eleven strings each; it is
// never changed once shared — a payment whose final currency changes takes
// the shared one with the new value (price), one whose return URL is set
// later a copy of its own (setCommon). Exported for the receiver audit's
// made-up payments (internal/audit).
type PaymentCommon struct {
	Action        Action // the endpoint that created it
	Method        string // paymentMethod as sent: CREDIT_CARD and CARD are echoed as given
	Flow          string
	Currency      string
	Country       string
	FinalCurrency string
	CallbackURL   string
	SubMerchantID string
	Vendor        string
	ReturnURL     string // merchantRedirectInfo.merchantPageUrl
	baseURL       string // this server's URL as the request reached it
}

// common is c as the merchant's payments share it: no allocation when
// one is already shared. Caller holds m.mu.
func (m *merchant) common(c PaymentCommon) *PaymentCommon {
	if v, ok := m.shared.commons[c]; ok {
		return v
	}
	if len(m.shared.commons) >= sharedMax {
		clear(m.shared.commons)
	}
	v := new(PaymentCommon) // not &c: c would move to the heap on every call
	*v = c
	m.shared.commons[c] = v
	return v
}

// setCommon changes the payment's PaymentCommon with set, on a copy of its
// own: other payments may share the one it has.
func (p *Payment) setCommon(set func(*PaymentCommon)) {
	var c PaymentCommon
	if p.PaymentCommon != nil {
		c = *p.PaymentCommon
	}
	set(&c)
	p.PaymentCommon = &c
}

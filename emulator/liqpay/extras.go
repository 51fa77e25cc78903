package liqpay

// Extras are a payment's optional strings: what the request told of the
// payer and what a few flows add (OTP's masked phone, checkout's return
// page, auth's verifycode, payqr's code, the 3-D Secure page, a recurring
// payment's card_token, a scenario's err_description). Most payments have none of them,
// so they live behind one pointer, nil until one is set: it keeps a stored
// payment a quarter smaller. Embedded, so a state file names the fields
// exactly as before; read them through Payment.extras, write through
// Payment.setExtras — never p.Phone directly, which panics when nil.
type Extras struct {
	Phone        string
	IP           string
	Info         string
	Customer     string
	FirstName    string
	LastName     string
	Product      [4]string // category, description, name, url
	ConfirmPhone string
	ContinueURL  string
	Verifycode   string
	QRCode       string
	RedirectTo   string // the 3-D Secure page
	CardToken    string // issued when recurringbytoken=1
	ErrMessage   string // a scenario's own err_description
}

// setErrMessage sets a scenario's own err_description ("" for none).
func (p *Payment) setErrMessage(msg string) {
	p.setExtras(func(x *Extras) { x.ErrMessage = msg })
}

// extras returns the payment's extras, the zero value when it has none.
func (p *Payment) extras() Extras {
	if p.Extras == nil {
		return Extras{}
	}
	return *p.Extras
}

// setExtras changes the payment's extras with set, allocating them on
// the first non-empty change.
func (p *Payment) setExtras(set func(*Extras)) {
	x := p.extras()
	set(&x)
	switch {
	case p.Extras != nil:
		*p.Extras = x
	case x != Extras{}:
		p.Extras = &x
	}
}

// newExtras returns x to store, or nil when it holds nothing.
func newExtras(x Extras) *Extras {
	if x == (Extras{}) {
		return nil
	}
	return &x
}

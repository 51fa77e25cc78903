package liqpay

// Common are the fields of a payment that most of a shop's payments have
// alike: how it was asked for (action, type, paytype, API version,
// signature algorithm, public_key, currency, language, this server's URL,
// server_url)
// and the masked card. They are set when the payment is made and seldom
// change, so payments made alike share one Common (shop.common), and a
// stored payment is 240 bytes smaller for it. Embedded, so a state file
// names the fields exactly as before and code reads them as p.Currency;
// change them only through Payment.setCommon — never p.Currency = …,
// which would change every payment sharing it.
type Common struct {
	Action  string // as written back: pay, hold, auth
	Type    string // buy, hold
	Paytype string
	Version int
	Algo    SigAlgo
	// PublicKey is the shop's, or a split receiver's on its own payments.
	PublicKey string
	Currency  string
	Language  string
	BaseURL   string // this server's URL as the request reached it, for redirect_to
	ServerURL string // server_url: where its callbacks go
	Card      card
}

// maxCommons bounds how many Commons a shop shares. Past it the shop
// starts over: the payments holding the old ones keep them, and shops
// whose payments all differ (every one with another card) cost no more
// than if nothing were shared.
const maxCommons = 4096

// common returns c as the shop shares it. Caller holds sh.mu.
func (sh *shop) common(c Common) *Common {
	if shared, ok := sh.commons[c]; ok {
		return shared
	}
	if len(sh.commons) >= maxCommons {
		clear(sh.commons)
	}
	shared := &c
	sh.commons[c] = shared
	return shared
}

// setCommon changes the payment's Common with set, on a copy of its own:
// other payments may share the one it has.
func (p *Payment) setCommon(set func(*Common)) {
	var c Common
	if p.Common != nil {
		c = *p.Common
	}
	set(&c)
	p.Common = &c
}

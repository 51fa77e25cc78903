package liqpay

import "regexp"

// phonePattern is a phone LiqPay takes: 10 to 15 digits, with or without
// the leading + (+380950000001 and 380950000001 alike, reference §3).
var phonePattern = regexp.MustCompile(`^\+?[0-9]{10,15}$`)

// currencies LiqPay accepts (err_wrong_currency's own text, reference §6.2).
var currencies = map[string]bool{"UAH": true, "USD": true, "EUR": true}

// validateCharge checks a charge before anything is stored: the order, then
// the card or, instead, a card_token (paytoken needs one; with both, pay
// takes the card).
func validateCharge(c *call) (chargeInput, *apiError) {
	in, e := validateOrder(c)
	if e != nil {
		return in, e
	}
	p := c.params
	_, hasCard := p.Str("card")
	token, hasToken := p.Str("card_token")
	switch {
	case c.action == ActionPayToken && !hasToken:
		return in, newError(ErrMissing, c.lang, "card_token")
	case hasToken && (!hasCard || c.action == ActionPayToken):
		in.token = token
		return in, nil
	case !hasCard:
		return in, newError(ErrMissing, c.lang, "card")
	}
	in.card, e = validateCard(p, c.lang)
	return in, e
}

// validateCard reads card, card_exp_month, card_exp_year and card_cvv, the
// card block every card-taking action shares. A documented test card passes
// whatever its Luhn digit (LiqPay's own documentation card fails it), and is
// marked so that its expiry is not held against it.
func validateCard(p Params, lang string) (card, *apiError) {
	pan, present := p.Str("card")
	if !present {
		return card{}, newError(ErrMissing, lang, "card")
	}
	pan, ok := normalizePAN(pan)
	testCard := ok && documentedTestCards[pan]
	if !ok || (!luhn(pan) && !testCard) {
		return card{}, newError(ErrCard, lang, "")
	}
	month, year, bad := parseExpiry(p)
	if bad != "" {
		if _, present := p.Str(bad); !present {
			return card{}, newError(ErrMissing, lang, bad)
		}
		return card{}, newError(ErrWrong, lang, bad)
	}
	cvv, ok := p.Str("card_cvv")
	if !ok {
		return card{}, newError(ErrMissing, lang, "card_cvv")
	}
	if !cvvValid(cvv) {
		return card{}, newError(ErrWrong, lang, "card_cvv")
	}
	cd := describeCard(pan, month, year)
	cd.TestCard = testCard
	return cd, nil
}

// validateOrder checks what every charge needs besides the card: order_id,
// amount, currency, description, phone and server_url. Hosted checkout runs
// it when the form arrives, before the customer enters a card.
func validateOrder(c *call) (chargeInput, *apiError) {
	var in chargeInput
	var e *apiError
	if in.amount, in.currency, e = validateAmount(c); e != nil {
		return in, e
	}
	if _, ok := c.params.Str("description"); !ok {
		return in, newError(ErrMissing, c.lang, "description")
	}
	if phone, ok := c.params.Str("phone"); ok && !phonePattern.MatchString(phone) {
		return in, newError(ErrPhone, c.lang, "")
	}
	return in, nil
}

// cvvValid is 3 or 4 digits: Amex's CID has four.
func cvvValid(cvv string) bool {
	if len(cvv) < 3 || len(cvv) > 4 {
		return false
	}
	for i := 0; i < len(cvv); i++ {
		if cvv[i] < '0' || cvv[i] > '9' {
			return false
		}
	}
	return true
}

// requireOrderID checks order_id: absent (or null) is err_missing, an empty
// string order_id_empty, as LiqPay tells them apart; more than 255
// characters is err_wrong.
func requireOrderID(c *call) *apiError {
	v, present := c.params["order_id"]
	id, ok := c.params.Str("order_id")
	switch {
	case !present || v == nil:
		return newError(ErrMissing, c.lang, "order_id")
	case !ok:
		return newError(ErrOrderIDEmpty, c.lang, "")
	case len(id) > 255, !cleanID(id):
		return newError(ErrWrong, c.lang, "order_id")
	}
	return nil
}

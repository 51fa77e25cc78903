package liquido

import (
	"net/http"

	"github.com/mockpay/mockpay/scenarios"
)

// vaultRequest saves a card (reference §5.3).
type vaultRequest struct {
	country string
	card    cardInput
	body    map[string]any
}

func decodeVault(c *call) (request, *apiError) {
	body, e := decodeObject(c.body)
	if e != nil {
		return nil, e
	}
	f := newFields(body)
	in := &vaultRequest{body: body}
	in.country = f.text("country", true)
	if _, ok := countries[in.country]; in.country != "" && !ok {
		f.fail("country", "must be one of "+countryList())
	}
	in.card, _ = readCard(f.object("card", true))
	if f.failed() {
		return nil, errInvalid(*f.errs)
	}
	if expired(in.card.month, in.card.year, c.now) {
		return nil, errField("card.expirationYear", "the card has expired")
	}
	return in, nil
}

// run saves a card and returns its cardId (reference §5.3).
func (in *vaultRequest) run(s *Server, c *call) answer {
	m := c.m
	if !s.decide(c, scenarios.Request{Action: string(ActionVault), Country: in.country, Card: in.card.pan, Body: in.body}) {
		return answer{skip: true}
	}
	sc := in.card.stored()
	id := m.uuid()
	m.cards[id] = &sc
	m.cardOrder.Add(id)
	return answer{code: http.StatusOK, body: encode(vaultJSON{CardID: id, Card: sc.info}, nil), key: id}
}

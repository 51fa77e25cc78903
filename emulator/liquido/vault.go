package liquido

import (
	"net/http"

	"github.com/mockpay/mockpay/scenarios"
)

// run saves a card and returns its cardId (reference §5.3).
func (in *vaultRequest) run(s *Server, c *call) answer {
	m := c.m
	if !s.decide(c, scenarios.Request{Action: string(ActionVault), Country: in.country, Card: in.card.pan, Body: in.body}) {
		return answer{skip: true}
	}
	sc := in.card.stored()
	id := m.uuid()
	m.cards[id] = &sc
	return answer{code: http.StatusOK, body: encode(vaultJSON{CardID: id, Card: sc.info}, nil), key: id}
}

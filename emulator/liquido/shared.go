package liquido

import "encoding/json"

// sharedMax bounds each of a merchant's tables of shared values. Past it
// the table starts over: the payments holding the old values keep them, and
// a merchant whose payments all differ (every one with another payer) costs
// no more than if nothing were shared.
const sharedMax = 1024

// sharedValues is a merchant's tables of the values its payments repeat:
// the endpoint, method, currencies, country and URLs (common.go), the payer
// and order JSON, the card and its details (not the description: most
// merchants write one an order). A payment made alike to an earlier one
// points at the earlier one's copy instead of keeping its own (a stored
// payment's size is what docs/benchmarks.md, Memory, measures). What is
// shared is never changed: the payer JSON is only ever written out, and a
// storedCard, PaymentCommon or cardDetails is replaced, not changed. Part
// of the books, so a reset empties it; guarded by the merchant's lock.
type sharedValues struct {
	raws  map[string]json.RawMessage
	cards map[storedCard]*storedCard
	// commons are the PaymentCommons payments share (common.go).
	commons map[PaymentCommon]*PaymentCommon
	// cardDetails are a card charge's transferDetails.card, once final:
	// its CardInfo points into a shared storedCard, so charges of the same
	// card share one. A change (a chargeback) makes a copy.
	cardDetails map[cardDetails]*cardDetails
}

func newSharedValues() sharedValues {
	return sharedValues{raws: map[string]json.RawMessage{}, cards: map[storedCard]*storedCard{},
		commons: map[PaymentCommon]*PaymentCommon{}, cardDetails: map[cardDetails]*cardDetails{}}
}

// shareRaw is raw, or the equal JSON an earlier payment keeps. Caller holds
// m.mu.
func (m *merchant) shareRaw(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	if v, ok := m.shared.raws[string(raw)]; ok {
		return v
	}
	if len(m.shared.raws) >= sharedMax {
		clear(m.shared.raws)
	}
	m.shared.raws[string(raw)] = raw
	return raw
}

// shareCard is the card equal to c an earlier payment keeps, or a new
// one. Caller holds m.mu.
func (m *merchant) shareCard(c storedCard) *storedCard {
	if v, ok := m.shared.cards[c]; ok {
		return v
	}
	if len(m.shared.cards) >= sharedMax {
		clear(m.shared.cards)
	}
	v := new(storedCard)
	*v = c
	m.shared.cards[c] = v
	return v
}

// shareCardDetails is d, or the equal details an earlier payment keeps.
// Caller holds m.mu.
func (m *merchant) shareCardDetails(d *cardDetails) *cardDetails {
	if d == nil {
		return nil
	}
	if v, ok := m.shared.cardDetails[*d]; ok {
		return v
	}
	if len(m.shared.cardDetails) >= sharedMax {
		clear(m.shared.cardDetails)
	}
	m.shared.cardDetails[*d] = d
	return d
}

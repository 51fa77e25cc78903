package liquido

import "encoding/json"

// sharedMax bounds each of a merchant's tables of shared values: past it,
// a new value is kept by the payment alone, as before the tables.
const sharedMax = 4096

// sharedValues is a merchant's tables of the values its payments repeat:
// method, currency, country, URLs and descriptions, the payer JSON, the
// card. A payment made alike to an earlier one points at the earlier one's
// copy instead of keeping its own (a stored payment's size is what
// docs/benchmarks.md, Memory, measures). What is shared is never changed:
// strings cannot be, the payer JSON is only ever written out, and a
// storedCard is replaced, not changed. Part of the books, so a reset
// empties it; guarded by the merchant's lock.
type sharedValues struct {
	strs  map[string]string
	raws  map[string]json.RawMessage
	cards map[storedCard]*storedCard
}

func newSharedValues() sharedValues {
	return sharedValues{strs: map[string]string{}, raws: map[string]json.RawMessage{}, cards: map[storedCard]*storedCard{}}
}

// share is s, or the equal string an earlier payment keeps. Caller holds
// m.mu.
func (m *merchant) share(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := m.shared.strs[s]; ok {
		return v
	}
	if len(m.shared.strs) < sharedMax {
		m.shared.strs[s] = s
	}
	return s
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
	if len(m.shared.raws) < sharedMax {
		m.shared.raws[string(raw)] = raw
	}
	return raw
}

// shareCard is c, or the equal card an earlier payment keeps. Caller holds
// m.mu.
func (m *merchant) shareCard(c *storedCard) *storedCard {
	if c == nil {
		return nil
	}
	if v, ok := m.shared.cards[*c]; ok {
		return v
	}
	if len(m.shared.cards) < sharedMax {
		m.shared.cards[*c] = c
	}
	return c
}

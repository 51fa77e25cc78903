package ledger

import "encoding/json"

// Renderer gives a record's provider JSON — as the provider's status or
// retrieve call would answer it — from the emulator that holds it, or nil
// when it holds it no more. The ledger keeps no copy of that JSON (it was
// the larger part of a stored payment's memory): it asks at read time,
// always without holding its own lock, because the emulators publish to the
// ledger while holding their merchant locks and a renderer takes them.
type Renderer interface {
	Render(tenant, merchant, id, kind string) json.RawMessage
}

// RenderWith makes r render provider's records. Call it while wiring,
// before the ledger is read; without one, a record has no Payment.
func (l *Ledger) RenderWith(provider string, r Renderer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.renderers[provider] = r
}

// rendered fills each record's Payment from its emulator. Caller must not
// hold mu (see Renderer).
func (l *Ledger) rendered(recs []Record) {
	l.mu.Lock()
	rs := l.renderers
	l.mu.Unlock()
	for i := range recs {
		r := &recs[i]
		if rd := rs[r.Provider]; rd != nil {
			r.Payment = rd.Render(r.Tenant, r.Merchant, r.ID, r.Kind)
		}
	}
}

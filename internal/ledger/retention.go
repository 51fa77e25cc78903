package ledger

import "time"

// Expired is a payment retention would forget.
type Expired struct {
	Provider, Merchant, Tenant, ID, Kind string
}

// Expired lists, tenant by tenant and oldest first, the records past
// retention: those beyond the newest keep of their tenant (keep 0: no count
// limit) and those first published before cutoff (zero: no age limit). It
// only lists: the caller asks each record's emulator to forget it (an
// emulator keeps what is not finished) and then calls Forget. Records of
// every Kind count, payouts and payment links as much as payments.
// spared (by SpareKey) are records the caller found it must keep: they
// still count as held but are never listed, so the finished ones after
// them are.
func (l *Ledger) Expired(keep int, cutoff time.Time, spared map[string]bool) []Expired {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Expired
	for tenant, b := range l.books {
		over := 0
		if keep > 0 {
			over = len(b.byID) - keep
		}
		for _, id := range b.order {
			e := b.byID[id]
			if e == nil || spared[SpareKey(tenant, id)] {
				continue // forgotten already, or to be kept
			}
			if over <= 0 && (cutoff.IsZero() || e.born >= cutoff.UnixNano()) {
				break // creation order: every later one is younger still
			}
			over--
			l := e.rec.labels.Value()
			out = append(out, Expired{Provider: l.Provider, Merchant: l.Merchant, Tenant: tenant, ID: id, Kind: l.Kind})
		}
	}
	return out
}

// SpareKey names a record in Expired's spared set.
func SpareKey(tenant, id string) string { return tenant + "\x00" + id }

// Forget drops one record of tenant, with its history.
func (l *Ledger) Forget(tenant, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.books[tenant]
	if b == nil || b.byID[id] == nil {
		return
	}
	delete(b.byID, id)
	// Compact the creation order when forgotten ids are most of it, so it
	// stays within twice the records held.
	if len(b.order) > 64 && len(b.order) > 2*len(b.byID) {
		// An id forgotten and then used again (a Liquido idempotencyKey)
		// is in it twice: keep its first place once.
		kept, seen := make([]string, 0, len(b.byID)), make(map[string]bool, len(b.byID))
		for _, id := range b.order {
			if b.byID[id] != nil && !seen[id] {
				kept, seen[id] = append(kept, id), true
			}
		}
		b.order = kept
	}
}

package callback

import (
	"slices"
	"time"
)

// Expire forgets, for every tenant, the finished (delivered or failed)
// callbacks enqueued before cutoff in real time, as --retain-age forgets
// payments: advancing a tenant's virtual clock forgets nothing. Pending
// callbacks and those with an attempt in flight stay. It reports how many
// it forgot. The count cap (Options.MaxRecordsPerTenant) applies on its
// own, at every Enqueue.
func (d *Dispatcher) Expire(cutoff time.Time) int {
	before := cutoff.UnixNano()
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, t := range d.tenants {
		kept := t.done[:0]
		for _, r := range t.done {
			if r.born >= before || r.forgotten || r.running > 0 || r.status == StatusPending {
				kept = append(kept, r)
				continue
			}
			r.inDone, r.forgotten = false, true
			t.forgotten++
			delete(d.byID, r.id)
			n++
		}
		clear(t.done[len(kept):])
		t.done = kept
		if t.forgotten > 0 && t.forgotten >= len(t.records)/2 {
			t.records = slices.DeleteFunc(t.records, func(r *record) bool { return r.forgotten })
			t.forgotten = 0
		}
	}
	return n
}

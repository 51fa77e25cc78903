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
//
// It walks each tenant's finished callbacks in the order they finished
// and stops at the first one too young, so a sweep costs what it forgets,
// not the whole log, under the lock every delivery takes. A callback that
// finished after a younger one (retried for longer) waits for that one to
// age too: at most the difference between their ages.
func (d *Dispatcher) Expire(cutoff time.Time) int {
	before := cutoff.UnixNano()
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, t := range d.tenants {
		i := 0
		var held []*record // old ones that stay (a redelivery in flight), in order
		for ; i < len(t.done); i++ {
			r := t.done[i]
			if r.born >= before {
				break
			}
			if r.forgotten {
				r.inDone = false
				continue
			}
			if r.running > 0 || r.status == StatusPending {
				held = append(held, r)
				continue
			}
			r.inDone, r.forgotten = false, true
			t.forgotten++
			delete(d.byID, r.id)
			n++
		}
		if i == 0 {
			continue
		}
		// done[:i] is read: the held ones go just before done[i:].
		start := i - len(held)
		copy(t.done[start:i], held)
		clear(t.done[:start])
		t.done = t.done[start:]
		if t.forgotten > 0 && t.forgotten >= len(t.records)/2 {
			t.records = slices.DeleteFunc(t.records, func(r *record) bool { return r.forgotten })
			t.forgotten = 0
		}
	}
	return n
}

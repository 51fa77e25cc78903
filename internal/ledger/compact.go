package ledger

import (
	"slices"
	"time"
	"unique"
)

// The compact forms an entry keeps (ledger.go): a million stored payments
// must fit in 1 GiB with everything else mockpay holds for them.

// nanos is t as Unix nanoseconds, 0 for the zero time. A time.Time is
// 24 bytes; its monotonic reading and location mean nothing to a record.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos is nanos undone, in the local zone as time.Now gives it.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// change is a Change in 16 bytes instead of 40.
type change struct {
	at     int64 // nanos
	status unique.Handle[string]
}

// found is an entry with the id it is stored under.
type found struct {
	id string
	*entry
}

// record appends c to e's history unless it repeats the last status,
// dropping the oldest past maxChanges.
func (e *entry) record(c Change) {
	next := change{at: nanos(c.At), status: unique.Make(c.Status)}
	switch {
	case e.first == (change{}):
		e.first = next
		return
	case e.more == nil:
		if e.first.status == next.status {
			return
		}
		e.more = &[]change{next}
		return
	}
	more := *e.more
	if more[len(more)-1].status == next.status {
		return
	}
	if len(more)+1 == maxChanges {
		e.first = more[0] // before Delete shifts it away
		more = slices.Delete(more, 0, 1)
	}
	*e.more = append(more, next)
}

// changes is e's history as Changes, oldest first.
func (e *entry) changes() []Change {
	if e.first == (change{}) {
		return nil
	}
	n := 1
	if e.more != nil {
		n += len(*e.more)
	}
	out := make([]Change, 0, n)
	out = append(out, Change{At: fromNanos(e.first.at), Status: e.first.status.Value()})
	if e.more != nil {
		for _, c := range *e.more {
			out = append(out, Change{At: fromNanos(c.at), Status: c.status.Value()})
		}
	}
	return out
}

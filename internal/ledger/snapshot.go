package ledger

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// Snapshot is the ledger's whole state, for a state file (--state-file):
// payments in creation order with their history, and the clock moves.
type Snapshot struct {
	Payments []Saved           `json:"payments"`
	Moves    map[string][]Move `json:"moves,omitempty"`
}

// Saved is one payment with its history.
type Saved struct {
	Record
	Changes []Change `json:"changes"`
}

// Export copies the ledger's state out, each payment with its provider
// JSON rendered from its emulator.
func (l *Ledger) Export() Snapshot {
	s := l.export()
	recs := make([]Record, len(s.Payments))
	for i := range s.Payments {
		recs[i] = s.Payments[i].Record
	}
	l.rendered(recs)
	for i := range s.Payments {
		s.Payments[i].Record = recs[i]
	}
	return s
}

func (l *Ledger) export() Snapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	var all []found
	for _, b := range l.books {
		for id, e := range b.byID {
			all = append(all, found{id, e})
		}
	}
	slices.SortFunc(all, func(a, b found) int { return cmp.Compare(a.seq, b.seq) })
	s := Snapshot{Payments: make([]Saved, len(all)), Moves: map[string][]Move{}}
	for i, f := range all {
		s.Payments[i] = Saved{Record: f.rec.record(f.id), Changes: f.changes()}
	}
	for t, m := range l.moves {
		s.Moves[t] = slices.Clone(m)
	}
	return s
}

// Import replaces the ledger's state with s, keeping its creation order.
func (l *Ledger) Import(s Snapshot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.books, l.moves, l.seq = map[string]*book{}, maps.Clone(s.Moves), 0
	// The state file's Payment JSON is not kept: the emulators, restored
	// from the same file, render it (render.go).
	if l.moves == nil {
		l.moves = map[string][]Move{}
	}
	for _, p := range s.Payments {
		b := l.books[p.Tenant]
		if b == nil {
			b = &book{byID: map[string]*entry{}}
			l.books[p.Tenant] = b
		}
		l.seq++
		// A restored payment's age for retention counts from the restart.
		e := &entry{seq: l.seq, born: time.Now().UnixNano(), rec: store(p.Record)}
		for _, c := range p.Changes {
			e.record(c)
		}
		b.byID[p.ID] = e
		b.order = append(b.order, p.ID)
	}
	l.broadcast()
}

// Package capped bounds the maps an emulator fills as it is used — card
// tokens, vaulted cards, FX quotes, report files — that no payment
// retention covers: each keeps its keys in the order they were added, and
// past a cap the oldest go first. The owner's lock guards an Order as it
// guards the map.
package capped

import "slices"

// Order is the order keys were added to one map. The zero value is ready.
type Order struct {
	keys []string
}

// Add records key, just put in the map, as the newest.
func (o *Order) Add(key string) { o.keys = append(o.keys, key) }

// Trim drops the oldest entries of m while it holds more than max (max 0
// or less: no cap). live, if not nil, names entries that must stay however
// old (something may still happen to them); they keep their place and the
// next oldest goes instead. drop, if not nil, is called for each entry
// before it leaves m, to remove what hangs off it. Keys the map no longer
// holds (removed by the owner) are skipped, and compacted away once they
// are most of the order, so the order stays within about twice the map.
// A key removed and then added again counts from its first place.
func Trim[V any](o *Order, m map[string]V, max int, live func(string, V) bool, drop func(string, V)) int {
	n := 0
	if max > 0 && len(m) > max && len(o.keys) < len(m) {
		// Entries put in without Add (restored from a state file) count
		// as the oldest, in key order.
		in := make(map[string]bool, len(o.keys))
		for _, key := range o.keys {
			in[key] = true
		}
		var missing []string
		for key := range m {
			if !in[key] {
				missing = append(missing, key)
			}
		}
		slices.Sort(missing)
		o.keys = append(missing, o.keys...)
	}
	if max > 0 && len(m) > max {
		kept := o.keys[:0]
		for i, key := range o.keys {
			v, held := m[key]
			switch {
			case !held:
				continue
			case len(m) <= max:
				kept = append(kept, o.keys[i:]...)
				o.keys = kept
				return n
			case live != nil && live(key, v):
				kept = append(kept, key)
				continue
			}
			if drop != nil {
				drop(key, v)
			}
			delete(m, key)
			n++
		}
		o.keys = kept
	}
	if len(o.keys) > 64 && len(o.keys) > 2*len(m) {
		seen := make(map[string]bool, len(m))
		o.keys = slices.DeleteFunc(o.keys, func(key string) bool {
			_, held := m[key]
			dup := seen[key]
			seen[key] = true
			return !held || dup
		})
	}
	return n
}

// Len is how many keys the order holds, stale ones included (for tests).
func (o *Order) Len() int { return len(o.keys) }

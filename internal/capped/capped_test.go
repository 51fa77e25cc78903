package capped

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTrim(t *testing.T) {
	cases := []struct {
		name    string
		added   []string // Add order; each also put in the map
		removed []string // taken out of the map by the owner
		extra   []string // in the map without Add (a restore)
		live    []string
		max     int
		want    []string // left in the map, sorted
		dropped int
	}{
		{name: "under the cap", added: []string{"a", "b"}, max: 3, want: []string{"a", "b"}},
		{name: "no cap", added: []string{"a", "b", "c"}, max: 0, want: []string{"a", "b", "c"}},
		{name: "oldest go first", added: []string{"a", "b", "c", "d", "e"}, max: 2, want: []string{"d", "e"}, dropped: 3},
		{name: "live ones stay, the next oldest goes", added: []string{"a", "b", "c", "d"}, live: []string{"a"}, max: 2,
			want: []string{"a", "d"}, dropped: 2},
		{name: "all live: over the cap", added: []string{"a", "b", "c"}, live: []string{"a", "b", "c"}, max: 1,
			want: []string{"a", "b", "c"}},
		{name: "removed keys are skipped", added: []string{"a", "b", "c", "d"}, removed: []string{"a", "b"}, max: 1,
			want: []string{"d"}, dropped: 1},
		{name: "restored entries are the oldest", added: []string{"x", "y"}, extra: []string{"b", "a"}, max: 2,
			want: []string{"x", "y"}, dropped: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var o Order
			m := map[string]int{}
			for i, k := range tc.added {
				m[k] = i
				o.Add(k)
			}
			for _, k := range tc.removed {
				delete(m, k)
			}
			for _, k := range tc.extra {
				m[k] = -1
			}
			var dropped []string
			n := Trim(&o, m, tc.max, func(k string, _ int) bool { return slices.Contains(tc.live, k) },
				func(k string, _ int) { dropped = append(dropped, k) })
			var got []string
			for k := range m {
				got = append(got, k)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("left (-want +got):\n%s", diff)
			}
			if n != tc.dropped || len(dropped) != tc.dropped {
				t.Errorf("dropped %d (%v), want %d", n, dropped, tc.dropped)
			}
		})
	}
}

// Keys added and removed over and over never pile up in the order.
func TestTrimCompactsTheOrder(t *testing.T) {
	var o Order
	m := map[string]int{}
	for i := range 10_000 {
		k := fmt.Sprint(i)
		m[k] = i
		o.Add(k)
		if i%2 == 0 {
			delete(m, k) // the owner removed it (a token deleted)
		}
		Trim(&o, m, 100, nil, nil)
	}
	if len(m) != 100 || o.Len() > 2*len(m)+64 {
		t.Errorf("map %d, order %d: the order outgrew the map", len(m), o.Len())
	}
}

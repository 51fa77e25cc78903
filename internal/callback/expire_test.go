package callback

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Expire forgets finished callbacks enqueued before the cutoff (real
// time), in every tenant, and keeps pending ones however old.
func TestExpireForgetsOldFinishedCallbacks(t *testing.T) {
	cases := []struct {
		name   string
		cutoff func(enqueued time.Time) time.Time
		want   func(waiting, failed string, delivered []string) []string
		gone   int
	}{
		{"cutoff before everything: nothing goes", func(e time.Time) time.Time { return e.Add(-time.Hour) },
			func(w, f string, d []string) []string { return append([]string{w, f}, d...) }, 0},
		{"cutoff after everything: only the pending one stays", func(e time.Time) time.Time { return e.Add(time.Hour) },
			func(w, _ string, _ []string) []string { return []string{w} }, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock(t)
			d := newDispatcher(t, Options{Policy: Policy{Timeout: time.Second, Backoff: []time.Duration{}}})
			ok, refused := newReceiver(t, statuses(200)), refusedURL(t)
			enqueued := time.Now()
			waiting := d.Enqueue(clk, Request{Tenant: "a", URL: ok.URL, Delay: time.Hour})
			failed := d.Enqueue(clk, Request{Tenant: "a", URL: refused})
			delivered := []string{d.Enqueue(clk, Request{Tenant: "a", URL: ok.URL}), d.Enqueue(clk, Request{Tenant: "b", URL: ok.URL}),
				d.Enqueue(clk, Request{Tenant: "b", URL: ok.URL})}
			settle(t, d, "")
			if st := get(t, d, failed).Status; st != StatusFailed {
				t.Fatalf("the refused callback is %s", st)
			}
			if n := d.Expire(tc.cutoff(enqueued)); n != tc.gone {
				t.Errorf("Expire forgot %d, want %d", n, tc.gone)
			}
			var got []string
			for _, cb := range d.List(Filter{}) {
				got = append(got, cb.ID)
			}
			want := tc.want(waiting, failed, delivered)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
			for _, id := range append([]string{failed}, delivered...) {
				if _, found := d.Get(id); found != (len(want) > 1) {
					t.Errorf("Get(%s) found %v", id, found)
				}
			}
			// The pending one is still delivered when due; it can go later.
			clk.Advance(time.Hour)
			settle(t, d, "")
			if st := get(t, d, waiting).Status; st != StatusDelivered {
				t.Errorf("the waiting callback is %s after its hour", st)
			}
			if n := d.Expire(time.Now().Add(time.Second)); n != 5-tc.gone {
				t.Errorf("a later Expire forgot %d, want %d", n, 5-tc.gone)
			}
			if got := d.List(Filter{}); len(got) != 0 {
				t.Errorf("%d callbacks left", len(got))
			}
		})
	}
}

// A cutoff between two batches forgets the older batch only, in every
// tenant, and leaves the log's count and Get consistent.
func TestExpireBetweenBatches(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{})
	ok := newReceiver(t, statuses(200))
	var old, young []string
	for _, tenant := range []string{"a", "b", "a"} {
		old = append(old, d.Enqueue(clk, Request{Tenant: tenant, URL: ok.URL}))
	}
	settle(t, d, "")
	time.Sleep(5 * time.Millisecond) // real time is what ages a callback
	mid := time.Now()
	time.Sleep(5 * time.Millisecond)
	for _, tenant := range []string{"b", "a"} {
		young = append(young, d.Enqueue(clk, Request{Tenant: tenant, URL: ok.URL}))
	}
	settle(t, d, "")
	if n := d.Expire(mid); n != len(old) {
		t.Errorf("Expire forgot %d, want %d", n, len(old))
	}
	var got []string
	for _, cb := range d.List(Filter{}) {
		got = append(got, cb.ID)
	}
	if diff := cmp.Diff(young, got); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if n := d.Expire(mid); n != 0 {
		t.Errorf("Expire again forgot %d", n)
	}
}

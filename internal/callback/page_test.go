package callback

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPageWalksBackFromTheNewest(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{Policy: Policy{Backoff: []time.Duration{}}})
	ok := newReceiver(t, statuses(200))
	var ids []string
	for range 5 {
		ids = append(ids, d.Enqueue(clk, Request{Tenant: "liqpay:a", Provider: "liqpay", URL: ok.URL}))
	}
	other := d.Enqueue(clk, Request{Tenant: "liqpay:b", Provider: "liqpay", URL: ok.URL})
	settle(t, d, "")

	tests := []struct {
		name          string
		offset, limit int
		want          []string
		total         int
	}{
		{"the newest two", 0, 2, ids[3:], 5},
		{"the two before them", 2, 2, ids[1:3], 5},
		{"the last page is short", 4, 2, ids[:1], 5},
		{"past the end", 9, 2, nil, 5},
		{"no limit", 1, 0, ids[:4], 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, total := d.Page(Filter{Tenant: "liqpay:a"}, tc.offset, tc.limit)
			var got []string
			for _, cb := range page {
				got = append(got, cb.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" || total != tc.total {
				t.Errorf("total %d, want %d; ids (-want +got):\n%s", total, tc.total, diff)
			}
		})
	}
	if page, total := d.Page(Filter{}, 0, 1); total != 6 || len(page) != 1 || page[0].ID != other {
		t.Errorf("across tenants: total %d, page %v; want 6 and the newest, %s", total, page, other)
	}
}

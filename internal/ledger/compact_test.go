package ledger

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A stored record is kept compact (compact.go); what Find and List give
// back must be what was published.

func TestHistoryKeepsEachNewStatusOnce(t *testing.T) {
	tests := []struct {
		name     string
		statuses []string
		want     []string
	}{
		{"one", []string{"success"}, []string{"success"}},
		{"repeats are one change", []string{"processing", "processing", "success", "success"}, []string{"processing", "success"}},
		{"back and forth", []string{"hold_wait", "success", "reversed", "success"}, []string{"hold_wait", "success", "reversed", "success"}},
		{"an empty status is a status", []string{"", "success"}, []string{"", "success"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New()
			for i, st := range tt.statuses {
				r := rec("a", "1", st, t0)
				r.Updated = t0.Add(time.Duration(i) * time.Second)
				l.Publish(r)
			}
			found := l.Find("1", nil)
			if len(found) != 1 {
				t.Fatalf("found %d payments", len(found))
			}
			var got []string
			for _, c := range found[0].Changes {
				got = append(got, c.Status)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHistoryIsCapped: past maxChanges the oldest changes go, the newest
// stay in order with their times.
func TestHistoryIsCapped(t *testing.T) {
	l := New()
	n := maxChanges + 5
	for i := range n {
		r := rec("a", "1", fmt.Sprintf("s%d", i), t0)
		r.Updated = t0.Add(time.Duration(i) * time.Second)
		l.Publish(r)
	}
	changes := l.Find("1", nil)[0].Changes
	if len(changes) != maxChanges {
		t.Fatalf("%d changes kept, want %d", len(changes), maxChanges)
	}
	for i, c := range changes {
		j := n - maxChanges + i
		if want := (Change{At: t0.Add(time.Duration(j) * time.Second), Status: fmt.Sprintf("s%d", j)}); c.Status != want.Status || !c.At.Equal(want.At) {
			t.Fatalf("change %d is %+v, want %+v", i, c, want)
		}
	}
}

// TestRecordReadsAsPublished: every field, the zero time and a Kind too.
func TestRecordReadsAsPublished(t *testing.T) {
	want := Record{Provider: "liquido", Merchant: "m", Tenant: "t", ID: "k-1", OrderID: "k-1", Status: "IN_PROGRESS",
		Amount: 1234, Currency: "BRL", Created: time.Unix(1_700_000_000, 987654321), Updated: time.Unix(1_700_000_001, 1), Kind: "payout"}
	zero := Record{Provider: "liqpay", Tenant: "t", ID: "7", Status: "success"}
	l := New()
	l.Publish(want)
	l.Publish(zero)
	for _, w := range []Record{want, zero} {
		got := l.Find(w.ID, []string{"t"})[0].Record
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("record %s (-published +read):\n%s", w.ID, diff)
		}
		if got.Created.IsZero() != w.Created.IsZero() {
			t.Errorf("record %s: created %v, published %v", w.ID, got.Created, w.Created)
		}
	}
}

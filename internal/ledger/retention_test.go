package ledger

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestExpiredListsTheOldestBeyondTheLimits(t *testing.T) {
	l := New()
	for i := range 5 {
		l.Publish(Record{Provider: "liqpay", Merchant: "m", Tenant: "a", ID: fmt.Sprint(i), Status: "success"})
	}
	l.Publish(Record{Provider: "liqpay", Merchant: "n", Tenant: "b", ID: "x", Status: "success"})
	ids := func(ex []Expired) []string {
		var out []string
		for _, e := range ex {
			out = append(out, e.Tenant+"/"+e.ID)
		}
		return out
	}
	if diff := cmp.Diff([]string{"a/0", "a/1"}, ids(l.Expired(3, time.Time{}, nil))); diff != "" {
		t.Errorf("keep 3 (-want +got):\n%s", diff)
	}
	if got := l.Expired(0, time.Time{}, nil); got != nil {
		t.Errorf("no limits: %v", got)
	}
	if got := len(l.Expired(0, time.Now().Add(time.Minute), nil)); got != 6 {
		t.Errorf("everything older than a minute from now: %d, want 6", got)
	}
	if got := l.Expired(0, time.Now().Add(-time.Minute), nil); got != nil {
		t.Errorf("nothing is a minute old: %v", got)
	}
	l.Forget("a", "0")
	l.Forget("a", "1")
	if diff := cmp.Diff([]string{"a/2"}, ids(l.Expired(2, time.Time{}, nil))); diff != "" {
		t.Errorf("after forgetting two (-want +got):\n%s", diff)
	}
	if got := l.Find("0", nil); len(got) != 0 {
		t.Errorf("a forgotten payment is still found: %v", got)
	}
}

func TestForgetKeepsTheOrderBounded(t *testing.T) {
	l := New()
	for i := range 1000 {
		l.Publish(Record{Tenant: "a", ID: fmt.Sprint(i)})
		if i >= 10 {
			l.Forget("a", fmt.Sprint(i-10))
		}
	}
	if n := len(l.books["a"].order); n > 2*10+64 {
		t.Errorf("order holds %d ids for 10 records", n)
	}
	if diff := cmp.Diff([]string{"990", "991"}, func() []string {
		var out []string
		for _, e := range l.Expired(8, time.Time{}, nil) {
			out = append(out, e.ID)
		}
		return out
	}()); diff != "" {
		t.Errorf("oldest after compaction (-want +got):\n%s", diff)
	}
}

func TestExpiredPassesOverSparedRecords(t *testing.T) {
	l := New()
	for i := range 4 {
		l.Publish(Record{Tenant: "a", ID: fmt.Sprint(i)})
	}
	got := l.Expired(2, time.Time{}, map[string]bool{SpareKey("a", "0"): true})
	var ids []string
	for _, e := range got {
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff([]string{"1", "2"}, ids); diff != "" {
		t.Errorf("4 held, keep 2, the oldest spared (-want +got):\n%s", diff)
	}
}

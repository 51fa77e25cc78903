package ledger

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func rec(tenant, id, status string, created time.Time) Record {
	return Record{Provider: "liqpay", Tenant: tenant, Merchant: tenant, ID: id, OrderID: "o-" + id, Status: status,
		Created: created, Updated: created}
}

func ids(rs []Record) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Tenant+"/"+r.ID+"/"+r.Status)
	}
	return out
}

func TestListFiltersAndPages(t *testing.T) {
	l := New()
	l.Publish(rec("a", "1", "success", t0))
	l.Publish(rec("b", "1", "failure", t0.Add(time.Minute)))
	l.Publish(rec("a", "2", "processing", t0.Add(2*time.Minute)))
	l.Publish(rec("a", "2", "success", t0.Add(3*time.Minute))) // a change, not a new payment

	for _, tc := range []struct {
		name          string
		f             Filter
		offset, limit int
		want          []string
		total         int
	}{
		{"all, newest first", Filter{}, 0, 10, []string{"a/2/success", "b/1/failure", "a/1/success"}, 3},
		{"tenant", Filter{Tenants: []string{"a"}}, 0, 10, []string{"a/2/success", "a/1/success"}, 2},
		{"no tenant of those", Filter{Tenants: []string{}}, 0, 10, []string{}, 0},
		{"status", Filter{Status: "failure"}, 0, 10, []string{"b/1/failure"}, 1},
		{"order", Filter{OrderID: "o-2"}, 0, 10, []string{"a/2/success"}, 1},
		{"from", Filter{From: t0.Add(time.Minute)}, 0, 10, []string{"a/2/success", "b/1/failure"}, 2},
		{"to", Filter{To: t0}, 0, 10, []string{"a/1/success"}, 1},
		{"paged", Filter{}, 1, 1, []string{"b/1/failure"}, 3},
		{"past the end", Filter{}, 5, 1, []string{}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total := l.List(tc.f, tc.offset, tc.limit)
			if diff := cmp.Diff(tc.want, ids(got)); diff != "" || total != tc.total {
				t.Errorf("total %d (want %d)\n%s", total, tc.total, diff)
			}
		})
	}
	found := l.Find("2", []string{"a"})
	if len(found) != 1 {
		t.Fatalf("Find: %v", found)
	}
	want := []Change{{At: t0.Add(2 * time.Minute), Status: "processing"}, {At: t0.Add(3 * time.Minute), Status: "success"}}
	if diff := cmp.Diff(want, found[0].Changes); diff != "" {
		t.Error(diff)
	}
	if n := len(l.Find("1", nil)); n != 2 {
		t.Errorf("Find across tenants: %d, want 2", n)
	}
	if diff := cmp.Diff(map[string]int{"liqpay": 3}, l.Count()); diff != "" {
		t.Error(diff)
	}
}

func TestChangedBroadcastsAndResetTenant(t *testing.T) {
	l := New()
	ch := l.Changed()
	select {
	case <-ch:
		t.Fatal("closed before any change")
	default:
	}
	l.Publish(rec("a", "1", "success", t0))
	select {
	case <-ch:
	default:
		t.Fatal("Publish did not wake the waiters")
	}
	l.Publish(rec("b", "1", "success", t0))
	l.ClockMoved("a", t0, t0.Add(time.Hour), "advance")
	l.ClockMoved("a", t0, t0, "advance") // no move
	if n := len(l.Moves("a", t0)); n != 1 {
		t.Errorf("moves: %d, want 1", n)
	}
	ch = l.Changed()
	l.ResetTenant("a")
	select {
	case <-ch:
	default:
		t.Fatal("ResetTenant did not wake the waiters")
	}
	if got, _ := l.List(Filter{}, 0, 10); fmt.Sprint(ids(got)) != "[b/1/success]" || len(l.Moves("a", t0)) != 0 {
		t.Errorf("after ResetTenant(a): %v, moves %v", ids(got), l.Moves("a", t0))
	}
	l.ResetTenant("")
	if got, _ := l.List(Filter{}, 0, 10); len(got) != 0 {
		t.Errorf("after ResetTenant(\"\"): %v", ids(got))
	}
}

func TestExportImport(t *testing.T) {
	l := New()
	l.Publish(rec("a", "1", "processing", t0))
	l.Publish(rec("a", "1", "success", t0.Add(time.Second)))
	l.Publish(rec("b", "7", "failure", t0.Add(time.Minute)))
	l.ClockMoved("a", t0, t0.Add(time.Hour), "set")
	snap := l.Export()

	restored := New()
	restored.Import(snap)
	if diff := cmp.Diff(snap, restored.Export()); diff != "" {
		t.Error(diff)
	}
	got, _ := restored.List(Filter{}, 0, 10)
	if diff := cmp.Diff([]string{"b/7/failure", "a/1/success"}, ids(got)); diff != "" {
		t.Errorf("order after import: %s", diff)
	}
}

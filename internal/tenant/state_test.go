package tenant

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStateRoundTrip(t *testing.T) {
	wall := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	src := NewRegistry(1, wall)
	defer src.Close()
	a := src.Add("liqpay", "a")
	src.Add("liquido", "b")
	a.Clock.Advance(90 * time.Minute)
	before := a.Fake.UUID()
	raw, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}

	dst := NewRegistry(1, wall)
	defer dst.Close()
	da := dst.Add("liqpay", "a")
	db := dst.Add("liquido", "b")
	if err := dst.Restore(raw); err != nil {
		t.Fatal(err)
	}
	got := map[string]time.Duration{"a": da.Clock.Offset(), "b": db.Clock.Offset()}
	if diff := cmp.Diff(map[string]time.Duration{"a": 90 * time.Minute, "b": 0}, got); diff != "" {
		t.Errorf("offsets (-want +got):\n%s", diff)
	}
	// Generated values move on to a new sequence: the first value after a
	// restore is not the first value of the run before it.
	if da.Fake.UUID() == before {
		t.Error("the restored tenant repeats the values generated before the restore")
	}
	// Restored twice from the same file, the sequence is the same: runs repeat.
	again := NewRegistry(1, wall)
	defer again.Close()
	ga := again.Add("liqpay", "a")
	_ = again.Restore(raw)
	dst2 := NewRegistry(1, wall)
	defer dst2.Close()
	ga2 := dst2.Add("liqpay", "a")
	_ = dst2.Restore(raw)
	if ga.Fake.UUID() != ga2.Fake.UUID() {
		t.Error("two restores of one file generate different values")
	}
	if err := dst.Restore([]byte(`{"clocks": 5}`)); err == nil {
		t.Error("a malformed section restored without an error")
	}
}

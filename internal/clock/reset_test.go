package clock

import (
	"testing"
	"time"
)

func TestResetDropsTimersAndOffset(t *testing.T) {
	wall := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	v := New(func() time.Time { return wall })
	defer v.Close()
	fired := 0
	v.After(time.Minute, func() { fired++ })
	v.Advance(30 * time.Second)
	v.Reset()
	if got := v.Offset(); got != 0 {
		t.Errorf("offset after reset = %v, want 0", got)
	}
	if got := v.Pending(); got != 0 {
		t.Errorf("pending after reset = %d, want 0", got)
	}
	v.Advance(time.Hour)
	if fired != 0 {
		t.Errorf("a timer scheduled before the reset fired %d times", fired)
	}
	// The clock still works after a reset.
	v.After(time.Second, func() { fired++ })
	v.Advance(time.Second)
	if fired != 1 {
		t.Errorf("a timer scheduled after the reset fired %d times, want 1", fired)
	}
}

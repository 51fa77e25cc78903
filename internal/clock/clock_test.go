package clock_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/clock"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// frozen is a wall clock that never moves, so only Advance changes Now.
func frozen() time.Time { return t0 }

func TestAdvanceRunsDueTimersInOrderAtTheirOwnTimes(t *testing.T) {
	c := clock.New(frozen)
	defer c.Close()
	var mu sync.Mutex
	var got []string
	record := func(name string) func() {
		return func() {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, name+"@"+c.Now().Sub(t0).String())
		}
	}
	c.At(t0.Add(3*time.Second), record("c"))
	c.At(t0.Add(1*time.Second), record("a"))
	c.At(t0.Add(2*time.Second), record("b1"))
	c.At(t0.Add(2*time.Second), record("b2")) // same time: insertion order
	c.At(t0.Add(time.Hour), record("late"))

	c.Advance(3 * time.Second)
	want := []string{"a@1s", "b1@2s", "b2@2s", "c@3s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("fired (-want +got):\n%s", diff)
	}
	if c.Now() != t0.Add(3*time.Second) {
		t.Fatalf("Now = %v, want t0+3s", c.Now())
	}
	if c.Pending() != 1 {
		t.Fatalf("Pending = %d, want 1", c.Pending())
	}
}

func TestTimersScheduledByTimersRunWithinTheSameAdvance(t *testing.T) {
	c := clock.New(frozen)
	defer c.Close()
	var at []time.Duration
	var retry func()
	retry = func() {
		at = append(at, c.Now().Sub(t0))
		if len(at) < 3 {
			c.After(5*time.Second, retry)
		}
	}
	c.After(time.Second, retry)
	c.Advance(time.Minute)
	if diff := cmp.Diff([]time.Duration{time.Second, 6 * time.Second, 11 * time.Second}, at); diff != "" {
		t.Fatalf("retry chain (-want +got):\n%s", diff)
	}
	if got := c.Now().Sub(t0); got != time.Minute {
		t.Fatalf("clock ends at +%v, want +1m", got)
	}
}

func TestStopCancelsATimer(t *testing.T) {
	c := clock.New(frozen)
	defer c.Close()
	fired := false
	tm := c.After(time.Second, func() { fired = true })
	if !tm.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	if tm.Stop() {
		t.Fatal("second Stop reported true")
	}
	c.Advance(time.Hour)
	if fired {
		t.Fatal("stopped timer fired")
	}
}

func TestTimersFireAsRealTimePasses(t *testing.T) {
	c := clock.New(nil)
	defer c.Close()
	done := make(chan struct{})
	c.After(10*time.Millisecond, func() { close(done) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("timer did not fire on wall time")
	}
}

func TestNegativeAdvanceIsIgnoredAndCloseReportsPending(t *testing.T) {
	c := clock.New(frozen)
	c.Advance(-time.Hour)
	if c.Now() != t0 {
		t.Fatalf("Now moved backwards: %v", c.Now())
	}
	c.After(time.Hour, func() {})
	c.After(2*time.Hour, func() {})
	if n := c.Close(); n != 2 {
		t.Fatalf("Close reported %d pending, want 2", n)
	}
	if n := c.Close(); n != 0 {
		t.Fatalf("second Close reported %d", n)
	}
}

func TestConcurrentSchedulingAndAdvancing(t *testing.T) {
	c := clock.New(frozen)
	defer c.Close()
	var mu sync.Mutex
	fired := 0
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			c.At(t0.Add(time.Duration(i)*time.Millisecond), func() { mu.Lock(); fired++; mu.Unlock() })
		}(i)
		go func() { defer wg.Done(); _ = c.Now() }()
	}
	wg.Wait()
	c.Advance(time.Second)
	if fired != 50 {
		t.Fatalf("fired %d of 50", fired)
	}
}

func TestAdvanceToAndNextDue(t *testing.T) {
	c := clock.New(frozen)
	defer c.Close()
	if _, ok := c.NextDue(); ok {
		t.Fatal("NextDue with no timers reported one")
	}
	fired := false
	c.At(t0.Add(time.Minute), func() { fired = true })
	if due, ok := c.NextDue(); !ok || !due.Equal(t0.Add(time.Minute)) {
		t.Fatalf("NextDue = %v, %v", due, ok)
	}
	c.AdvanceTo(t0.Add(time.Minute))
	if !fired || !c.Now().Equal(t0.Add(time.Minute)) {
		t.Fatalf("AdvanceTo: fired=%v now=%v", fired, c.Now())
	}
	c.AdvanceTo(t0) // the past: no change
	if !c.Now().Equal(t0.Add(time.Minute)) {
		t.Fatalf("AdvanceTo the past moved the clock to %v", c.Now())
	}
}

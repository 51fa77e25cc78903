// Package clock holds mockpay's virtual clock: a wall clock shifted by an
// offset that tests can advance, plus timers that fire on virtual time.
//
// Everything that expires or waits in mockpay (verification steps, callback
// retries, scheduled transitions) is a timer on a tenant's clock, so a test
// moves time forward with Advance instead of sleeping. The package knows
// nothing about payments or providers.
package clock

import (
	"container/heap"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Clock is what most of mockpay needs: the current virtual time.
type Clock interface {
	Now() time.Time
}

// Virtual is a clock that runs at wall-clock speed from an adjustable offset.
// Timers fire in due order, either as real time passes (a background
// goroutine) or synchronously inside Advance. The zero value is not usable;
// call New.
type Virtual struct {
	wall func() time.Time

	mu      sync.Mutex
	offset  time.Duration
	timers  timerHeap
	seq     uint64        // insertion order breaks ties between equal due times
	wake    chan struct{} // pokes the background loop when the earliest timer changes
	stop    chan struct{}
	stopped bool

	// fireMu serialises timer execution, so a timer never runs concurrently
	// with another timer of the same clock or with an Advance.
	fireMu sync.Mutex
}

// New returns a running virtual clock reading wall time from wall (time.Now
// when nil). Close stops its background goroutine.
func New(wall func() time.Time) *Virtual {
	if wall == nil {
		wall = time.Now
	}
	v := &Virtual{wall: wall, wake: make(chan struct{}, 1), stop: make(chan struct{})}
	go v.loop()
	return v
}

// Now returns wall time plus the accumulated offset.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.wall().Add(v.offset)
}

// Offset reports how far the clock has been advanced beyond wall time.
func (v *Virtual) Offset() time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.offset
}

// Timer is a handle to a scheduled function.
type Timer struct {
	at       time.Time
	seq      uint64
	fn       func()
	index    int // position in the heap, -1 once fired or cancelled
	clock    *Virtual
	canceled bool
}

// When reports the virtual time the timer is due.
func (t *Timer) When() time.Time { return t.at }

// Stop cancels the timer; it reports whether the timer was still pending.
func (t *Timer) Stop() bool {
	v := t.clock
	v.mu.Lock()
	defer v.mu.Unlock()
	if t.index < 0 || t.canceled {
		return false
	}
	t.canceled = true
	heap.Remove(&v.timers, t.index)
	return true
}

// At schedules fn to run once the virtual time reaches at. A time already
// past runs at the next opportunity. fn runs on the clock's goroutine (or the
// goroutine calling Advance) and must not call Advance itself.
func (v *Virtual) At(at time.Time, fn func()) *Timer {
	v.mu.Lock()
	v.seq++
	t := &Timer{at: at, seq: v.seq, fn: fn, clock: v}
	heap.Push(&v.timers, t)
	first := v.timers[0] == t
	v.mu.Unlock()
	if first {
		v.poke()
	}
	return t
}

// After schedules fn to run d from now on the virtual clock.
func (v *Virtual) After(d time.Duration, fn func()) *Timer {
	return v.At(v.Now().Add(d), fn)
}

// Pending reports how many timers are waiting.
func (v *Virtual) Pending() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.timers)
}

// Advance moves the clock forward by d (negative durations are ignored) and
// runs, in due order, every timer that falls due up to the new time before
// returning. Timers scheduled by those timers are run too when they fall due
// within the window, each observing Now() equal to its own due time, so a
// retry chain "fires at t+1s, reschedules at t+6s" plays out exactly.
func (v *Virtual) Advance(d time.Duration) time.Time {
	if d < 0 {
		d = 0
	}
	v.fireMu.Lock()
	defer v.fireMu.Unlock()
	v.mu.Lock()
	target := v.wall().Add(v.offset + d)
	v.mu.Unlock()
	v.runUntil(target)
	return v.Now()
}

// AdvanceTo moves the clock forward to t, like Advance; a t already passed
// changes nothing.
func (v *Virtual) AdvanceTo(t time.Time) time.Time {
	v.fireMu.Lock()
	defer v.fireMu.Unlock()
	v.mu.Lock()
	now := v.wall().Add(v.offset)
	v.mu.Unlock()
	if t.After(now) {
		v.runUntil(t)
	}
	return v.Now()
}

// NextDue reports when the earliest pending timer is due.
func (v *Virtual) NextDue() (time.Time, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.timers) == 0 {
		return time.Time{}, false
	}
	return v.timers[0].at, true
}

// runUntil fires every timer due up to target and leaves the clock at
// target. Caller holds fireMu.
func (v *Virtual) runUntil(target time.Time) {
	for {
		v.mu.Lock()
		if len(v.timers) == 0 || v.timers[0].at.After(target) {
			// Land exactly on target: the wall clock may have moved while
			// timers ran, so recompute the offset from it.
			v.offset = target.Sub(v.wall())
			v.mu.Unlock()
			break
		}
		t := heap.Pop(&v.timers).(*Timer)
		// Step the clock to the timer's due time so that it (and anything it
		// schedules relative to Now) sees the moment it was due.
		if now := v.wall().Add(v.offset); t.at.After(now) {
			v.offset = t.at.Sub(v.wall())
		}
		v.mu.Unlock()
		run(t)
	}
	v.poke()
}

// Close stops the background goroutine; pending timers are dropped and
// reported in the return value.
func (v *Virtual) Close() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.stopped {
		return 0
	}
	v.stopped = true
	close(v.stop)
	n := len(v.timers)
	for _, t := range v.timers {
		t.index = -1 // so a later Stop finds it gone instead of indexing an empty heap
	}
	v.timers = nil
	return n
}

func (v *Virtual) poke() {
	select {
	case v.wake <- struct{}{}:
	default:
	}
}

// loop fires timers as wall time reaches them.
func (v *Virtual) loop() {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		v.mu.Lock()
		wait := time.Hour
		if len(v.timers) > 0 {
			wait = v.timers[0].at.Sub(v.wall().Add(v.offset))
		}
		v.mu.Unlock()
		if wait <= 0 {
			v.fireDue()
			continue
		}
		t.Reset(wait)
		select {
		case <-v.stop:
			return
		case <-v.wake:
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		case <-t.C:
		}
	}
}

// fireDue runs every timer whose due time has passed, in order.
func (v *Virtual) fireDue() {
	v.fireMu.Lock()
	defer v.fireMu.Unlock()
	for {
		v.mu.Lock()
		if v.stopped || len(v.timers) == 0 || v.timers[0].at.After(v.wall().Add(v.offset)) {
			v.mu.Unlock()
			return
		}
		t := heap.Pop(&v.timers).(*Timer)
		v.mu.Unlock()
		run(t)
	}
}

// run fires a timer. A panicking timer is a bug in mockpay; it is logged and
// the clock goes on, rather than taking the whole server down with it.
func run(t *Timer) {
	defer func() {
		if v := recover(); v != nil {
			slog.Error("clock timer panicked", "panic", v, "stack", string(debug.Stack()))
		}
	}()
	t.fn()
}

type timerHeap []*Timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}

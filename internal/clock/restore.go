package clock

import "time"

// RestoreOffset sets how far the clock runs ahead of wall time, as a state
// file saved it. Unlike Advance it runs no timers: the parts being restored
// re-arm theirs afterwards, and whatever fell due while mockpay was stopped
// fires on the clock's own loop.
func (v *Virtual) RestoreOffset(d time.Duration) {
	v.mu.Lock()
	v.offset = d
	v.mu.Unlock()
	v.poke()
}

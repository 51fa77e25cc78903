package clock

// Reset drops every pending timer and puts the clock back on wall time
// (offset zero), as a fresh clock would be. It waits for a timer that is
// running to finish, so nothing scheduled before the reset fires after it.
func (v *Virtual) Reset() {
	v.fireMu.Lock()
	defer v.fireMu.Unlock()
	v.mu.Lock()
	for _, t := range v.timers {
		t.index = -1
		t.canceled = true
	}
	v.timers = nil
	v.offset = 0
	v.mu.Unlock()
	v.poke()
}

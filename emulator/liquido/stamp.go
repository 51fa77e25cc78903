package liquido

import "time"

// Stamp is a stored payment's time as Unix nanoseconds: 8 bytes where a
// time.Time takes 24 (its monotonic reading and location mean nothing to a
// stored payment). The zero Stamp is the zero time. A state file keeps
// time.Time (paymentRecord), so it reads as before.
type Stamp int64

// StampAt is t as a Stamp.
func StampAt(t time.Time) Stamp {
	if t.IsZero() {
		return 0
	}
	return Stamp(t.UnixNano())
}

// Time is s as a time.Time, in the local zone as time.Now gives it.
func (s Stamp) Time() time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(s))
}

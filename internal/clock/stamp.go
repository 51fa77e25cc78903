package clock

import (
	"encoding/json"
	"time"
)

// Stamp is a stored time as Unix nanoseconds: 8 bytes where a time.Time
// takes 24 (its monotonic reading and location mean nothing to a stored
// payment, which keeps several). The zero Stamp is the zero time. In JSON
// it is what a time.Time is, so a state file reads as before.
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

// MarshalJSON writes s as a time.Time would be written.
func (s Stamp) MarshalJSON() ([]byte, error) { return json.Marshal(s.Time()) }

// UnmarshalJSON reads s as a time.Time.
func (s *Stamp) UnmarshalJSON(raw []byte) error {
	var t time.Time
	if err := json.Unmarshal(raw, &t); err != nil {
		return err
	}
	*s = StampAt(t)
	return nil
}

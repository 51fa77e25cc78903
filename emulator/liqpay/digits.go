package liqpay

import (
	"encoding/json"
	"fmt"
)

// Digits is a short string of decimal digits — an authcode (6) or an RRN
// (13) — packed in 8 bytes: its length in the top 5 bits, its value in
// the rest. As a string it would be a 16-byte header and an allocation of
// its own, on every stored payment. The zero Digits is "". In JSON it is
// the string, so a state file reads as before.
type Digits uint64

// maxDigits is the most Digits holds: 10^17 fits in the 59 value bits.
const maxDigits = 17

// digitsOf packs s, which must be at most maxDigits decimal digits.
func digitsOf(s string) (Digits, error) {
	if len(s) > maxDigits {
		return 0, fmt.Errorf("%q: more than %d digits", s, maxDigits)
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q: not digits", s)
		}
		v = v*10 + uint64(s[i]-'0')
	}
	return Digits(uint64(len(s))<<59 | v), nil
}

// digitCode makes up n random digits as shop.digits does — the same draws
// from the tenant's faker, so a seeded run makes the same codes — packed
// without making a string; n is at most maxDigits. Caller holds sh.mu.
func (sh *shop) digitCode(n int) Digits {
	n = min(n, maxDigits)
	var v uint64
	for range n {
		v = v*10 + uint64(sh.tenant.Fake.IntRange(0, 9))
	}
	return Digits(uint64(n)<<59 | v)
}

// String is d with its leading zeros, in one allocation.
func (d Digits) String() string {
	n := int(d >> 59)
	if n == 0 {
		return ""
	}
	var buf [maxDigits]byte
	v := uint64(d) & (1<<59 - 1)
	for i := n - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return string(buf[:n])
}

// MarshalJSON writes d as its string.
func (d Digits) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads d from its string.
func (d *Digits) UnmarshalJSON(raw []byte) error {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	v, err := digitsOf(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

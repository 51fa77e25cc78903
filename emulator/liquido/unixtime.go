package liquido

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"time"
)

// Which request numbers are strict and which are tolerant, and why.
//
// Money (amount, refund and capture amounts, installments) is read by
// fields.long: a whole number or nothing. A fraction of a minor unit is
// refused, never rounded, because rounding would change what is charged.
//
// Unix times (Pix expirationInfo.expiresAt, boleto paymentTerm.dueDate and
// paymentTerm.paymentDeadline) are read as UnixSeconds: Liquido's
// Spring/Jackson stack binds them to a long with Jackson's default
// ACCEPT_FLOAT_AS_INT, which truncates a fraction, so a client that sends
// JavaScript's Date.now()/1000 (1700000000.123) is accepted there and must be
// accepted here. The fraction is dropped toward zero, as Java's (long) cast
// of a double does.

// UnixSeconds is a request's unix time in whole seconds, read as Jackson reads
// a long: a JSON number, with or without a fraction (truncated), or a numeric
// text ("1700000000", "1700000000.5").
type UnixSeconds int64

var errUnixSeconds = errors.New("must be a unix time in seconds")

// UnmarshalJSON reads the number; anything else (a boolean, an object, a
// text that is not a number, a value out of int64 range) is an error.
func (u *UnixSeconds) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return errUnixSeconds
		}
		s = strings.TrimSpace(s)
	}
	n, ok := truncateNumber(s)
	if !ok {
		return errUnixSeconds
	}
	*u = UnixSeconds(n)
	return nil
}

// Time is the instant.
func (u UnixSeconds) Time() time.Time { return time.Unix(int64(u), 0) }

// truncateNumber reads a decimal number and drops its fraction toward zero.
// Exponents of more than two digits are refused (see notPlainNumber).
func truncateNumber(s string) (int64, bool) {
	if s == "" || len(s) > 40 || notPlainNumber(s) || strings.Trim(s, "+-.0123456789eE") != "" {
		return 0, false // big.Rat would also take "1/2", "0x1p4" and "1_000"
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	q := new(big.Int).Quo(r.Num(), r.Denom()) // Quo truncates toward zero
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// unix reads a unix-time field (see UnixSeconds). The zero time and false
// mean absent or refused; a refusal is reported on the field.
func (f fields) unix(name string, required bool) (time.Time, bool) {
	v, ok := f.m[name]
	if !ok || v == nil {
		if required {
			f.fail(name, "must not be null")
		}
		return time.Time{}, false
	}
	var raw []byte
	switch t := v.(type) {
	case json.Number:
		raw = []byte(t.String())
	case string:
		raw, _ = json.Marshal(t)
	default:
		f.fail(name, errUnixSeconds.Error())
		return time.Time{}, false
	}
	var u UnixSeconds
	if err := u.UnmarshalJSON(raw); err != nil {
		f.fail(name, errUnixSeconds.Error())
		return time.Time{}, false
	}
	return u.Time(), true
}

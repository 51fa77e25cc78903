package liquido

import (
	"encoding/json"
	"time"
)

// Liquido writes its timestamps as text in several shapes, none of them ISO
// 8601 (reference §3, §18.9). Each shape is one small type here.

// zone is the offset Liquido's timestamps carry. The docs show GMT-08:00 in
// March and GMT-07:00 in September (US Pacific time with daylight saving);
// mockpay writes every time in a fixed GMT-08:00 — one offset, no tz database,
// the same answer all year. Merchants parse the offset, so any fixed one works.
var zone = time.FixedZone("GMT-08:00", -8*60*60)

// Time is a payment timestamp: "2022-03-01 17:53:18 GMT-08:00". The zero
// time is null (finalStatusTime before a payment is final).
type Time time.Time

// TimeLayout is Time's Go layout; "GMT" is a literal, "-07:00" the offset.
const TimeLayout = "2006-01-02 15:04:05 GMT-07:00"

// MarshalJSON writes the time in Liquido's layout and zone.
func (t Time) MarshalJSON() ([]byte, error) {
	return quoted(time.Time(t), TimeLayout, zone), nil
}

// UTCTime is Pix's expirationTime: "2023-09-22 11:01:27 UTC" (reference §6).
type UTCTime time.Time

// MarshalJSON writes the time in UTC with a literal "UTC" suffix.
func (t UTCTime) MarshalJSON() ([]byte, error) {
	return quoted(time.Time(t), "2006-01-02 15:04:05 UTC", time.UTC), nil
}

// LocalTime is PayCash's paymentTime: "2022-09-06 00:21:20", no zone
// (reference §6); mockpay writes it in Time's zone.
type LocalTime time.Time

// MarshalJSON writes the time without a zone.
func (t LocalTime) MarshalJSON() ([]byte, error) {
	return quoted(time.Time(t), "2006-01-02 15:04:05", zone), nil
}

// Date is a calendar day: PayCash's expirationDate "2022-09-30" (reference
// §6). It is written in the zone the time carries — the day the merchant
// meant — not converted.
type Date time.Time

// MarshalJSON writes the day.
func (t Date) MarshalJSON() ([]byte, error) {
	return quoted(time.Time(t), "2006-01-02", time.Time(t).Location()), nil
}

// brasilia is Brazil's official time (UTC−3, no daylight saving since
// 2019): a boleto falls due on a Brazilian calendar day.
var brasilia = time.FixedZone("BRT", -3*60*60)

func quoted(t time.Time, layout string, loc *time.Location) []byte {
	if t.IsZero() {
		return []byte("null")
	}
	// Appended into one buffer: an answer has several times, and
	// formatting then quoting cost three allocations each.
	b := make([]byte, 0, len(layout)+10)
	b = append(b, '"')
	b = t.In(loc).AppendFormat(b, layout)
	return append(b, '"')
}

// The UnmarshalJSON methods read the timestamps back as MarshalJSON wrote
// them, for payments restored from a state file.

func (t *Time) UnmarshalJSON(b []byte) error {
	return parseQuoted(b, TimeLayout, zone, (*time.Time)(t))
}

func (t *UTCTime) UnmarshalJSON(b []byte) error {
	return parseQuoted(b, "2006-01-02 15:04:05 UTC", time.UTC, (*time.Time)(t))
}

func (t *LocalTime) UnmarshalJSON(b []byte) error {
	return parseQuoted(b, "2006-01-02 15:04:05", zone, (*time.Time)(t))
}

func (t *Date) UnmarshalJSON(b []byte) error {
	return parseQuoted(b, "2006-01-02", time.UTC, (*time.Time)(t))
}

func parseQuoted(b []byte, layout string, loc *time.Location, out *time.Time) error {
	if string(b) == "null" {
		*out = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return err
	}
	*out = t
	return nil
}

package liquido

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// Number texts big.Rat reads but Jackson does not are refused, and a
// megabyte of digits is refused before anything reads it.
func TestNumberTextsLiquidoRefuses(t *testing.T) {
	huge := strings.Repeat("9", 1_000_000)
	for _, tc := range []struct {
		name string
		read func(f fields) bool
		in   any
	}{
		{"payout amount in hex", func(f fields) bool { return readPayoutAmount(f) != 0 }, "0x10"},
		{"payout amount as a fraction", func(f fields) bool { return readPayoutAmount(f) != 0 }, "300/3"},
		{"payout amount with underscores", func(f fields) bool { return readPayoutAmount(f) != 0 }, "1_000"},
		{"payout amount of a megabyte", func(f fields) bool { return readPayoutAmount(f) != 0 }, huge},
		{"expiresAt of a megabyte (text)", func(f fields) bool { _, ok := readUnixSeconds(f, "amount"); return ok }, huge},
		{"expiresAt of a megabyte (number)", func(f fields) bool { _, ok := readUnixSeconds(f, "amount"); return ok }, json.Number(huge)},
		{"expiresAt in hex", func(f fields) bool { _, ok := readUnixSeconds(f, "amount"); return ok }, "0x7fffffff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs []FieldError
			f := fields{m: map[string]any{"amount": tc.in}, errs: &errs}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			accepted := tc.read(f)
			runtime.ReadMemStats(&after)
			if accepted || len(errs) == 0 {
				t.Errorf("accepted (errors %v)", errs)
			}
			// big.Rat would build a number of the megabyte's size.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<10 {
				t.Errorf("reading it allocated %d bytes", grew)
			}
		})
	}
	for _, s := range []string{"0x10", "1/2", "1_000", "0x1p4"} {
		if n, ok := parseWhole(s); ok {
			t.Errorf("parseWhole(%q) = %d, want refused", s, n)
		}
	}
}

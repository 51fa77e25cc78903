package liqpay

import (
	"strconv"
	"strings"
	"testing"
)

// decimalByStrings is how decimal was written before appendDecimal: the
// reference it must keep matching.
func decimalByStrings(n, unit int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n/unit, 10)
	if frac := n % unit; frac != 0 {
		f := strconv.FormatInt(frac+unit, 10)[1:]
		s += "." + strings.TrimRight(f, "0")
	} else {
		s += ".0"
	}
	if neg {
		s = "-" + s
	}
	return s
}

func TestDecimalMatchesTheStringForm(t *testing.T) {
	for _, n := range []int64{0, 1, 5, 10, 99, 100, 101, 734, 300, -1, -734, -300, 123456789, 1 << 40, -(1 << 40)} {
		for _, unit := range []int64{100, 10000} {
			if got, want := decimal(n, unit), decimalByStrings(n, unit); got != want {
				t.Errorf("decimal(%d, %d) = %q, want %q", n, unit, got, want)
			}
		}
		if b, _ := Amount(n).MarshalJSON(); string(b) != decimalByStrings(n, 100) {
			t.Errorf("Amount(%d) = %s", n, b)
		}
		if b, _ := Money4(n).MarshalJSON(); string(b) != decimalByStrings(n, 10000) {
			t.Errorf("Money4(%d) = %s", n, b)
		}
	}
}

func FuzzDecimal(f *testing.F) {
	f.Add(int64(734))
	f.Fuzz(func(t *testing.T, n int64) {
		for _, unit := range []int64{100, 10000} {
			if got, want := decimal(n, unit), decimalByStrings(n, unit); got != want {
				t.Errorf("decimal(%d, %d) = %q, want %q", n, unit, got, want)
			}
		}
	})
}

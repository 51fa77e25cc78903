package liqpay

import (
	"math/big"
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

// parseAmountByRat is parseAmount without its plain-text fast path.
func parseAmountByRat(s string) (Amount, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 || strings.Trim(s, "+-.0123456789eE") != "" {
		return 0, false
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 && len(strings.TrimLeft(s[i+1:], "+-")) > 2 {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	r.Mul(r, big.NewRat(100, 1))
	neg := r.Sign() < 0
	r.Abs(r)
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if !q.IsInt64() || q.Int64() > 1e15 {
		return 0, false
	}
	if neg {
		return Amount(-q.Int64()), true
	}
	return Amount(q.Int64()), true
}

func FuzzParseAmountMatchesRat(f *testing.F) {
	for _, s := range []string{"1", "7.34", "100.00", "-5.5", "0", "-0", "007", "3.", ".5", "1.005", "1e2", "+3", "9999999999999.99", "99999999999999", "1/3", "0x10", " 5 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gok := parseAmount(s)
		want, wok := parseAmountByRat(s)
		if got != want || gok != wok {
			t.Errorf("parseAmount(%q) = %d, %v; by big.Rat %d, %v", s, got, gok, want, wok)
		}
	})
}

package liquido

import (
	"math/big"
	"strings"
	"testing"
)

func FuzzWithoutBytesMatchesReplacer(f *testing.F) {
	for _, s := range []string{"422.433.091-14", "11.222.333/0001-81", "+55 (11) 98765-4321", "plain", "", "\xff.-", "é.é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cut := range []string{".-/ ", " -()", ".- "} {
			olds := []string{}
			for _, c := range cut {
				olds = append(olds, string(c), "")
			}
			if got, want := withoutBytes(s, cut), strings.NewReplacer(olds...).Replace(s); got != want {
				t.Errorf("withoutBytes(%q, %q) = %q, the replacer gives %q", s, cut, got, want)
			}
		}
	})
}

func FuzzParseWholeMatchesRat(f *testing.F) {
	for _, s := range []string{"300", "-7", "06", "-0", "300.0", "3e2", "999999999999999999", "9223372036854775807", "-9223372036854775808", "--1", "+1", "1/2", "0x10", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gok := parseWhole(s)
		want, wok := parseWholeByRat(s)
		if got != want || gok != wok {
			t.Errorf("parseWhole(%q) = %d, %v; by big.Rat %d, %v", s, got, gok, want, wok)
		}
	})
}

// parseWholeByRat is parseWhole without its plain-number fast path.
func parseWholeByRat(s string) (int64, bool) {
	if s == "" || len(s) > 40 || notPlainNumber(s) {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

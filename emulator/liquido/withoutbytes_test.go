package liquido

import (
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

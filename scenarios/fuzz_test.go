package scenarios_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/scenarios"
)

// FuzzParse throws arbitrary bytes at the loader. Whatever the input, Parse
// must not panic, and its answer must be one CI and editors can use: a set
// whose every scenario is named and has a known provider, or positioned
// errors, in file order.
//
// In CI: go test ./scenarios/ -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	for _, tt := range errorCases {
		f.Add([]byte(tt.file))
	}
	fixtures, err := filepath.Glob(filepath.Join("testdata", "*", "*.yaml"))
	if err != nil || len(fixtures) == 0 {
		f.Fatalf("no fixtures in testdata: %v", err)
	}
	for _, path := range fixtures {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(liqpay.TestCardScenarios())

	vocabs := append(append([]scenarios.Vocabulary(nil), vocab...), liqpay.Vocabulary())
	known := map[string]bool{}
	for _, v := range vocabs {
		known[v.Provider] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := scenarios.Parse("fuzz.yaml", data, vocabs)
		if err != nil {
			if set != nil {
				t.Errorf("Parse returned a set along with errors")
			}
			var es scenarios.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("Parse returned %T %v, want non-empty scenarios.Errors", err, err)
			}
			for i, e := range es {
				if e.Line < 1 || e.Column < 1 || e.File != "fuzz.yaml" || e.Msg == "" {
					t.Errorf("error %d is not positioned: %#v", i, e)
				}
				if i > 0 && (e.Line < es[i-1].Line || (e.Line == es[i-1].Line && e.Column < es[i-1].Column)) {
					t.Errorf("errors out of order: %v before %v", es[i-1], e)
				}
			}
			return
		}
		if set == nil {
			t.Fatal("Parse returned neither a set nor an error")
		}
		names := map[string]bool{}
		for _, sc := range set.Scenarios {
			if sc.Name == "" || !known[sc.Provider] || sc.Line < 1 {
				t.Errorf("scenario without name, known provider or line: %q %q line %d", sc.Name, sc.Provider, sc.Line)
			}
			if names[sc.Name] {
				t.Errorf("scenario name %q twice in a valid set", sc.Name)
			}
			names[sc.Name] = true
		}
	})
}

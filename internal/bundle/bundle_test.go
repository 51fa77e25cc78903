package bundle_test

import (
	"strings"
	"testing"

	"github.com/mockpay/mockpay/internal/bundle"
)

func TestReadRefusesWhatIsNotABundle(t *testing.T) {
	t.Parallel()
	ok := `"format":"mockpay-bundle","version":1,"provider":"liqpay","merchant":"m","tenant":"liqpay:m","state":{}`
	tests := []struct {
		name, doc, want string
	}{
		{"not JSON", `{"log":`, "not a HAR file"},
		{"HAR 1.1", `{"log":{"version":"1.1","_mockpay":{` + ok + `}}}`, `HAR version "1.1"`},
		{"a browser's HAR", `{"log":{"version":"1.2","entries":[]}}`, "not a mockpay bundle"},
		{"another format", `{"log":{"version":"1.2","_mockpay":{"format":"x"}}}`, `format "x"`},
		{"a later version", `{"log":{"version":"1.2","_mockpay":{"format":"mockpay-bundle","version":2}}}`, "bundle version 2"},
		{"no merchant", `{"log":{"version":"1.2","_mockpay":{"format":"mockpay-bundle","version":1,"provider":"liqpay"}}}`, "names no merchant"},
		{"tenant mismatch", `{"log":{"version":"1.2","_mockpay":{"format":"mockpay-bundle","version":1,"provider":"liqpay","merchant":"m","tenant":"liquido:m","state":{}}}}`, "is not liqpay:m"},
		{"no state", `{"log":{"version":"1.2","_mockpay":{"format":"mockpay-bundle","version":1,"provider":"liqpay","merchant":"m","tenant":"liqpay:m"}}}`, "state is missing"},
		{"good", `{"log":{"version":"1.2","_mockpay":{` + ok + `}}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := bundle.Read(strings.NewReader(tt.doc))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Read: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Read: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

package bundle

import (
	"bytes"
	"testing"
)

// Read decodes files a person hands to mockpay replay: whatever they hold,
// it answers a bundle or an error, never a panic, and a bundle it accepts
// names its merchant consistently.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `{"log":{"version":"1.2"}}`,
		`{"log":{"version":"1.2","_mockpay":{"format":"mockpay-bundle","version":1,"provider":"liqpay","merchant":"m","tenant":"liqpay:m","state":{}}}}`,
		`{"log":{"version":"1.2","_mockpay":{"format":"mockpay-bundle","version":1,"provider":"liquido","merchant":"c","tenant":"liquido:x","state":{"a":1}}}}`,
		"{\"log\":{\"version\":\"1.2\",\"entries\":[{\"request\":{\"url\":\"\\u0000\"}}]}}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		run := h.Log.Mockpay
		if run == nil || run.Tenant != run.Provider+":"+run.Merchant || len(run.State) == 0 {
			t.Fatalf("Read accepted an inconsistent bundle: %+v", run)
		}
	})
}

package liquido_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/emulator/liquido"
)

// Tax withholding is per merchant (reference §12): on for the built-in
// default merchant unless turned off, off for others unless turned on.
func TestTaxWithholdingPerMerchant(t *testing.T) {
	on, off := true, false
	tests := []struct {
		name     string
		setting  *bool
		m        merchant
		country  string
		wantFin  float64
		wantsTax bool
	}{
		{"default merchant, unset", nil, merchantA, "CO", 10200, true},
		{"default merchant, turned off", &off, merchantA, "CO", 10000, false},
		{"other merchant, unset", nil, merchantB, "CO", 10000, false},
		{"other merchant, turned on", &on, merchantB, "CO", 10200, true},
		{"other merchant, on, outside Colombia", &on, merchantB, "MX", 10000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *liquido.Options) {
				for i := range o.Merchants {
					o.Merchants[i].TaxWithholding = tt.setting
				}
			})
			code, body := e.call(tt.m, http.MethodPost, "/v1/payments/charges/card", cardCharge("tax-1", tt.country, "4242424242424242"))
			if code != http.StatusOK {
				t.Fatalf("charge: %d %s", code, body)
			}
			var got struct {
				FinalAmount   float64         `json:"finalAmount"`
				AmountDetails json.RawMessage `json:"amountDetails"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantFin, got.FinalAmount); diff != "" {
				t.Errorf("finalAmount (-want +got):\n%s", diff)
			}
			if hasTax := len(got.AmountDetails) > 0 && string(got.AmountDetails) != "null"; hasTax != tt.wantsTax {
				t.Errorf("amountDetails = %s, want tax details: %v", got.AmountDetails, tt.wantsTax)
			}
		})
	}
}

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// observedSuccess is the real sandbox answer to pay with 4242424242424242
// (reference §2.5, captured 2022-10-27); mockpay's answer must have every
// key with the same JSON type, and the same value where nothing varies.
const observedSuccess = `{"result":"ok","payment_id":2119469003,"action":"pay","status":"success","version":3,"type":"buy","paytype":"card",
 "public_key":"sandbox_i21602756917","acq_id":414963,"order_id":"849dd691-dd04-4090-a80a-6e4d08f03c7c",
 "liqpay_order_id":"RKPDC8KK1666883724572810","description":"Product 2454","sender_card_mask2":"424242*42",
 "sender_card_bank":"Test","sender_card_type":"visa","sender_card_country":804,"amount":3.0,"currency":"UAH",
 "sender_commission":0.0,"receiver_commission":0.05,"agent_commission":0.0,"amount_debit":3.0,"amount_credit":3.0,
 "commission_debit":0.0,"commission_credit":0.05,"currency_debit":"UAH","currency_credit":"UAH","sender_bonus":0.0,
 "amount_bonus":0.0,"mpi_eci":"7","is_3ds":false,"language":"uk","create_date":1666883724575,"end_date":1666883724656,
 "transaction_id":2119469003}`

// bashRecipe is the request every LiqPay documentation page shows, with
// the hash as a parameter (sha1, or sha3-256 for version 7).
const bashRecipe = `DATA=$(printf '%s' "$JSON" | base64 -w0)
SIGNATURE=$(printf '%s' "$PRIVATE_KEY$DATA$PRIVATE_KEY" | openssl dgst -binary -HASH | base64)
curl -s -XPOST "$API_URL" --data-urlencode data="$DATA" --data-urlencode signature="$SIGNATURE"
`

func TestBashRecipeFromTheDocs(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "openssl", "base64"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipUnlessCI(t, "the documented bash recipe needs %s, which is not installed: %v", tool, err)
		}
	}
	m := start(t)
	tests := []struct {
		name    string
		hash    string
		version int
	}{
		{"version 3 signed with SHA-1", "sha1", 3},
		{"version 7 signed with SHA3-256", "sha3-256", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := exec.Command("openssl", "dgst", "-"+tt.hash, "/dev/null").Run(); err != nil {
				skipUnlessCI(t, "this openssl has no -%s: %v", tt.hash, err)
			}
			orderID := orderID(t)
			// The request of the observed answer (reference §2.5), with this server's key.
			request := `{"action":"pay","amount":3,"currency":"UAH","description":"Product 2454","order_id":"` + orderID +
				`","language":"uk","card":"4242424242424242","card_cvv":"123","card_exp_month":"12","card_exp_year":"32","version":` +
				strconv.Itoa(tt.version) + `,"public_key":"` + publicKey + `"}`

			before := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", strings.Replace(bashRecipe, "HASH", tt.hash, 1))
			cmd.Env = append(os.Environ(), "JSON="+request, "PRIVATE_KEY="+privateKey, "API_URL="+m.base+"/api/request")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("bash recipe: %v\noutput: %s", err, out)
			}
			after := time.Now()
			got, err := liqpayclient.DecodeJSON(out)
			if err != nil {
				t.Fatalf("curl printed no JSON object (%v): %q", err, out)
			}

			want, _ := liqpayclient.DecodeJSON([]byte(observedSuccess))
			if diff := cmp.Diff(jsonKinds(want), jsonKinds(pick(got, want))); diff != "" {
				t.Errorf("JSON types differ from the observed sandbox answer (-observed +mockpay):\n%s", diff)
			}
			// Fields that identify this payment are checked below; the rest must be
			// exactly the observed values.
			for _, k := range []string{"payment_id", "transaction_id", "liqpay_order_id", "create_date", "end_date"} {
				want[k] = got[k]
			}
			want["order_id"], want["public_key"], want["version"] = orderID, publicKey, json.Number(strconv.Itoa(tt.version))
			if diff := cmp.Diff(want, pick(got, want)); diff != "" {
				t.Errorf("answer differs from the observed sandbox answer (-observed +mockpay):\n%s", diff)
			}

			created, _ := strconv.ParseInt(string(asNumber(got["create_date"])), 10, 64)
			ended, _ := strconv.ParseInt(string(asNumber(got["end_date"])), 10, 64)
			if created < before.Add(-time.Second).UnixMilli() || ended < created || ended > after.Add(time.Second).UnixMilli() {
				t.Errorf("create_date %d, end_date %d: want epoch milliseconds between %d and %d",
					created, ended, before.UnixMilli(), after.UnixMilli())
			}
			if got["transaction_id"] != got["payment_id"] {
				t.Errorf("transaction_id %v != payment_id %v", got["transaction_id"], got["payment_id"])
			}
			lid, _ := got["liqpay_order_id"].(string)
			if match := liqpayOrderID.FindStringSubmatch(lid); match == nil {
				t.Errorf("liqpay_order_id %q does not match %s", lid, liqpayOrderID)
			} else if ms, _ := strconv.ParseInt(match[1], 10, 64); ms > created || created-ms > 1000 {
				t.Errorf("liqpay_order_id %q embeds %d ms, want just before create_date %d", lid, ms, created)
			}
		})
	}
}

// liqpayOrderID is 8 × [A-Z0-9], 13-digit epoch milliseconds, 3 digits
// (reference §2.5).
var liqpayOrderID = regexp.MustCompile(`^[A-Z0-9]{8}(\d{13})\d{3}$`)

// jsonKinds maps each key to its JSON type; numbers written with a decimal
// point are "float", the others "integer" (reference §2.5: amount 3.0).
func jsonKinds(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			out[k] = "null"
		case string:
			out[k] = "string"
		case bool:
			out[k] = "boolean"
		case json.Number:
			if strings.ContainsAny(string(v), ".eE") {
				out[k] = "float"
			} else {
				out[k] = "integer"
			}
		case map[string]any:
			out[k] = "object"
		case []any:
			out[k] = "array"
		}
	}
	return out
}

func asNumber(v any) json.Number {
	n, _ := v.(json.Number)
	return n
}

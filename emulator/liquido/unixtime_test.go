package liquido

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUnixSecondsTruncatesLikeJackson(t *testing.T) {
	type result struct {
		Value int64
		OK    bool
	}
	for _, c := range []struct {
		name, in string
		want     result
	}{
		{"whole number", `1700000000`, result{1700000000, true}},
		{"JavaScript's Date.now()/1000", `1700000000.789`, result{1700000000, true}},
		{"fraction below one half", `1700000000.2`, result{1700000000, true}},
		{"negative truncates toward zero", `-1.9`, result{-1, true}},
		{"exponent", `1.7e9`, result{1700000000, true}},
		{"numeric text", `"1700000000.5"`, result{1700000000, true}},
		{"text with spaces", `" 1700000000 "`, result{1700000000, true}},
		{"not a number", `"soon"`, result{0, false}},
		{"boolean", `true`, result{0, false}},
		{"object", `{}`, result{0, false}},
		{"fraction form big.Rat would take", `"1/2"`, result{0, false}},
		{"hex float", `"0x1p4"`, result{0, false}},
		{"underscores", `"1_000"`, result{0, false}},
		{"out of int64", `99999999999999999999`, result{0, false}},
		{"exponent bomb", `1e999999`, result{0, false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var u UnixSeconds
			err := u.UnmarshalJSON([]byte(c.in))
			got := result{int64(u), err == nil}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("UnmarshalJSON(%s) (-want +got):\n%s", c.in, diff)
			}
		})
	}
}

// Unix times are tolerant, money is not (issue 13, scope 5).
func TestFractionalTimesAcceptedFractionalMoneyRefused(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	at := float64(now.Unix()+3600) + 0.75
	body := func(kv ...any) map[string]any {
		m, e := decodeObject([]byte(`{"idempotencyKey":"k","amount":150000,"currency":"BRL","country":"BR","paymentMethod":"PIX_DYNAMIC_QR","payer":{}}`))
		if e != nil {
			t.Fatal(e.message)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	num := func(f float64) any { return json.Number(strconv.FormatFloat(f, 'f', -1, 64)) }

	in, e := readCharge(ActionPix, body("expirationInfo", map[string]any{"expiresAt": num(at)}), now)
	if e != nil {
		t.Fatalf("fractional expiresAt refused: %s", e.message)
	}
	if got, want := in.expiresAt.Unix(), now.Unix()+3600; got != want {
		t.Errorf("expiresAt %d, want %d (truncated)", got, want)
	}

	deadline := float64(now.Unix()+5*86400) + 0.5
	boleto := body("paymentMethod", "BOLETO", "payer", map[string]any{"document": map[string]any{"documentId": "42243309114", "type": "CPF"}},
		"paymentTerm", map[string]any{"paymentDeadline": num(deadline)})
	in, e = readCharge(ActionBoleto, boleto, now)
	if e != nil {
		t.Fatalf("fractional paymentDeadline refused: %s", e.message)
	}
	if got, want := in.dueDate.Unix(), now.Unix()+5*86400; got != want {
		t.Errorf("paymentDeadline %d, want %d (truncated)", got, want)
	}

	_, e = readCharge(ActionPix, body("amount", num(1500.5)), now)
	if e == nil || len(e.fields) != 1 || e.fields[0] != (FieldError{Field: "amount", Message: "must be a whole number"}) {
		t.Errorf("fractional amount: %+v, want refused on amount", e)
	}
}

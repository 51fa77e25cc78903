package liqpay

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/internal/tenant"
)

// The compact fields of a stored payment (digits.go, stamp.go, common.go)
// must read, and write to a state file, exactly as the strings and times
// they replace.

func TestDigitsRoundTrip(t *testing.T) {
	for _, s := range []string{"", "0", "000123", "123456", "0000000000001", "9999999999999", "12345678901234567"} {
		d, err := digitsOf(s)
		if err != nil {
			t.Fatalf("digitsOf(%q): %v", s, err)
		}
		if got := d.String(); got != s {
			t.Errorf("digitsOf(%q).String() = %q", s, got)
		}
		raw, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(s)
		if diff := cmp.Diff(string(want), string(raw)); diff != "" {
			t.Errorf("JSON of %q (-want +got):\n%s", s, diff)
		}
		var back Digits
		if err := json.Unmarshal(raw, &back); err != nil || back != d {
			t.Errorf("JSON %s reads back as %v, %v", raw, back, err)
		}
	}
}

func TestDigitsRefuses(t *testing.T) {
	for _, raw := range []string{`"12a"`, `"-1"`, `"123456789012345678"`, `12`, `" 1"`} {
		var d Digits
		if err := json.Unmarshal([]byte(raw), &d); err == nil {
			t.Errorf("%s read as %v, want an error", raw, d)
		}
	}
}

func TestStampReadsAsTime(t *testing.T) {
	for _, tm := range []time.Time{{}, time.Unix(1_700_000_000, 123456789), time.Unix(0, 1)} {
		s := clock.StampAt(tm)
		if !s.Time().Equal(tm) || s.Time().IsZero() != tm.IsZero() {
			t.Errorf("clock.StampAt(%v).Time() = %v", tm, s.Time())
		}
		want, _ := json.Marshal(tm.Local())
		if tm.IsZero() {
			want, _ = json.Marshal(tm)
		}
		got, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("JSON of %v (-want +got):\n%s", tm, diff)
		}
		var back clock.Stamp
		if err := json.Unmarshal(got, &back); err != nil || back != s {
			t.Errorf("JSON %s reads back as %v, %v", got, back, err)
		}
	}
}

// TestCommonIsShared: payments made alike share one Common, and changing
// one payment's leaves the others' alone.
func TestCommonIsShared(t *testing.T) {
	sh := &shop{books: newBooks()}
	c := Common{Action: "pay", Type: "buy", Paytype: "card", Version: 3, PublicKey: "k", Currency: "UAH",
		Card: describeCard("4242424242424242", 12, 2099)}
	a, b := &Payment{Common: sh.common(c)}, &Payment{Common: sh.common(c)}
	if a.Common != b.Common {
		t.Fatal("payments made alike do not share their Common")
	}
	b.setCommon(func(c *Common) { c.Currency = "USD" })
	if a.Currency != "UAH" || b.Currency != "USD" {
		t.Errorf("after changing b's currency: a %s, b %s; want UAH, USD", a.Currency, b.Currency)
	}
	for i := range maxCommons + 1 {
		c.Version = i
		sh.common(c)
	}
	if len(sh.commons) > maxCommons {
		t.Errorf("a shop shares %d Commons, more than %d", len(sh.commons), maxCommons)
	}
}

// TestDigitCodeDrawsAsDigits: a seeded run makes the same authcodes and
// RRNs as when they were strings from shop.digits.
func TestDigitCodeDrawsAsDigits(t *testing.T) {
	strs, codes := tenant.NewRegistry(7, nil), tenant.NewRegistry(7, nil)
	defer strs.Close()
	defer codes.Close()
	a := &shop{tenant: strs.Add("liqpay", "k"), books: newBooks()}
	b := &shop{tenant: codes.Add("liqpay", "k"), books: newBooks()}
	for _, n := range []int{6, 13, 6, 13, 1} {
		want, got := a.digits(n), b.digitCode(n).String()
		if got != want {
			t.Errorf("digitCode(%d) = %q, shop.digits(%d) = %q", n, got, n, want)
		}
	}
}

// TestStateFileOfBeforeTheCompaction: a state file written before the
// payment was compacted — its fields at the top level of the payment,
// times as RFC 3339, authcode and RRN as strings — restores, answers as
// it did, and is written back with the same fields.
func TestStateFileOfBeforeTheCompaction(t *testing.T) {
	const payment = `{"ID":2100000001,"Action":"pay","Type":"buy","Paytype":"card","Status":"success","Version":3,
"Algo":"sha1","PublicKey":"pk","OrderID":"old-1","LiqPayOrderID":"ABCDEFGH1764504000000123","Description":"d",
"Currency":"UAH","Language":"uk","Card":{"Mask2":"424242*42","BIN":"424242","Last4":"4242","Bank":"Test Bank",
"Type":"visa","Country":804,"ExpMonth":12,"ExpYear":2099,"TestCard":true},"CardToken":"TOKEN1","AuthcodeDebit":"012345",
"RRNDebit":"0000123456789","ServerURL":"http://127.0.0.1:1/cb","ErrCode":"","ErrMessage":"",
"Created":"2026-11-30T12:00:00Z","Ended":"2026-11-30T12:00:01.5Z","Completed":"0001-01-01T00:00:00Z",
"Token":"","BaseURL":"http://127.0.0.1:8080","Verify":null,"Sub":null,"LC":null,"Invoice":null,
"Recurring":true,"Is3DS":false,"Sandbox":false}`
	state := `{"shops":{"pk":{"next_id":2100000001,"payments":[{"payment":` + payment + `}],"card_tokens":{}}}}`
	s, _, c := newStateServer(t)
	if err := s.Restore(json.RawMessage(state)); err != nil {
		t.Fatal(err)
	}
	got := doLiqPay(t, c, map[string]any{"version": 3, "action": "status", "order_id": "old-1"})
	for k, want := range map[string]string{"payment_id": "2100000001", "action": "pay", "type": "buy", "currency": "UAH",
		"sender_card_mask2": "424242*42", "card_token": "TOKEN1", "authcode_debit": "012345", "rrn_debit": "0000123456789",
		"create_date": "1796040000000", "end_date": "1796040001500", "language": "uk"} {
		if diff := cmp.Diff(want, fmt.Sprint(got[k])); diff != "" { // numbers come as json.Number
			t.Errorf("status %s (-want +got):\n%s", k, diff)
		}
	}
	raw, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Shops map[string]struct {
			Payments []struct {
				Payment map[string]any `json:"payment"`
			} `json:"payments"`
		} `json:"shops"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	var before map[string]any
	if err := json.Unmarshal([]byte(payment), &before); err != nil {
		t.Fatal(err)
	}
	after := back.Shops["pk"].Payments[0].Payment
	for _, k := range []string{"Action", "Type", "Paytype", "Version", "Algo", "PublicKey", "Currency", "Language",
		"Card", "CardToken", "AuthcodeDebit", "RRNDebit", "ServerURL", "BaseURL", "Recurring"} {
		if diff := cmp.Diff(before[k], after[k]); diff != "" {
			t.Errorf("%s written back (-before +after):\n%s", k, diff)
		}
	}
	for _, k := range []string{"Created", "Ended", "Completed"} {
		b, _ := time.Parse(time.RFC3339Nano, before[k].(string))
		a, err := time.Parse(time.RFC3339Nano, after[k].(string))
		if err != nil || !a.Equal(b) {
			t.Errorf("%s written back as %v, was %v (%v)", k, after[k], before[k], err)
		}
	}
}

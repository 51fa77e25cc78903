package liquido

import (
	"bytes"
	"encoding/json"
	"testing"
)

var canonicalBodies = []string{
	`{"idempotencyKey":"k-1","amount":1000,"currency":"BRL","country":"BR","paymentMethod":"CREDIT_CARD","card":{"cardHolderName":"Ana","cardNumber":"4242424242424242","expirationMonth":"12","expirationYear":"2030","cvc":"123"},"payer":{"name":"Ana","email":"a@b.c","document":{"documentId":"123","type":"CPF"}},"items":[1,-2.5e3,true,false,null,"x",[],{}]}`,
	`{"b":1,"a":{"z":[{"y":"<&>"}],"Z":"caps sort first"}}`,
	`{"quote":"a\"b","back":"a\\b","nl":"a\nb","ctl":"\u0001","html":"<a>","u2028":"\u2028","utf8":"café"}`,
	"{\"bad\":\"\xff\"}",
	`{"n":0,"m":-0.5,"e":1E+2}`,
	`[]`,
	`"text"`,
	`null`,
}

func decodeForTest(t testing.TB, b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

func TestCanonicalMatchesMarshal(t *testing.T) {
	for _, body := range canonicalBodies {
		v, ok := decodeForTest(t, []byte(body))
		if !ok {
			t.Fatalf("%s does not decode", body)
		}
		want, _ := marshal(v)
		got, err := canonicalJSON(v)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s:\ncanonical %s (%v)\nmarshal   %s", body, got, err, want)
		}
	}
	// The usual body takes the fast path.
	v, _ := decodeForTest(t, []byte(canonicalBodies[0]))
	if _, ok := appendCanonical(nil, v); !ok {
		t.Error("a card charge's body was left to encoding/json")
	}
	// Numbers encoding/json refuses are left to it.
	for _, n := range []json.Number{"01", "1.", "abc", "-"} {
		if _, ok := appendCanonical(nil, n); ok {
			t.Errorf("%q taken as a number", n)
		}
	}
	if b, _ := canonicalJSON(json.Number("")); string(b) != "0" {
		t.Errorf(`json.Number("") gave %s, want 0`, b)
	}
}

// FuzzCanonicalMatchesMarshal: the fast encoding of any decoded body is
// marshal's, byte for byte.
func FuzzCanonicalMatchesMarshal(f *testing.F) {
	for _, body := range canonicalBodies {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok := decodeForTest(t, b)
		if !ok {
			return
		}
		want, werr := marshal(v)
		got, gerr := canonicalJSON(v)
		if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
			t.Errorf("%q:\ncanonical %s (%v)\nmarshal   %s (%v)", b, got, gerr, want, werr)
		}
	})
}

package redact

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"testing"
)

// formGeneral is Form without its fast path.
func formGeneral(s string) (string, []byte) {
	vals, err := url.ParseQuery(s)
	if err != nil {
		return Text(s), nil
	}
	for k, vs := range vals {
		switch {
		case IsCVV(k):
			delete(vals, k)
		case IsSecret(k):
			for i, v := range vs {
				vs[i] = Header(v)
			}
		}
	}
	var data []byte
	if d := vals.Get("data"); d != "" {
		raw := []byte(d)
		if dec, err := base64.StdEncoding.DecodeString(d); err == nil {
			raw = dec
		}
		if validJSON(raw) {
			data = JSON(raw)
			vals.Set("data", base64.StdEncoding.EncodeToString(data))
		}
	}
	return Text(vals.Encode()), data
}

func formSeeds() []string {
	pay := base64.StdEncoding.EncodeToString([]byte(`{"action":"pay","card":"4242424242424242","card_cvv":"123","amount":1}`))
	return []string{
		url.Values{"data": {pay}, "signature": {"abc+/="}}.Encode(),
		"data=" + pay + "&signature=x", // unescaped base64: '+' reads as a space
		`data={"card":"4242 4242 4242 4242"}&signature=s`,
		"data=&signature=s", "data=%zz&signature=s", "data=a&signature=%zz", "data=a&signature=s;x",
		"signature=s&data=a", "data=a&signature=s&x=1", "data=a&signature=4242424242424242", "data=a",
	}
}

func FuzzFormFastPath(f *testing.F) {
	for _, s := range formSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotData := Form(s)
		want, wantData := formGeneral(s)
		if got != want || !bytes.Equal(gotData, wantData) {
			t.Errorf("Form(%q) = %q, %s; the general path gives %q, %s", s, got, gotData, want, wantData)
		}
	})
}

func TestFormFastPathTakesLiqPayBodies(t *testing.T) {
	if _, _, ok := formDataSignature(formSeeds()[0]); !ok {
		t.Error("a LiqPay body was left to the general path")
	}
}

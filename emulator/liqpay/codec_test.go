package liqpay_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/emulator/liqpay"
)

// The documented test vector (reference liqpay.md §2.3).
const (
	vectorKey  = "a4825234f4bae72a0be04eafe9e8e2bada209255"
	vectorData = "eyJwdWJsaWNfa2V5IjoiaTAwMDAwMDAwIiwidmVyc2lvbiI6IjMiLCJhY3Rpb24iOiJwYXkiLCJhbW91bnQiOiIzIiwiY3VycmVuY3kiOiJVQUgiLCJkZXNjcmlwdGlvbiI6InRlc3QiLCJvcmRlcl9pZCI6IjAwMDAwMSJ9"
)

func TestSignMatchesTheDocumentedVectors(t *testing.T) {
	tests := []struct {
		name       string
		algo       liqpay.SigAlgo
		key, data  string
		wantSigned string
	}{
		{"data_signature page, SHA-1", liqpay.SHA1, vectorKey, vectorData, "wR+UZDC4jjeL/qUOvIsofIWpZh8="},
		{"same, SHA3-256 for version 7", liqpay.SHA3256, vectorKey, vectorData, "V6/0SB3N+eEWw1S/e3g7/nmX4uM9Z4TDyK2PTMmHdvA="},
		{"callback page sample", liqpay.SHA1, "your_private_key", "base64_post_string", "tp+ZLmKm1/E83dIzUpx5ljcttP4="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := liqpay.Sign(tc.algo, tc.key, tc.data); got != tc.wantSigned {
				t.Fatalf("Sign = %s, want %s", got, tc.wantSigned)
			}
			if !liqpay.VerifySignature(tc.algo, tc.key, tc.data, tc.wantSigned) {
				t.Fatal("VerifySignature rejected the documented signature")
			}
			if liqpay.VerifySignature(tc.algo, tc.key+"x", tc.data, tc.wantSigned) {
				t.Fatal("VerifySignature accepted a signature made with another key")
			}
		})
	}
}

func TestDecodeDataAcceptsWhatRealClientsSend(t *testing.T) {
	want := liqpay.Params{"public_key": "i00000000", "version": json.Number("3"), "action": "pay"}
	const raw = `{"public_key":"i00000000","version":3,"action":"pay"}`
	b64 := "eyJwdWJsaWNfa2V5IjoiaTAwMDAwMDAwIiwidmVyc2lvbiI6MywiYWN0aW9uIjoicGF5In0="
	tests := []struct{ name, data string }{
		{"base64 with padding", b64},
		{"base64 without padding", b64[:len(b64)-1]},
		{"base64 wrapped at 76 columns by base64(1)", b64[:40] + "\n" + b64[40:]},
		{"raw JSON (Python SDK)", raw},
		{"raw JSON with spaces (Python separators)", `{"action": "pay", "public_key": "i00000000", "version": 3}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := liqpay.DecodeData(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeDataRejectsWhatIsNotAJSONObject(t *testing.T) {
	for _, data := range []string{"", "!!!", "bm90IGpzb24=", `[1,2]`, `{"a":1} {"b":2}`, `{"a":`, "null", `"str"`} {
		if p, err := liqpay.DecodeData(data); err == nil {
			t.Errorf("DecodeData(%q) = %v, want an error", data, p)
		}
	}
}

func TestParamsAreTolerantOfClientDifferences(t *testing.T) {
	p, err := liqpay.DecodeData(`{"s":"x","n":3,"f":"3.0","sn":"3","t":true,"one":"1","null":null,"empty":"","slash":"a\/b","u":"\u0456","obj":{"a":1}}`)
	if err != nil {
		t.Fatal(err)
	}
	strs := map[string]string{"s": "x", "n": "3", "sn": "3", "t": "true", "slash": "a/b", "u": "і", "obj": `{"a":1}`}
	for k, want := range strs {
		if got, ok := p.Str(k); !ok || got != want {
			t.Errorf("Str(%q) = %q, %v; want %q", k, got, ok, want)
		}
	}
	for _, k := range []string{"null", "empty", "absent"} {
		if _, ok := p.Str(k); ok {
			t.Errorf("Str(%q) present, want absent", k)
		}
	}
	for k, want := range map[string]bool{"t": true, "one": true, "s": false, "null": false} {
		if got := p.Flag(k); got != want {
			t.Errorf("Flag(%q) = %v, want %v", k, got, want)
		}
	}
	for k, want := range map[string]int64{"n": 3, "f": 3, "sn": 3} {
		if got, ok := p.Int(k); !ok || got != want {
			t.Errorf("Int(%q) = %d, %v; want %d", k, got, ok, want)
		}
	}
	if _, ok := p.Int("s"); ok {
		t.Error(`Int("s") parsed a word`)
	}
}

func TestDecodeEnvelopeReadsAnyFormShape(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		query url.Values
		want  liqpay.Envelope
	}{
		{"plain form", "data=abc&signature=x%2By%3D", nil, liqpay.Envelope{Data: "abc", Signature: "x+y="}},
		{"Java trailing ampersand", "data=abc&signature=sig&", nil, liqpay.Envelope{Data: "abc", Signature: "sig"}},
		{"unencoded plus becomes a space", "data=abc&signature=x+y", nil, liqpay.Envelope{Data: "abc", Signature: "x y"}},
		{"query string fallback", "", url.Values{"data": {"q"}, "signature": {"s"}}, liqpay.Envelope{Data: "q", Signature: "s"}},
		{"broken escape elsewhere", "junk=%zz&data=abc&signature=s", nil, liqpay.Envelope{Data: "abc", Signature: "s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, liqpay.DecodeEnvelope([]byte(tc.body), tc.query)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAmountIsWrittenWithADecimalPoint(t *testing.T) {
	tests := map[liqpay.Amount]string{300: "3.0", 5: "0.05", 734: "7.34", 50: "0.5", 0: "0.0", 100000000: "1000000.0", -250: "-2.5"}
	for a, want := range tests {
		b, err := json.Marshal(a)
		if err != nil || string(b) != want {
			t.Errorf("Marshal(%d) = %s, %v; want %s", int64(a), b, err, want)
		}
	}
}

func TestMaskKeepsFirstSixAndLastFour(t *testing.T) {
	if got := liqpay.Mask("4242424242424242"); got != "424242******4242" {
		t.Fatalf("Mask = %s", got)
	}
	if got := liqpay.Mask("123"); got != "***" {
		t.Fatalf("Mask(short) = %s", got)
	}
}

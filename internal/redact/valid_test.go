package redact

import (
	"encoding/json"
	"strings"
	"testing"
)

var validSeeds = []string{
	`{"a":[1,-2.5e+3,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9"],"b":{}}`,
	`  [] `, `"s"`, `0`, `-0.0e-0`, `01`, `1.`, `.5`, `-`, `1e`, `+1`,
	`{"a":1,}`, `[1,]`, `{"a"}`, `{"a":}`, `{,}`, `tru`, `nul`, `falsey`,
	"\"\x01\"", "\"\xff\"", `"\x"`, `"\u12g4"`, `"\u12"`, `{"a":1}x`, `{"a":1} `, ``, ` `,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001),
}

func TestValidJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range validSeeds {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%.60q) = %v, json.Valid says %v", s, got, want)
		}
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range validSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}

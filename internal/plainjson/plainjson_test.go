package plainjson

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decodeJSON is the reference: encoding/json with UseNumber, one value and
// nothing but spaces after it.
func decodeJSON(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false
	}
	return v, true
}

var docs = []string{
	`{"public_key":"i000","version":3,"action":"pay","amount":"1","currency":"UAH","order_id":"o-1","card":"4242424242424242","card_cvv":"123"}`,
	`{"idempotencyKey":"k","amount":1000,"card":{"cardNumber":"4242424242424242","expirationMonth":"12"},"payer":{"document":{"documentId":"1"}},"items":[1,-2.5e3,true,false,null,"x",[],{}]}`,
	` { "a" : "b" , "a" : 2 } `,
	`{"s":"café"}`,
	"{\"bad\":\"\xff\"}",
	`{"esc":"a\"b"}`,
	`{"a":1}x`,
	`{"a":1,}`,
	`{"a":01}`,
	`{"a":1.}`,
	`{"a":-}`,
	`{"a":tru}`,
	`[1,2]`,
	`"top"`,
	`null`,
	`-0.5e+10`,
	`{"a":"tab	"}`,
	``,
	`{`,
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, doc := range docs {
		got, ok := Decode([]byte(doc))
		if !ok {
			continue
		}
		want, valid := decodeJSON([]byte(doc))
		if !valid {
			t.Errorf("%q: decoded, but encoding/json refuses it", doc)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q: (-encoding/json +Decode)\n%s", doc, diff)
		}
	}
	for _, doc := range docs[:3] {
		if _, ok := Decode([]byte(doc)); !ok {
			t.Errorf("%q was left to encoding/json", doc)
		}
	}
}

// FuzzDecodeMatchesEncodingJSON: whenever Decode answers, encoding/json
// gives the same value.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, doc := range docs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := Decode(b)
		if !ok {
			return
		}
		want, valid := decodeJSON(b)
		if !valid {
			t.Fatalf("%q: decoded, but encoding/json refuses it", b)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q: (-encoding/json +Decode)\n%s", b, diff)
		}
	})
}

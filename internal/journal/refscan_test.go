package journal

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var refDocs = []string{
	`{"result":"ok","payment_id":42,"order_id":"o1"}`,
	`{"result":"error","err_code":"invalid_signature"}`,
	`{"Order_ID":"upper","ORDER_ID":"last wins","payment_id":-1.5e+3}`,
	`{"action":"pay","nested":{"order_id":"not top-level"},"list":[1,"a",{"b":null}],"t":true,"f":false,"n":null}`,
	`{"order_id":{"x":1},"payment_id":[1],"result":null,"err_code":true}`,
	`{"order_id":"o1","order_id":null}`,
	`{"order_id":"caf\u00e9","payment_id":"\"q\""}`,
	`{"ord\u0065r_id":"escaped name"}`,
	`{"order_ıd":"dotless i folds to I"}`,
	`{"order_id":"héllo"}`,
	`{"order_id":"o1"} trailing`,
	`{"order_id":"o1",}`,
	`{"order_id":01}`,
	`{"order_id":"o1"`,
	`{"order_id":"tab	in string"}`,
	`{"a":[1,2,]}`,
	`{"a":-}`,
	`{"a":1.}`,
	`{"a":1e}`,
	`{"a":tru}`,
	`{"a":"\x"}`,
	`{"a":"\u12"}`,
	`{}`,
	`{ "referenceId" : "r-1" , "idempotencyKey" : 7 }`,
}

func TestScanRefsMatchesDecoding(t *testing.T) {
	for _, doc := range refDocs {
		want := readable(decodeRefs([]byte(doc)))
		got, ok := scanRefs([]byte(doc))
		if !ok {
			continue // encoding/json decides
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: (-decoding +scan)\n%s", doc, diff)
		}
	}
}

// FuzzScanRefsMatchesDecoding: whenever scanRefs answers, it answers as
// encoding/json does.
func FuzzScanRefsMatchesDecoding(f *testing.F) {
	for _, doc := range refDocs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != '{' {
			return
		}
		got, ok := scanRefs(b)
		if !ok {
			return
		}
		if diff := cmp.Diff(readable(decodeRefs(b)), got); diff != "" {
			t.Errorf("%q: (-decoding +scan)\n%s", b, diff)
		}
	})
}

// readable is d as the journal reads it: a field's string or number, nil
// for any other value (a bool, an object, a list: nothing reads those).
func readable(d *refDoc) *refDoc {
	if d == nil {
		return nil
	}
	for _, p := range []*any{&d.PaymentID, &d.OrderID, &d.IdempotencyKey, &d.ReferenceID, &d.Action, &d.Result, &d.ErrCode} {
		switch (*p).(type) {
		case string, json.Number:
		default:
			*p = nil
		}
	}
	return d
}

func TestFormatIDIsZeroPadded(t *testing.T) {
	for seq, want := range map[uint64]string{1: "req_000000000001", 123456789012: "req_123456789012", 1234567890123: "req_1234567890123"} {
		if got := formatID(seq); got != want {
			t.Errorf("formatID(%d) = %q, want %q", seq, got, want)
		}
	}
}

package liqpay

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
)

// randomPayment fills every field of a paymentJSON from values that
// exercise encoding: empty and zero ones (omitempty), texts encoding/json
// escapes or must check, negative and large numbers.
func randomPayment(r *rand.Rand) paymentJSON {
	plain := []string{"", "", "ok", "Оплата замовлення", "<a&b>", "\x7f", "/path?x=1&y=2"}
	special := []string{"a\"b", `back\slash`, "line\nbreak", "tab\t", "\u2028", "\u2029", "\xff", "caf\xc3"}
	rare := []float64{0, 0.01, 0.05}[r.IntN(3)] // how often a text needs escaping
	var j paymentJSON
	v := reflect.ValueOf(&j).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			if r.Float64() < rare {
				f.SetString(special[r.IntN(len(special))])
			} else {
				f.SetString(plain[r.IntN(len(plain))])
			}
		case reflect.Int, reflect.Int64:
			f.SetInt([]int64{0, 0, 1, 7, 100, 734, -5, 1 << 40, time.Now().UnixMilli()}[r.IntN(9)])
		case reflect.Bool:
			f.SetBool(r.IntN(2) == 1)
		case reflect.Slice:
			if r.IntN(4) == 0 {
				f.Set(reflect.ValueOf([]dccQuote{{Amount: 12345, Rate: 10000, Commission: 50, Currency: "USD"}}))
			}
		default:
			panic("randomPayment: a field of a new kind: " + f.Type().String())
		}
	}
	return j
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for range 20000 {
		j := randomPayment(r)
		want := encodeByReflection(j)
		got, ok := j.appendJSON(nil)
		if !ok {
			continue
		}
		fast++
		if !bytes.Equal(got, want) {
			t.Fatalf("appendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	}
	if fast < 100 {
		t.Errorf("only %d of 20000 random payments took the fast path", fast)
	}
	// An ordinary payment takes it.
	p := &Payment{ID: 1, Common: &Common{Action: "pay", Version: 3, Currency: "UAH"}, Status: StatusSuccess, OrderID: "o-1",
		Description: "Оплата", Amount: 100, Created: clock.StampAt(time.Unix(1, 0)), Ended: clock.StampAt(time.Unix(2, 0))}
	if pj := p.wire("ok"); !fastPath(&pj) {
		t.Error("an ordinary payment was left to encoding/json")
	}
	if got, want := encode(p.wire("ok")), encodeByReflection(p.wire("ok")); !bytes.Equal(got, want) {
		t.Errorf("encode:\n%s\nencoding/json:\n%s", got, want)
	}
}

func fastPath(j *paymentJSON) bool {
	_, ok := j.appendJSON(nil)
	return ok
}

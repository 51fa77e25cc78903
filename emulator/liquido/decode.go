package liquido

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/mockpay/mockpay/internal/lenient"
	"github.com/mockpay/mockpay/internal/plainjson"
	"github.com/mockpay/mockpay/internal/redact"
)

// decodeObject parses a request body into a JSON object, leniently where
// Liquido's own examples are sloppy (reference §18.2): a number written with
// a leading zero ("expirationMonth": 06) is read as the number. Numbers stay
// json.Number so amounts never pass through a float.
func decodeObject(body []byte) (map[string]any, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errBadRequest("Required request body is missing")
	}
	if !utf8.Valid(body) {
		// Jackson reads bytes as UTF-8 and fails on a malformed sequence
		// (Spring: 400 "JSON parse error: Invalid UTF-8 start byte …");
		// Go's decoder would silently turn it into U+FFFD and store it.
		return nil, errBadRequest("JSON parse error: Invalid UTF-8 start byte")
	}
	// Most bodies are plain JSON: decoded without reflection, the same values.
	if v, ok := plainjson.Decode(body); ok {
		if m, isObject := v.(map[string]any); isObject {
			return m, nil
		}
	}
	if !json.Valid(body) {
		body = lenient.LeadingZeros(body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errBadRequest("JSON parse error: " + err.Error())
	}
	if dec.More() {
		return nil, errBadRequest("JSON parse error: unexpected data after the top-level object")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errBadRequest("JSON parse error: the request body must be a JSON object")
	}
	return m, nil
}

// fingerprint identifies a request body as a value: the same JSON written
// with other spacing or key order gives the same fingerprint, so an
// idempotent retry by another client library still counts as "the same
// body". It is keyed with a random per-merchant secret that never leaves
// memory: a card charge's body holds the card number and CVC, and an unkeyed
// hash of them would be a guessable copy.
func fingerprint(key []byte, action Action, m map[string]any) [32]byte {
	b, _ := canonicalInto(make([]byte, 0, 1024), m) // map keys are sorted; numbers keep their text
	// Of the body as the journal keeps it, card masked and CVC removed:
	// the key is saved in the state file and bundles beside the hash, and
	// a hash of the card itself gave the number and the CVC back by trying
	// the digits the masked card hides. Two requests that differ only there
	// count as the same request.
	b = redact.JSON(b)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(string(action) + "\n"))
	mac.Write(b)
	var out [32]byte
	copy(out[:], mac.Sum(nil))
	return out
}

// fields reads one JSON object of a request, collecting a message for every
// field that is wrong instead of stopping at the first, so a 400 names them
// all. Reads are lenient the way Jackson's defaults are: a number where a text
// is expected is taken as its text, and numbers may come as numeric texts
// (reference §3: "amount":"300").
type fields struct {
	m    map[string]any // nil when the object is absent
	path string         // prefix of field names: "payer.document."
	errs *[]FieldError
	// quiet: the object itself is missing or not an object, which is
	// reported once; its fields add nothing.
	quiet bool
}

func newFields(m map[string]any) fields { return fields{m: m, errs: &[]FieldError{}} }

func (f fields) fail(name, msg string) {
	if !f.quiet {
		*f.errs = append(*f.errs, FieldError{Field: f.path + name, Message: msg})
	}
}

func (f fields) failed() bool { return len(*f.errs) > 0 }

// present reports whether the field is there and not null.
func (f fields) present(name string) bool {
	v, ok := f.m[name]
	return ok && v != nil
}

// text reads a text field. A required one must not be blank.
func (f fields) text(name string, required bool) string {
	v, ok := f.m[name]
	if !ok || v == nil {
		if required {
			f.fail(name, "must not be blank")
		}
		return ""
	}
	var s string
	switch t := v.(type) {
	case string:
		s = t
	case json.Number:
		s = t.String()
	case bool:
		if t {
			s = "true"
		} else {
			s = "false"
		}
	default:
		f.fail(name, "must be a text")
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		f.fail(name, "must not be blank")
	}
	return s
}

// long reads a whole number (minor units) given as a number or a numeric
// text. A fraction is refused rather than rounded: it would change money.
func (f fields) long(name string, required bool) (int64, bool) {
	v, ok := f.m[name]
	if !ok || v == nil {
		if required {
			f.fail(name, "must not be null")
		}
		return 0, false
	}
	var s string
	switch t := v.(type) {
	case json.Number:
		s = t.String()
	case string:
		s = strings.TrimSpace(t)
	default:
		f.fail(name, "must be a whole number")
		return 0, false
	}
	n, ok := parseWhole(s)
	if !ok {
		f.fail(name, "must be a whole number")
		return 0, false
	}
	return n, true
}

// parseWhole reads "300", "300.0", "3e2" exactly; anything with a fraction,
// out of int64 range or not a number is refused.
func parseWhole(s string) (int64, bool) {
	if s == "" || len(s) > 40 || notPlainNumber(s) {
		return 0, false
	}
	if n, ok := plainWhole(s); ok {
		return n, true
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

// plainWhole reads the numbers nearly every request sends — an optional
// minus and at most 18 digits — without big.Rat (a handful of allocations
// each, several numbers a charge); ok is false for anything else, which
// parseWhole then reads.
func plainWhole(s string) (int64, bool) {
	digits := strings.TrimPrefix(s, "-")
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(digits[i]-'0')
	}
	if len(digits) < len(s) {
		n = -n
	}
	return n, true
}

// small reads a small whole number such as a month ("06", 6 or 06).
func (f fields) small(name string, required bool) (int, bool) {
	n, ok := f.long(name, required)
	if !ok {
		return 0, false
	}
	if n < -1e9 || n > 1e9 {
		f.fail(name, "is out of range")
		return 0, false
	}
	return int(n), true
}

// flag reads a boolean: true/false, or the texts "true"/"false".
func (f fields) flag(name string) (value, present bool) {
	v, ok := f.m[name]
	if !ok || v == nil {
		return false, false
	}
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	f.fail(name, "must be true or false")
	return false, false
}

// object reads a nested object; the fields it returns report errors under
// "name.". An absent object reads as empty.
func (f fields) object(name string, required bool) fields {
	sub := fields{path: f.path + name + ".", errs: f.errs, quiet: f.quiet}
	v, ok := f.m[name]
	if !ok || v == nil {
		if required {
			f.fail(name, "must not be null")
			sub.quiet = true
		}
		return sub
	}
	m, ok := v.(map[string]any)
	if !ok {
		f.fail(name, "must be an object")
		sub.quiet = true
		return sub
	}
	sub.m = m
	return sub
}

// raw re-encodes a field for echoing it back (payer, orderInfo).
func (f fields) raw(name string) json.RawMessage {
	v, ok := f.m[name]
	if !ok || v == nil {
		return nil
	}
	b, err := canonicalJSON(v)
	if err != nil {
		return nil
	}
	return b
}

// notPlainNumber spots what big.Rat would read but Liquido's Jackson would
// not: text that is not decimal ("1/2", "0x1p4", "1_000"), and exponents
// of more than two digits (1e999999 costs big.Rat tens of milliseconds and
// hundreds of kilobytes; no amount needs one).
func notPlainNumber(s string) bool {
	if strings.Trim(s, "+-.0123456789eE") != "" {
		return true
	}
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return false
	}
	exp := strings.TrimLeft(s[i+1:], "+-")
	return len(exp) > 2
}

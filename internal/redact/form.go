package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/mockpay/mockpay/internal/lenient"
)

// NotDecodable stands for a LiqPay data value that does not decode to
// JSON: what it holds can't be redacted, so it is not kept.
const NotDecodable = "[removed: not decodable]"

// formPair is one name=value pair of a form, decoded.
type formPair struct{ key, value string }

// Form removes CVV fields from a form (or query) and masks card numbers in
// its values. It reads the form pair by pair, as the emulators do: a broken
// pair elsewhere ("x=;", "x=%zz") does not hide the good ones, and a pair
// that does not unescape is read with its bad escapes kept as they are.
// Values are redacted once decoded (a card written "4242+4242+…" is one
// number), JSON values as JSON, then encoded again, keys sorted as
// url.Values.Encode sorts them. LiqPay's data field — base64 JSON in any of
// the alphabets the emulator reads, or raw JSON from the Python SDK — is
// decoded, redacted and returned as data; it is re-encoded in the form so
// that the stored body stays a form, or replaced by NotDecodable.
func Form(s string) (form string, data json.RawMessage) {
	if s == "" {
		return "", nil
	}
	pairs := make([]formPair, 0, strings.Count(s, "&")+1)
	for rest := s; rest != ""; {
		var raw string
		raw, rest, _ = strings.Cut(rest, "&")
		if raw == "" {
			continue
		}
		k, v, _ := strings.Cut(raw, "=")
		key, value := unescapeForm(k), unescapeForm(v)
		// A name with ';' is skipped by the emulators, but a CVV under
		// it is a CVV all the same.
		if name, _, _ := strings.Cut(key, ";"); IsCVV(key) || IsCVV(name) {
			continue
		}
		switch {
		case IsSecret(key):
			value = Header(value)
		case key == "data":
			var doc json.RawMessage
			value, doc = liqpayData(value)
			if data == nil {
				data = doc
			}
		default:
			value = formValue(value)
		}
		pairs = append(pairs, formPair{Text(key), value})
	}
	slices.SortStableFunc(pairs, func(a, b formPair) int { return strings.Compare(a.key, b.key) })
	var b strings.Builder
	b.Grow(len(s))
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.value))
	}
	return b.String(), data
}

// formValue redacts one decoded value: as JSON when it is JSON (a hosted
// page may post a JSON field), as text otherwise.
func formValue(v string) string {
	if t := strings.TrimLeft(v, " \t\r\n"); t != "" && (t[0] == '{' || t[0] == '[') {
		if doc, ok := jsonDoc([]byte(v)); ok {
			return doc
		}
	}
	return Text(v)
}

// liqpayData redacts LiqPay's data value as the emulator reads it
// (liqpay.DecodeData): raw JSON when it starts with '{', otherwise base64
// in any of lenient.Base64's alphabets. The stored value is the redacted
// JSON in standard base64, and doc that JSON; a value that does not decode
// to JSON becomes NotDecodable.
func liqpayData(v string) (stored string, doc json.RawMessage) {
	t := strings.TrimSpace(v)
	if t == "" {
		return v, nil
	}
	raw := []byte(t)
	if t[0] != '{' {
		var err error
		if raw, err = lenient.Base64(t); err != nil {
			return NotDecodable, nil
		}
	}
	if red, ok := jsonDoc(raw); ok {
		return base64.StdEncoding.EncodeToString([]byte(red)), json.RawMessage(red)
	}
	// Not JSON (the emulator refuses it, and a cut body leaves it so):
	// bytes decoded out of step with the sender's encoding ('+' read as
	// a space, a piece missing) hide a card from any scanner, yet base64
	// of them, or the text as sent, would still spell it.
	return NotDecodable, nil
}

// unescapeForm is url.QueryUnescape, except that a '%' not followed by two
// hex digits is kept as it is instead of failing the whole value.
func unescapeForm(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s):
			if x, ok := hexByte(s[i+1], s[i+2]); ok {
				b.WriteByte(x)
				i += 2
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

package redact

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Body redacts a request or response body the way the emulators read it,
// whatever its declared content type: Liquido reads any body as JSON, and
// LiqPay reads its data/signature form from any body. A body that starts
// with '{' or '[' is redacted as JSON (numbers with leading zeros read as
// Liquido reads them); one that looks like a form, or is declared one, as
// a form (with LiqPay's data decoded); anything else as plain text.
func Body(contentType string, b []byte) (body string, data json.RawMessage) {
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) == 0 {
		return Text(string(b)), nil
	}
	jsonish := t[0] == '{' || t[0] == '['
	if jsonish {
		if doc, ok := jsonDoc(b); ok && !formHides(doc) {
			return doc, nil
		}
	}
	// A text that is not JSON but holds pairs ("{}&data=…") is a form to
	// LiqPay, which reads its data.
	if looksLikeForm(t) || strings.Contains(strings.ToLower(contentType), "x-www-form-urlencoded") {
		return Form(string(b))
	}
	return Text(string(b)), nil
}

// formHides reports whether a redacted JSON document, read as a form
// (LiqPay reads any body so, a hosted page any body declared a form),
// still holds card data its JSON reading did not show: a data pair, or a
// card number spelled with escapes ("{"a":"&data=eyJ…&signature=…&"}",
// "&card=%34242…"), or a CVV or credential under an escaped name
// ("&c%76v=…"). Such a body is stored as its form reading.
func formHides(doc string) bool {
	if !strings.ContainsAny(doc, "&%=") {
		return false
	}
	for rest := doc; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		k, _, _ := strings.Cut(pair, "=")
		key := unescapeForm(k)
		if key == "data" {
			return true
		}
		// A CVV or a credential under an escaped name ("c%76v=…"): the
		// JSON reading sees no such name, a form reader does (review 4,
		// finding 4).
		if key != k {
			if name, _, _ := strings.Cut(key, ";"); IsCVV(key) || IsCVV(name) || IsSecret(key) {
				return true
			}
		}
		if strings.ContainsAny(pair, "%+") && hasPAN(unescapeForm(pair)) {
			return true
		}
	}
	return false
}

// looksLikeForm reports whether b holds a form pair: at its start or after
// an '&', a name of the characters a form name is written with, then '='.
// LiqPay reads "hello world&data=…" as holding data; an HTML page or a
// message holds no such pair ("&amp;" has a ';', which no name the
// emulators read has).
func looksLikeForm(b []byte) bool {
	for len(b) > 0 {
		var seg []byte
		seg, b, _ = bytes.Cut(b, []byte("&"))
		if i := bytes.IndexByte(seg, '='); i >= 0 && formName(seg[:i]) {
			return true
		}
	}
	return false
}

// formName reports whether s is written as a form name is.
func formName(s []byte) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.%[]+*~!$'()", c) >= 0) {
			return false
		}
	}
	return true
}

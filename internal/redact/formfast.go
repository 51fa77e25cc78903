package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"strings"
)

// formDataSignature is Form for the body nearly every LiqPay request
// sends, "data=…&signature=…", without ParseQuery's map and Encode's sort
// (a LiqPay body is redacted on every request: docs/benchmarks.md). It
// gives what Form gives; ok is false for any other form (and under a
// GODEBUG urlmaxqueryparams, which may make ParseQuery refuse it).
// FuzzFormFastPath holds it to Form's general path.
func formDataSignature(s string) (form string, data json.RawMessage, ok bool) {
	rest, found := strings.CutPrefix(s, "data=")
	if !found || strings.ContainsRune(s, ';') || strings.Count(s, "&") != 1 {
		return "", nil, false
	}
	rawData, rawSig, found := strings.Cut(rest, "&signature=")
	if !found || strings.Contains(os.Getenv("GODEBUG"), "urlmaxqueryparams") {
		return "", nil, false
	}
	d, err := url.QueryUnescape(rawData)
	if err != nil {
		return "", nil, false
	}
	sig, err := url.QueryUnescape(rawSig)
	if err != nil {
		return "", nil, false
	}
	if d != "" {
		raw := []byte(d)
		if dec, err := base64.StdEncoding.DecodeString(d); err == nil {
			raw = dec
		}
		if validJSON(raw) {
			data = JSON(raw)
			d = base64.StdEncoding.EncodeToString(data)
		}
	}
	// url.Values.Encode: keys sorted ("data" < "signature"), values escaped.
	return Text("data=" + url.QueryEscape(d) + "&signature=" + url.QueryEscape(sig)), data, true
}

package liqpay

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha3"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/mockpay/mockpay/internal/lenient"
	"github.com/mockpay/mockpay/internal/plainjson"
)

// Envelope is what arrives in a request body: the two form fields
// (reference §2.2).
type Envelope struct {
	Data      string
	Signature string
}

// DecodeEnvelope reads the form body (any content type: the Java SDK sends
// none, and a trailing "&"), falling back to the query string for fields the
// body lacks.
func DecodeEnvelope(body []byte, query url.Values) Envelope {
	text := string(body)
	var form url.Values // parsed only when formValue cannot answer
	get := func(k string) string {
		v, ok := formValue(text, k)
		if !ok {
			if form == nil {
				// ParseQuery keeps every well-formed pair even when
				// another is broken.
				form, _ = url.ParseQuery(text)
			}
			v = form.Get(k)
		}
		if v != "" {
			return v
		}
		return query.Get(k)
	}
	return Envelope{Data: get("data"), Signature: get("signature")}
}

// Params is the decoded JSON of data. Values keep their JSON kind; the
// accessors are tolerant the way real clients differ (reference §2.4 step 4).
type Params map[string]any

var errNotJSON = errors.New("data is neither base64-encoded JSON nor JSON")

// DecodeData turns the received data string into Params: raw JSON when it
// starts with "{" (the official Python SDK sends that), base64 JSON otherwise
// (standard or URL alphabet, padding optional, line breaks ignored).
func DecodeData(data string) (Params, error) {
	trimmed := strings.TrimSpace(data)
	var raw []byte
	if strings.HasPrefix(trimmed, "{") {
		raw = []byte(trimmed)
	} else {
		var err error
		if raw, err = lenient.Base64(trimmed); err != nil {
			return nil, errNotJSON
		}
	}
	// Most data is plain JSON: decoded without reflection, the same values.
	if v, ok := plainjson.Decode(raw); ok {
		if m, isObject := v.(map[string]any); isObject {
			return m, nil
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var p Params
	if err := dec.Decode(&p); err != nil || p == nil {
		return nil, errNotJSON
	}
	// Anything after the object (other than spaces) means it was not JSON.
	if _, err := dec.Token(); err != io.EOF {
		return nil, errNotJSON
	}
	return p, nil
}

// Str returns a parameter as text: strings as they are, numbers as written,
// booleans as "true"/"false". null and "" count as absent.
func (p Params) Str(key string) (string, bool) {
	switch v := p[key].(type) {
	case string:
		return v, v != ""
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case nil:
		return "", false
	default:
		b, err := json.Marshal(v)
		return string(b), err == nil
	}
}

// S is Str without the presence flag.
func (p Params) S(key string) string {
	s, _ := p.Str(key)
	return s
}

// Flag reads 1, "1", true, "true", "yes" and "Y" as true.
func (p Params) Flag(key string) bool {
	switch strings.ToLower(strings.TrimSpace(p.S(key))) {
	case "1", "true", "yes", "y":
		return true
	}
	return false
}

// Int reads an integral number given as a number or a string ("3", 3, "3.0").
func (p Params) Int(key string) (int64, bool) {
	s, ok := p.Str(key)
	if !ok {
		return 0, false
	}
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// SigAlgo is the hash a request was signed with, remembered per payment so
// its callbacks are signed the same way (reference §2.3).
type SigAlgo string

const (
	SHA1    SigAlgo = "sha1"
	SHA3256 SigAlgo = "sha3-256"
)

// algoFor picks the hash by API version: 7 and later use SHA3-256.
func algoFor(version int64) SigAlgo {
	if version >= 7 {
		return SHA3256
	}
	return SHA1
}

// Sign computes base64(hash(private_key + data + private_key)).
func Sign(algo SigAlgo, privateKey, data string) string {
	msg := privateKey + data + privateKey
	if algo == SHA3256 {
		sum := sha3.Sum256([]byte(msg))
		return base64.StdEncoding.EncodeToString(sum[:])
	}
	sum := sha1.Sum([]byte(msg))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// VerifySignature checks a signature over the data exactly as received, in
// constant time.
func VerifySignature(algo SigAlgo, privateKey, data, signature string) bool {
	want := Sign(algo, privateKey, data)
	return subtle.ConstantTimeCompare([]byte(want), []byte(signature)) == 1
}

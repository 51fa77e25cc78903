// Package liqpayclient talks to a LiqPay-compatible server the way each
// official LiqPay SDK does, byte for byte: the same JSON dialect, key order,
// value types, data encoding (base64, or raw JSON for Python), form encoding
// and hash. None of the official SDKs can be installed where mockpay is built
// and tested (reference liqpay.md §10), so tests — and later the mockpaytest
// helper — use this package to prove mockpay accepts what every real
// integration sends (reference §2.7).
//
// It is a client: it knows LiqPay's wire format as the SDKs write it and must
// not import or know anything of mockpay's emulator.
package liqpayclient

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha3"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Encoding names the official SDK whose request encoding a Client copies.
type Encoding int

const (
	// PHP is liqpay/sdk-php: base64(json_encode(array_merge(['public_key'=>…], $params)))
	// — "/" written as "\/", non-ASCII as \uXXXX, keys in insertion order with
	// public_key first — posted with http_build_query.
	PHP Encoding = iota
	// Python is liqpay/sdk-python (liqpay3.py): data is the raw JSON of
	// json.dumps(params, sort_keys=True) — ", " and ": " separators,
	// ensure_ascii escapes — and the signature covers that raw JSON.
	Python
	// Java is liqpay/sdk-java: json-simple over a TreeMap<String,String>
	// (sorted keys, every value a string, "/" as "\/"), version forced to
	// "3", and a hand-built body "k=v&k=v&" with a trailing "&".
	Java
	// Ruby is liqpay/sdk-ruby: every value to_s, "server_url":null and
	// "return_url":null defaults, JSON.generate, Net::HTTP.post_form.
	Ruby
	// Node is liqpay/sdk-nodejs: JSON.stringify (insertion order, public_key
	// set last unless present), base64, URLSearchParams.
	Node
	// Go is liqpay/sdk-go: json.Marshal of a map (sorted keys, <>& escaped as
	// \u003c \u003e \u0026), base64, url.Values.Encode.
	Go
)

// Encodings lists every SDK encoding, for table-driven tests.
var Encodings = []Encoding{PHP, Python, Java, Ruby, Node, Go}

func (e Encoding) String() string {
	switch e {
	case PHP:
		return "PHP"
	case Python:
		return "Python"
	case Java:
		return "Java"
	case Ruby:
		return "Ruby"
	case Node:
		return "Node"
	case Go:
		return "Go"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// Client sends LiqPay API requests encoded as one official SDK would.
type Client struct {
	// BaseURL is the server's root, e.g. "http://127.0.0.1:8470"; requests
	// go to BaseURL + "/api/" + path, as every SDK builds them.
	BaseURL    string
	PublicKey  string
	PrivateKey string
	Encoding   Encoding
	// Version7 signs with SHA3-256, as LiqPay's API version 7 requires
	// (reference §2.3). No official SDK does this yet; everything else stays
	// as Encoding writes it, except that Java then forces version "7"
	// instead of "3". The caller puts "version": 7 in the params.
	Version7 bool
	// HTTP sends the requests; nil means http.DefaultClient.
	HTTP *http.Client
}

// KV is one request parameter.
type KV struct {
	Key   string
	Value any
}

// Params are request parameters in insertion order. PHP arrays, JavaScript
// objects and Ruby hashes keep insertion order, so for those SDKs the order
// is part of the bytes sent (and of the signature). Values may be strings,
// booleans, integers, floats, json.Number, nil, nested Params,
// map[string]any or []any.
type Params []KV

// Get returns the value of key and whether it is present.
func (p Params) Get(key string) (any, bool) {
	for _, kv := range p {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// set overwrites key in place or appends it, like assigning to a PHP array
// key, a JavaScript object property or a Ruby hash key.
func (p Params) set(key string, v any) Params {
	for i := range p {
		if p[i].Key == key {
			out := append(Params(nil), p...)
			out[i].Value = v
			return out
		}
	}
	return append(append(Params(nil), p...), KV{key, v})
}

// fieldOrder is the order LiqPay's documentation writes the common fields
// in (the data_signature page's test vector: version, action, amount,
// currency, description, order_id), which is how integrators build their
// arrays. Ordered uses it to give a Go map a deterministic insertion order.
var fieldOrder = []string{"version", "public_key", "action", "amount", "currency", "description", "order_id"}

// Ordered turns a map into Params: the documented common fields first in
// documentation order, then the remaining keys sorted. Nested maps are
// written with sorted keys.
func Ordered(m map[string]any) Params {
	out := make(Params, 0, len(m))
	seen := map[string]bool{}
	for _, k := range fieldOrder {
		if v, ok := m[k]; ok {
			out = append(out, KV{k, v})
			seen[k] = true
		}
	}
	for _, k := range sortedKeys(m) {
		if !seen[k] {
			out = append(out, KV{k, m[k]})
		}
	}
	return out
}

// Encode returns what the SDK would send for params (in Ordered order): the
// form body, the data field and the signature.
func (c *Client) Encode(params map[string]any) (form, data, signature string) {
	return c.EncodeParams(Ordered(params))
}

// EncodeParams is Encode with an explicit insertion order.
func (c *Client) EncodeParams(params Params) (form, data, signature string) {
	var jsonText string
	switch c.Encoding {
	case PHP:
		// array_merge(compact('public_key'), $params): public_key first.
		p := append(Params{{"public_key", c.PublicKey}}, without(params, "public_key")...)
		jsonText = phpJSON.encode(p)
	case Python:
		jsonText = pythonJSON.encode(params.set("public_key", c.PublicKey))
	case Java:
		version := "3"
		if c.Version7 {
			version = "7"
		}
		jsonText = javaJSON.encode(javaValues(params.set("public_key", c.PublicKey).set("version", version)))
	case Ruby:
		jsonText = rubyJSON.encode(rubyValues(params).set("public_key", c.PublicKey))
	case Node:
		jsonText = nodeJSON.encode(params.set("public_key", c.PublicKey))
	default:
		jsonText = goJSON(params.set("public_key", c.PublicKey))
	}
	data = jsonText
	if c.Encoding != Python {
		data = base64.StdEncoding.EncodeToString([]byte(jsonText))
	}
	signature = Sign(c.PrivateKey, data, c.Version7)
	form = c.Encoding.form(data, signature)
	return form, data, signature
}

// Sign is LiqPay's signature: base64(sha1(private_key + data + private_key)),
// or SHA3-256 for API version 7 (reference §2.3).
func Sign(privateKey, data string, version7 bool) string {
	msg := []byte(privateKey + data + privateKey)
	if version7 {
		sum := sha3.Sum256(msg)
		return base64.StdEncoding.EncodeToString(sum[:])
	}
	sum := sha1.Sum(msg)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func without(p Params, key string) Params {
	out := make(Params, 0, len(p))
	for _, kv := range p {
		if kv.Key != key {
			out = append(out, kv)
		}
	}
	return out
}

// check reproduces the SDKs' own refusal to send a request without version.
func (e Encoding) check(p Params) error {
	v, ok := p.Get("version")
	switch e {
	case PHP: // if (!isset($params['version'])) throw …
		if !ok || v == nil {
			return errors.New("liqpayclient: the PHP SDK refuses a request without version")
		}
	case Node: // if (!params.version) throw …
		if !ok || jsFalsy(v) {
			return errors.New("liqpayclient: the Node SDK refuses a request without version")
		}
	case Ruby: // validate_presence!(:version) after the "3" default
		if ok && rubyString(v) == "" {
			return errors.New("liqpayclient: the Ruby SDK refuses an empty version")
		}
	}
	return nil
}

// Do sends params to BaseURL + "/api/" + path (path like "request" or the
// legacy "payment/status") and decodes the JSON answer with UseNumber, so
// numbers keep their written form (3.0 stays "3.0"). It returns the decoded
// object and the raw body. A transport failure, a body that is not a JSON
// object, or a non-200 status is an error; the body is returned with it.
func (c *Client) Do(ctx context.Context, path string, params map[string]any) (map[string]any, []byte, error) {
	return c.DoParams(ctx, path, Ordered(params))
}

// DoParams is Do with an explicit insertion order.
func (c *Client) DoParams(ctx context.Context, path string, params Params) (map[string]any, []byte, error) {
	if err := c.Encoding.check(params); err != nil {
		return nil, nil, err
	}
	form, _, _ := c.EncodeParams(params)
	url := strings.TrimRight(c.BaseURL, "/") + "/api/" + strings.TrimLeft(path, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(form))
	if err != nil {
		return nil, nil, err
	}
	// Every SDK sends a form content type: explicitly (PHP's curl, requests,
	// axios, Net::HTTP, http.Post) or as the JDK's HttpURLConnection default.
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, body, err
	}
	m, err := DecodeJSON(body)
	if err != nil {
		return nil, body, fmt.Errorf("liqpayclient: HTTP %d, body is not a JSON object: %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		return m, body, fmt.Errorf("liqpayclient: HTTP %d", resp.StatusCode)
	}
	return m, body, nil
}

// DecodeJSON decodes one JSON object with UseNumber and nothing after it.
func DecodeJSON(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("null instead of an object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return m, nil
}

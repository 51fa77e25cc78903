package liqpayclient

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonDialect is how one language's JSON encoder writes text (reference
// §2.7). Floats outside everyday money amounts follow each language's
// switch to exponent notation only approximately.
type jsonDialect struct {
	itemSep, keySep string
	escapeSlash     bool // "/" as "\/" (PHP json_encode, json-simple)
	asciiOnly       bool // non-ASCII as \uXXXX with surrogate pairs (PHP, Python)
	upperHex        bool // \u001F rather than \u001f (json-simple)
	escapeDEL       bool // U+007F as \u007f (Python's ensure_ascii)
	javaRanges      bool // json-simple also escapes U+007F–U+009F and U+2000–U+20FF
	sortKeys        bool // Python's sort_keys=True, recursively
	emptyMapIsArray bool // PHP: an empty array encodes as []
	float           func(float64) string
}

var (
	// phpJSON is json_encode with default flags on PHP ≥ 7.1
	// (serialize_precision -1: shortest round-trip floats, 3.0 written as 3).
	phpJSON = jsonDialect{itemSep: ",", keySep: ":", escapeSlash: true, asciiOnly: true, emptyMapIsArray: true,
		float: func(f float64) string { return floatText(f, -4, 15, false, "e", 1, true) }}
	// pythonJSON is json.dumps(params, sort_keys=True) with its defaults.
	pythonJSON = jsonDialect{itemSep: ", ", keySep: ": ", asciiOnly: true, escapeDEL: true, sortKeys: true,
		float: func(f float64) string { return floatText(f, -4, 16, true, "e", 2, false) }}
	// javaJSON is json-simple 1.1.1's JSONObject.toJSONString; values are
	// already strings (javaValues).
	javaJSON = jsonDialect{itemSep: ",", keySep: ":", escapeSlash: true, upperHex: true, javaRanges: true,
		float: javaDouble}
	// rubyJSON is JSON.generate with its defaults (no script_safe).
	rubyJSON = jsonDialect{itemSep: ",", keySep: ":", float: rubyFloat}
	// nodeJSON is JSON.stringify.
	nodeJSON = jsonDialect{itemSep: ",", keySep: ":",
		float: func(f float64) string { return floatText(f, -6, 21, false, "e", 1, false) }}
)

func (d jsonDialect) encode(p Params) string {
	var b strings.Builder
	d.value(&b, p)
	return b.String()
}

func (d jsonDialect) value(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		d.str(b, v)
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(v), 10))
	case uint64:
		b.WriteString(strconv.FormatUint(v, 10))
	case float64:
		b.WriteString(d.float(v))
	case float32:
		b.WriteString(d.float(float64(v)))
	case json.Number:
		if _, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			b.WriteString(string(v))
		} else if f, err := v.Float64(); err == nil {
			b.WriteString(d.float(f))
		} else {
			d.str(b, string(v))
		}
	case Params:
		d.object(b, v)
	case map[string]any:
		if len(v) == 0 && d.emptyMapIsArray {
			b.WriteString("[]")
			return
		}
		d.object(b, mapParams(v))
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(d.itemSep)
			}
			d.value(b, e)
		}
		b.WriteByte(']')
	case []string:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(d.itemSep)
			}
			d.str(b, e)
		}
		b.WriteByte(']')
	default:
		d.str(b, fmt.Sprint(v))
	}
}

func (d jsonDialect) object(b *strings.Builder, p Params) {
	if d.sortKeys {
		p = append(Params(nil), p...)
		sort.SliceStable(p, func(i, j int) bool { return p[i].Key < p[j].Key })
	}
	b.WriteByte('{')
	for i, kv := range p {
		if i > 0 {
			b.WriteString(d.itemSep)
		}
		d.str(b, kv.Key)
		b.WriteString(d.keySep)
		d.value(b, kv.Value)
	}
	b.WriteByte('}')
}

func (d jsonDialect) str(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s { // invalid UTF-8 reads as U+FFFD
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '/':
			if d.escapeSlash {
				b.WriteString(`\/`)
			} else {
				b.WriteByte('/')
			}
		default:
			switch {
			case r < 0x20,
				r == 0x7f && d.escapeDEL,
				d.javaRanges && (r >= 0x7f && r <= 0x9f || r >= 0x2000 && r <= 0x20ff):
				d.uEscape(b, r)
			case r >= 0x80 && d.asciiOnly:
				if r > 0xffff {
					r -= 0x10000
					d.uEscape(b, 0xd800+(r>>10))
					d.uEscape(b, 0xdc00+(r&0x3ff))
				} else {
					d.uEscape(b, r)
				}
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

func (d jsonDialect) uEscape(b *strings.Builder, r rune) {
	format := `\u%04x`
	if d.upperHex {
		format = `\u%04X`
	}
	fmt.Fprintf(b, format, r)
}

// floatText writes f in shortest round-trip digits: positional when the
// decimal exponent is in [lo, hi), else mantissa + expMark + sign + exponent
// padded to expDigits. intFrac appends ".0" to an integral positional value
// (Python, Ruby); mantFrac to an integral mantissa (PHP, Ruby: 1.0e+25).
func floatText(f float64, lo, hi int, intFrac bool, expMark string, expDigits int, mantFrac bool) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "null"
	}
	if f == 0 {
		if intFrac {
			return "0.0"
		}
		return "0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // like -1.5e+16
	mant, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	if x >= lo && x < hi {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if intFrac && !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	if mantFrac && !strings.Contains(mant, ".") {
		mant += ".0"
	}
	sign := "+"
	if x < 0 {
		sign, x = "-", -x
	}
	return fmt.Sprintf("%s%s%s%0*d", mant, expMark, sign, expDigits, x)
}

// javaDouble is Double.toString: positional from 1e-3 to 1e7, else
// "1.0E7" / "1.0E-4".
func javaDouble(f float64) string {
	s := floatText(f, -3, 7, true, "E", 1, true)
	return strings.Replace(s, "E+", "E", 1)
}

// rubyFloat is Float#to_s: positional from 1e-4 to 1e16, else "1.0e+16".
func rubyFloat(f float64) string { return floatText(f, -4, 16, true, "e", 2, true) }

// javaValues turns every value into the string a Java integrator puts in
// the SDK's Map<String,String>; nested values become their JSON text.
func javaValues(p Params) Params {
	out := make(Params, 0, len(p))
	for _, kv := range p {
		var s any
		switch v := kv.Value.(type) {
		case nil:
			s = nil // TreeMap keeps the null; json-simple writes null
		case string:
			s = v
		case Params, map[string]any, []any, []string:
			var b strings.Builder
			javaJSON.value(&b, v)
			s = b.String()
		default:
			s = scalarText(v, javaDouble)
		}
		out = append(out, KV{kv.Key, s})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key }) // TreeMap
	return out
}

// rubyValues is Liqpay::Parameters.normalize merged over the api defaults:
// {version: "3", server_url: nil, return_url: nil}.merge!(params.to_s).
func rubyValues(p Params) Params {
	out := Params{{"version", "3"}, {"server_url", nil}, {"return_url", nil}}
	for _, kv := range p {
		var v any
		switch kv.Value.(type) {
		case Params, map[string]any, []any, []string: // Enumerable === value: kept
			v = kv.Value
		default:
			v = rubyString(kv.Value)
		}
		out = out.set(kv.Key, v)
	}
	return out
}

// rubyString is Ruby's to_s of a scalar (nil.to_s is "").
func rubyString(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return scalarText(v, rubyFloat)
}

// scalarText writes a number or boolean as text, floats with float.
func scalarText(v any, float func(float64) string) string {
	switch v := v.(type) {
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return float(v)
	case float32:
		return float(float64(v))
	case json.Number:
		if _, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return string(v)
		}
		if f, err := v.Float64(); err == nil {
			return float(f)
		}
		return string(v)
	}
	return fmt.Sprint(v)
}

// jsFalsy is JavaScript's !value for the values a Go caller can pass.
func jsFalsy(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case int:
		return v == 0
	case int64:
		return v == 0
	case float64:
		return v == 0 || math.IsNaN(v)
	case json.Number:
		f, err := v.Float64()
		return err == nil && f == 0
	}
	return false
}

// goJSON is sdk-go's json.Marshal of its map[string]interface{} Request.
func goJSON(p Params) string {
	b, err := json.Marshal(goValue(p))
	if err != nil {
		return "null" // what the SDK would have failed on; never for plain values
	}
	return string(b)
}

func goValue(v any) any {
	switch v := v.(type) {
	case Params:
		m := make(map[string]any, len(v))
		for _, kv := range v {
			m[kv.Key] = goValue(kv.Value)
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = goValue(e)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = goValue(e)
		}
		return out
	}
	return v
}

func mapParams(m map[string]any) Params {
	out := make(Params, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, KV{k, m[k]})
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// form builds the request body with the SDK's URL encoder. Every SDK sends
// data first, then signature (Java's HashMap happens to iterate them in that
// order too: "data" hashes to bucket 4, "signature" to bucket 5).
func (e Encoding) form(data, signature string) string {
	var safe string
	switch e {
	case PHP:
		safe = "-_." // urlencode
	case Python, Go:
		safe = "-_.~" // quote_plus, url.QueryEscape
	case Java, Ruby, Node:
		safe = "*-._" // URLEncoder, encode_www_form_component, URLSearchParams
	}
	body := "data=" + formEscape(data, safe) + "&signature=" + formEscape(signature, safe)
	if e == Java {
		body += "&" // urlParameters += key + "=" + URLEncoder.encode(value) + "&"
	}
	return body
}

// formEscape is application/x-www-form-urlencoded escaping over UTF-8 bytes:
// ASCII letters, digits and safe stay, space becomes "+", the rest %XX.
func formEscape(s, safe string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c < utf8.RuneSelf && strings.IndexByte(safe, c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

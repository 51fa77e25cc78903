package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mockpay/mockpay/internal/redact"
)

// Recorder is the middleware that fills the journal. Requests to the
// control plane's own routes (/_mockpay/…) are not journaled — reading the
// journal would fill it — but they are Observed, like every request.
type Recorder struct {
	Journal *Journal
	// Identify names the merchant a request belongs to ("" for none) from
	// the request and the start of its body, with its tenant and the
	// tenant's virtual time.
	Identify func(r *http.Request, body []byte) Who
	// Route names the route that matches r, with its path variables; ok is
	// false when none does.
	Route func(r *http.Request) (template string, vars map[string]string, ok bool)
	// Provider names the API a path belongs to ("mockpay" for the control
	// plane, whose own requests are not journaled; "" for none). The
	// journal knows no provider's paths itself.
	Provider func(path string) string
	// Observe, when set, sees every finished request (metrics).
	Observe func(e *Entry)
}

// Who is whose a request is.
type Who struct {
	Merchant string
	Tenant   string
	Now      time.Time // the tenant's virtual time
}

// Caps on what is read and kept of a body. A body is read ahead up to
// peekCap so the merchant can be found in it; the rest streams on to the
// handler untouched. At most storeCap bytes of each body are stored.
const (
	peekCap  = 64 << 10
	storeCap = 16 << 10
)

// Wrap returns next with every request recorded.
func (rec Recorder) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		provider := rec.Provider(r.URL.Path)
		var route string
		var vars map[string]string
		var matched, routed bool
		if provider == "mockpay" {
			route, vars, matched = rec.Route(r)
			routed = true
		}
		if provider == "mockpay" && matched {
			cw := &capture{ResponseWriter: w, limit: 0}
			next.ServeHTTP(cw, r)
			if rec.Observe != nil {
				rec.Observe(&Entry{At: start, Provider: provider, Method: r.Method, Path: r.URL.Path, Route: route,
					Action: route, Status: cw.code(), Error: cw.code() >= 400, DurationMS: ms(time.Since(start))})
			}
			return
		}

		var body []byte
		if r.Body != nil && r.Body != http.NoBody {
			body = peek(r)
			r.Body = &replayBody{head: body, rest: r.Body}
		}
		who := Who{}
		if rec.Identify != nil {
			who = rec.Identify(r, body)
		}
		cw := &capture{ResponseWriter: w, limit: storeCap}
		next.ServeHTTP(cw, r)
		if !routed {
			// The router told which route it matched (NoteRoute), or, when
			// it matched none, the request is matched again to be sure.
			if route, vars, matched = cw.route, cw.vars, cw.routed; !matched {
				route, vars, matched = rec.Route(r)
			}
		}

		e := &Entry{
			At: start, VirtualAt: who.Now, Provider: provider, Merchant: who.Merchant, Tenant: who.Tenant,
			Method: r.Method, Path: redact.Text(r.URL.Path), Route: route, Unmatched: !matched,
			Status: cw.code(), DurationMS: ms(time.Since(start)),
			RequestHeaders: headers(r.Header), ResponseHeaders: headers(cw.Header()),
		}
		if !matched {
			e.Route = "unmatched"
		}
		if r.URL.RawQuery != "" {
			e.Query, _ = redact.Form(r.URL.RawQuery)
		}
		// The whole body read is redacted, then cut: a body cut first is
		// no longer JSON or base64, and its card data would escape the
		// parsers (bodies are at most peekCap here).
		// A body cut at the read limit ends mid-value: a card number or
		// CVV cut there is too short to be recognised, so its trailing
		// digits go first (review 4, finding 3).
		read := body
		if len(body) >= peekCap && r.ContentLength != int64(len(body)) {
			read = cutRead(body)
		}
		e.RequestBody, e.RequestData = redact.Body(r.Header.Get("Content-Type"), read)
		if len(e.RequestBody) > storeCap {
			e.RequestBody, e.RequestTruncated = cutText(e.RequestBody), true
		}
		data := e.RequestData
		if len(data) > storeCap {
			// LiqPay data past storeCap is not kept (cut, it would no
			// longer be JSON); the body keeps its start.
			e.RequestData, e.RequestTruncated = nil, true
		}
		stored := body
		if len(stored) > storeCap {
			stored, e.RequestTruncated = cut(stored), true
		}
		if data == nil && provider == "liqpay" && r.URL.RawQuery != "" {
			_, data = redact.Form(r.URL.RawQuery)
			e.RequestData = data
		}
		resp := cw.buf.Bytes()
		e.ResponseTruncated = cw.truncated
		if cw.truncated {
			resp = cut(resp)
		}
		e.ResponseBody, _ = redact.Body(cw.Header().Get("Content-Type"), resp)
		e.Error = e.Status == 0 || e.Status >= 400
		if cw.hijacked {
			e.ErrorCode = "connection dropped"
		}
		respDoc := object(bytes.TrimSpace(resp))
		e.Action, e.Refs = describe(provider, route, vars, data, stored, respDoc)
		if code := liqpayError(provider, respDoc); code != "" {
			e.Error, e.ErrorCode = true, code
		}
		rec.Journal.Add(e)
		if rec.Observe != nil {
			rec.Observe(e)
		}
	})
}

// peek reads the start of r's body, up to peekCap: in one allocation of
// the right size when the length is announced (io.ReadAll grows from 512
// bytes, copying as it goes).
func peek(r *http.Request) []byte {
	if n := r.ContentLength; n > 0 && n <= peekCap {
		buf := make([]byte, n)
		read, _ := io.ReadFull(r.Body, buf)
		return buf[:read]
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, peekCap))
	return body
}

// replayBody gives the handler the peeked start of the body again, then
// the rest.
type replayBody struct {
	head []byte
	rest io.ReadCloser
}

func (b *replayBody) Read(p []byte) (int, error) {
	if len(b.head) > 0 {
		n := copy(p, b.head)
		b.head = b.head[n:]
		return n, nil
	}
	return b.rest.Read(p)
}

func (b *replayBody) Close() error { return b.rest.Close() }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cut drops a trailing run of digits, spaces and dashes from a body cut
// short, so a card number split at the cut cannot slip past the masking.
func cut(b []byte) []byte {
	b = b[:min(len(b), storeCap)]
	return bytes.TrimRight(b, "0123456789 -")
}

// cutRead drops from a body cut at the read limit its trailing run of
// digits and separators, and of escapes of them or parts of one ("\u003",
// "\u0034", "%3"): what is left of a card number or a CVV the cut split,
// which is too short to be recognised as one, or hidden in an escape.
func cutRead(b []byte) []byte {
	for {
		n := len(b)
		b = bytes.TrimRight(b, "0123456789 -+\t")
		if i := bytes.LastIndexByte(b, '\\'); i >= 0 && len(b)-i <= 6 && partialEscape(b[i+1:], 'u', 4) {
			b = b[:i]
		}
		if i := bytes.LastIndexByte(b, '%'); i >= 0 && len(b)-i <= 3 && partialEscape(b[i+1:], 0, 2) {
			b = b[:i]
		}
		if len(b) == n {
			return b
		}
	}
}

// partialEscape reports whether s is the start of an escape's tail: the
// letter lead (when not 0), then at most n hex digits.
func partialEscape(s []byte, lead byte, n int) bool {
	if lead != 0 {
		if len(s) == 0 {
			return true
		}
		if s[0] != lead {
			return false
		}
		s = s[1:]
	}
	if len(s) > n {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f') {
			return false
		}
	}
	return true
}

// cutText is a redacted body cut to storeCap: at a whole character, and,
// like cut, without a trailing run of digits and separators, so that no
// stretch of a longer digit run (an id) reads as a card number.
func cutText(s string) string {
	s = s[:min(len(s), storeCap)]
	for i := 0; i < utf8.UTFMax-1 && len(s) > 0; i++ {
		if r, size := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || size > 1 {
			break
		}
		s = s[:len(s)-1] // a character cut in two
	}
	return strings.TrimRight(s, "0123456789 -+\t")
}

// secretHeaders are masked in stored headers.
var secretHeaders = map[string]bool{"Authorization": true, "X-Api-Key": true, "Cookie": true, "Set-Cookie": true, "Proxy-Authorization": true}

// cvvHeader reports whether a header is named like a CVV ("Cvv",
// "X-Card-Cvv"): such a header is not stored at all.
func cvvHeader(k string) bool {
	if !mayNameCVV(k) {
		return false // most headers: no allocation
	}
	k = strings.ToLower(k)
	if redact.IsCVV(k) || redact.IsCVV(strings.ReplaceAll(strings.TrimPrefix(k, "x-"), "-", "")) {
		return true
	}
	for _, w := range strings.FieldsFunc(k, func(r rune) bool { return r == '-' || r == '_' }) {
		if redact.IsCVV(w) {
			return true
		}
	}
	return false
}

// mayNameCVV reports whether k holds, in any case, "cv" or "sec": every
// CVV name (redact.IsCVV) does.
func mayNameCVV(k string) bool {
	for i := 0; i+2 <= len(k); i++ {
		a, b := k[i]|0x20, k[i+1]|0x20
		if a == 'c' && b == 'v' || a == 's' && b == 'e' && i+3 <= len(k) && k[i+2]|0x20 == 'c' {
			return true
		}
	}
	return false
}

// headerValue is a header value as stored: credentials masked, card
// numbers masked and CVVs removed as in any text, and the query of a
// Referer (the page a form was posted from) read as a form, where LiqPay's
// data is decoded and its card masked and its CVV removed (review 4,
// finding 5).
//
// Cookies are masked one by one, their names kept ("Cookie: cvv=…" once
// kept its first cookie whole, taken for an auth scheme), and a URL in any
// header has its query read as a form, as the Referer's is.
func headerValue(k, v string) string {
	if k == "Cookie" || k == "Set-Cookie" {
		return cookieValue(v)
	}
	if secretHeaders[k] || redact.IsSecret(k) {
		return redact.Header(v)
	}
	if base, query, ok := strings.Cut(v, "?"); ok {
		query, _ = redact.Form(query)
		return redact.Text(base) + "?" + query
	}
	return redact.Text(v)
}

// cookieValue masks each cookie's value (as a credential: its last four
// characters kept) and leaves out cookies named like a CVV.
func cookieValue(v string) string {
	var kept []string
	for _, c := range strings.Split(v, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(c), "=")
		switch {
		case redact.IsCVV(name):
		case !ok:
			kept = append(kept, redact.Text(name)) // an attribute: HttpOnly, Secure
		default:
			masked := "****"
			if len(value) > 8 {
				masked += value[len(value)-4:]
			}
			kept = append(kept, name+"="+masked)
		}
	}
	return strings.Join(kept, "; ")
}

// headers copies h with its secrets and card data masked and its CVV
// headers left out. The values share one backing array (one allocation
// rather than one a header).
func headers(h http.Header) http.Header {
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	out := make(http.Header, len(h))
	all := make([]string, 0, n)
	for k, vs := range h {
		k = http.CanonicalHeaderKey(k)
		if cvvHeader(k) {
			continue
		}
		from := len(all)
		for _, v := range vs {
			all = append(all, headerValue(k, v))
		}
		// The full slice expression makes a later append (two spellings
		// of one name) copy instead of writing over the next header.
		if vals := all[from:len(all):len(all)]; out[k] == nil {
			out[k] = vals
		} else {
			out[k] = append(out[k], vals...)
		}
	}
	return out
}

// refDoc is what the journal reads of a JSON document: the fields that
// name a payment, LiqPay's action, and its error answer. Decoding only
// these (not the whole document into a map, three times over) was a large
// part of the journal's cost per request (docs/benchmarks.md).
type refDoc struct {
	PaymentID      any `json:"payment_id"`
	OrderID        any `json:"order_id"`
	IdempotencyKey any `json:"idempotencyKey"`
	ReferenceID    any `json:"referenceId"`
	Action         any `json:"action"`
	Result         any `json:"result"`
	ErrCode        any `json:"err_code"`
}

// refs are the payment references of d, in refFields order.
func (d *refDoc) refs() [4]any {
	return [4]any{d.PaymentID, d.OrderID, d.IdempotencyKey, d.ReferenceID}
}

// describe finds a request's action and the payments it names.
func describe(provider, route string, vars map[string]string, data json.RawMessage, reqBody []byte, resp *refDoc) (string, []string) {
	var refs []string
	add := func(v any) {
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case json.Number:
			s = x.String()
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		}
		// A ref is masked as the stored bodies are (the raw body and the
		// answer name it in clear); Journal.List masks a Filter.Ref the
		// same way, so a payment's timeline still finds its entries.
		s = MaskRef(s)
		if s != "" && !containsString(refs, s) {
			refs = append(refs, s)
		}
	}
	dataDoc := object(data)
	for _, d := range []*refDoc{dataDoc, object(reqBody), resp} {
		if d == nil {
			continue
		}
		for _, v := range d.refs() {
			add(v)
		}
	}
	var action string
	if dataDoc != nil {
		action, _ = dataDoc.Action.(string)
	}
	if k := vars["key"]; k != "" {
		add(k)
	}
	switch {
	case provider == "liqpay" && action == "":
		action = vars["action"]
		if action == "" && strings.HasPrefix(route, "/api/3ds/") {
			action = "3ds"
		}
	case provider != "liqpay":
		action = route
	}
	return action, refs
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// object decodes what the journal reads of a JSON object, or nil. (Into a
// struct, encoding/json matches names ignoring case, so "Order_ID" counts
// as order_id too: harmless for references in a journal.)
func object(b []byte) *refDoc {
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	if d, ok := scanRefs(b); ok {
		return d
	}
	return decodeRefs(b)
}

// decodeRefs is object by encoding/json, for what scanRefs leaves to it.
func decodeRefs(b []byte) *refDoc {
	var d refDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&d) != nil {
		return nil
	}
	return &d
}

// liqpayError is the err_code of a LiqPay answer with "result":"error",
// which LiqPay sends with HTTP 200.
func liqpayError(provider string, d *refDoc) string {
	if provider != "liqpay" {
		return ""
	}
	if d == nil || d.Result != "error" {
		return ""
	}
	if code, ok := d.ErrCode.(string); ok && code != "" {
		return code
	}
	return "error"
}

// capture keeps the status and the start of the body a handler writes,
// and the route the router noted.
type capture struct {
	http.ResponseWriter
	limit     int
	status    int
	buf       bytes.Buffer
	truncated bool
	hijacked  bool

	routed bool
	route  string
	vars   map[string]string
}

// RouteNoter is the ResponseWriter the Recorder hands down: a router's
// middleware, which runs once a route has matched, tells it the route's
// template and variables (NoteRoute), so the Recorder does not match the
// request against every route a second time (docs/benchmarks.md).
type RouteNoter interface {
	NoteRoute(template string, vars map[string]string)
}

// NoteRoute records the matched route (RouteNoter).
func (c *capture) NoteRoute(template string, vars map[string]string) {
	c.routed, c.route, c.vars = true, template, vars
}

func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if c.limit > 0 {
		room := max(c.limit-c.buf.Len(), 0)
		if len(b) > room {
			c.truncated = true
		}
		c.buf.Write(b[:min(room, len(b))])
	}
	return c.ResponseWriter.Write(b)
}

// code is the status sent: 0 when the connection was dropped unanswered.
func (c *capture) code() int {
	if c.hijacked && c.status == 0 {
		return 0
	}
	if c.status == 0 {
		return http.StatusOK
	}
	return c.status
}

// Flush lets scripted slow answers trickle through.
func (c *capture) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack lets scripted faults drop the connection.
func (c *capture) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := c.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("journal: the connection cannot be hijacked")
	}
	c.hijacked = true
	return hj.Hijack()
}

// Unwrap gives http.ResponseController the writer underneath.
func (c *capture) Unwrap() http.ResponseWriter { return c.ResponseWriter }

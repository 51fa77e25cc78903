package e2e

// What the Liquido tests share: a server with Liquido merchants, access
// tokens, authenticated calls, one merchant's virtual clock, the hosted
// pages driven as a browser would, and the checks written here from the
// documentation alone (reference liquido.md): the callback signature and the
// timestamp layouts. Every helper is prefixed lq.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/internal/liquidotest"
)

// lqMerchant is one Liquido merchant's credentials, and the callback_url
// the configuration file gives it, if any.
type lqMerchant struct{ id, secret, apiKey, callbackURL string }

// lqDefault is the built-in merchant (README, DESIGN.md).
var lqDefault = lqMerchant{id: "sandbox-client-id", secret: "sandbox-client-secret", apiKey: "sandbox-api-key"}

// lqNamed is a merchant the configuration file adds.
func lqNamed(name string) lqMerchant {
	return lqMerchant{id: name, secret: name + "-secret", apiKey: name + "-api-key"}
}

// lqServer is a running mockpay with the Liquido merchants a test needs.
type lqServer struct {
	*mockpay
	mu     sync.Mutex
	tokens map[string]string // client_id → the last access token
}

// lqStart starts mockpay with the default merchant plus extra, configured
// through a --config file as a user would.
func lqStart(t *testing.T, extra ...lqMerchant) *lqServer {
	t.Helper()
	var args []string
	if len(extra) > 0 {
		var b strings.Builder
		b.WriteString("liquido:\n  merchants:\n")
		for _, m := range extra {
			fmt.Fprintf(&b, "    - client_id: %s\n      client_secret: %s\n      api_key: %s\n", m.id, m.secret, m.apiKey)
			if m.callbackURL != "" {
				fmt.Fprintf(&b, "      callback_url: %s\n", m.callbackURL)
			}
		}
		args = append(args, "--config", writeFile(t, "mockpay.yaml", b.String()))
	}
	return &lqServer{mockpay: start(t, args...), tokens: map[string]string{}}
}

// lqReply is an HTTP answer as it came.
type lqReply struct {
	code   int
	header http.Header
	body   []byte
}

// json decodes the answer, failing the test unless it is a JSON object.
func (r lqReply) json(t *testing.T) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("HTTP %d: the answer is not a JSON object (%v): %q", r.code, err, r.body)
	}
	return out
}

// send sends a request; body is JSON-encoded unless it is nil, a string or
// []byte. A JSON body gets Content-Type application/json.
func (s *lqServer) send(t *testing.T, method, path string, body any, header http.Header) lqReply {
	t.Helper()
	req, err := liquidotest.NewRequest(method, s.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	return lqReply{code: resp.StatusCode, header: resp.Header, body: raw}
}

// tokenRequest posts a form to /oauth2/token, as the SDK's AuthClient does.
func (s *lqServer) tokenRequest(t *testing.T, form url.Values, header http.Header) lqReply {
	t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, v := range header {
		h[http.CanonicalHeaderKey(k)] = v
	}
	return s.send(t, http.MethodPost, "/oauth2/token", form.Encode(), h)
}

func lqCredentials(m lqMerchant) url.Values {
	return liquidotest.TokenForm(m.id, m.secret)
}

// newToken asks for a fresh access token for m.
func (s *lqServer) newToken(t *testing.T, m lqMerchant) string {
	t.Helper()
	r := s.tokenRequest(t, lqCredentials(m), nil)
	if r.code != http.StatusOK {
		t.Fatalf("token for %s: HTTP %d %s", m.id, r.code, r.body)
	}
	tok, _ := r.json(t)["access_token"].(string)
	if tok == "" {
		t.Fatalf("token for %s: no access_token in %s", m.id, r.body)
	}
	s.mu.Lock()
	s.tokens[m.id] = tok
	s.mu.Unlock()
	return tok
}

// token is m's current access token, fetched on first use.
func (s *lqServer) token(t *testing.T, m lqMerchant) string {
	t.Helper()
	s.mu.Lock()
	tok, ok := s.tokens[m.id]
	s.mu.Unlock()
	if ok {
		return tok
	}
	return s.newToken(t, m)
}

func lqAuth(token string, m lqMerchant) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}, "X-Api-Key": {m.apiKey}}
}

// lqExpired is the gateway's answer to a token past its exp.
const lqExpired = `{"message":"The incoming token has expired"}`

// call sends an authenticated API request as m. Like an SDK that caches
// its token, it gets a new one when the gateway says the old one expired
// (tests that advance a clock by hours do), and retries once.
func (s *lqServer) call(t *testing.T, m lqMerchant, method, path string, body any) lqReply {
	t.Helper()
	r := s.send(t, method, path, body, lqAuth(s.token(t, m), m))
	if r.code == http.StatusUnauthorized && strings.TrimSpace(string(r.body)) == lqExpired {
		r = s.send(t, method, path, body, lqAuth(s.newToken(t, m), m))
	}
	return r
}

// post sends an API call as m, wants HTTP 200 and returns the JSON answer.
func (s *lqServer) post(t *testing.T, m lqMerchant, path string, body any) map[string]any {
	t.Helper()
	r := s.call(t, m, http.MethodPost, path, body)
	if r.code != http.StatusOK {
		t.Fatalf("POST %s as %s: HTTP %d %s", path, m.id, r.code, r.body)
	}
	return r.json(t)
}

// get is post for GET.
func (s *lqServer) get(t *testing.T, m lqMerchant, path string) map[string]any {
	t.Helper()
	r := s.call(t, m, http.MethodGet, path, nil)
	if r.code != http.StatusOK {
		t.Fatalf("GET %s as %s: HTTP %d %s", path, m.id, r.code, r.body)
	}
	return r.json(t)
}

// payment retrieves a payment by its idempotencyKey.
func (s *lqServer) payment(t *testing.T, m lqMerchant, key string) map[string]any {
	t.Helper()
	return s.get(t, m, "/v1/payments/charges/"+url.PathEscape(key))
}

// advance moves m's virtual clock by d (a Go duration); the server runs
// what fell due and waits for the callback attempts before answering.
func (s *lqServer) advance(t *testing.T, m lqMerchant, d string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"duration": d, "merchant": m.id})
	r := s.send(t, http.MethodPost, "/_mockpay/clock/advance", body, nil)
	if r.code != http.StatusOK {
		t.Fatalf("advancing %s's clock by %s: HTTP %d %s", m.id, d, r.code, r.body)
	}
}

// now is m's virtual time.
func (s *lqServer) now(t *testing.T, m lqMerchant) time.Time {
	t.Helper()
	r := s.send(t, http.MethodGet, "/_mockpay/clock?merchant="+url.QueryEscape(m.id), nil, nil)
	var out struct {
		Clocks []struct {
			NowMS int64 `json:"now_ms"`
		} `json:"clocks"`
	}
	if err := json.Unmarshal(r.body, &out); r.code != http.StatusOK || err != nil || len(out.Clocks) != 1 {
		t.Fatalf("clock of %s: HTTP %d %s", m.id, r.code, r.body)
	}
	return time.UnixMilli(out.Clocks[0].NowMS)
}

// putScenarios loads a runtime scenario set scoped to one merchant, so
// parallel tests of other merchants never see it.
func (s *lqServer) putScenarios(t *testing.T, name string, m lqMerchant, yaml string) {
	t.Helper()
	r := s.send(t, http.MethodPut, "/_mockpay/scenarios/"+name+"?merchant="+url.QueryEscape(m.id), yaml, nil)
	if r.code != http.StatusOK {
		t.Fatalf("PUT scenarios %s: HTTP %d %s", name, r.code, r.body)
	}
}

func (s *lqServer) deleteScenarios(t *testing.T, name string, m lqMerchant) {
	t.Helper()
	r := s.send(t, http.MethodDelete, "/_mockpay/scenarios/"+name+"?merchant="+url.QueryEscape(m.id), nil, nil)
	if r.code != http.StatusNoContent {
		t.Fatalf("DELETE scenarios %s: HTTP %d %s", name, r.code, r.body)
	}
}

// lqPageReply is a hosted page's answer, seen by a browser that does not
// follow redirects.
type lqPageReply struct {
	code                  int
	location, contentType string
	body                  string
}

// page requests a hosted page (an absolute URL); a POST sends form as the
// page's own form would.
func lqPage(t *testing.T, method, u string, form url.Values) lqPageReply {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return lqPageReply{code: resp.StatusCode, location: resp.Header.Get("Location"), contentType: resp.Header.Get("Content-Type"), body: string(raw)}
}

// lqCheckDecisionPage checks that u is an HTML page waiting for the payer:
// a form posting back to itself with Approve and Decline buttons.
func lqCheckDecisionPage(t *testing.T, u string) lqPageReply {
	t.Helper()
	p := lqPage(t, http.MethodGet, u, nil)
	if p.code != http.StatusOK || !strings.HasPrefix(p.contentType, "text/html") {
		t.Fatalf("GET %s: HTTP %d, Content-Type %q", u, p.code, p.contentType)
	}
	for _, want := range []string{`<form method="post">`, `name="decision" value="approve"`, `name="decision" value="decline"`} {
		if !strings.Contains(p.body, want) {
			t.Fatalf("GET %s: the page has no %s:\n%s", u, want, p.body)
		}
	}
	return p
}

// Request bodies, as the documentation's examples write them.

// lqRefund refunds amount of the payment reference under its own key.
func lqRefund(key, reference string, amount int64, country string) map[string]any {
	return liquidotest.Refund(key, reference, amount, liquidotest.Currency(country), country)
}

// lqWith sets key/value pairs on a request body and returns it.
func lqWith(body map[string]any, kv ...any) map[string]any { return liquidotest.With(body, kv...) }

// lqKey names a payment after the running (sub)test, unique per server.
func lqKey(t *testing.T, suffix string) string {
	k := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
	if suffix != "" {
		k += "-" + suffix
	}
	return k
}

// Comparing whole answers.

// The timestamp layouts Liquido writes (reference §3) and Spring's error
// timestamp (reference §14), for values that move with the clock.
var (
	lqTimeRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT-08:00$`)
	lqSpringRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$`)
)

// lqTime is the marker a timestamp becomes.
const lqTime = "<time>"

// lqMask replaces what must vary from run to run, so whole answers compare
// with cmp.Diff: every string in Liquido's timestamp layout or Spring's
// becomes "<time>" (a timestamp in any other layout stays and shows in the
// diff), and the values at the dotted paths given become "<varies>" when
// present. It works on a copy.
func lqMask(v any, paths ...string) any {
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		case string:
			if lqTimeRE.MatchString(x) || lqSpringRE.MatchString(x) {
				return lqTime
			}
		}
		return v
	}
	out := walk(v)
	for _, p := range paths {
		parts := strings.Split(p, ".")
		obj, _ := out.(map[string]any)
		for _, k := range parts[:len(parts)-1] {
			obj, _ = obj[k].(map[string]any)
		}
		if _, ok := obj[parts[len(parts)-1]]; ok {
			obj[parts[len(parts)-1]] = "<varies>"
		}
	}
	return out
}

// lqJSON decodes an expected answer written as JSON text.
func lqJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("expected JSON %q: %v", s, err)
	}
	return v
}

// lqDiff compares a whole answer with want (JSON text), after lqMask.
func lqDiff(t *testing.T, what, want string, got any, paths ...string) {
	t.Helper()
	if diff := cmp.Diff(lqJSON(t, want), lqMask(got, paths...)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

// lqReplyDiff compares an answer's HTTP status, Content-Type and whole body.
func lqReplyDiff(t *testing.T, what string, r lqReply, code int, want string, paths ...string) {
	t.Helper()
	var got any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Errorf("%s: HTTP %d, not JSON: %q", what, r.code, r.body)
		return
	}
	if diff := cmp.Diff([]any{code, "application/json", lqJSON(t, want)},
		[]any{r.code, r.header.Get("Content-Type"), lqMask(got, paths...)}); diff != "" {
		t.Errorf("%s: status, Content-Type, body (-want +got):\n%s", what, diff)
	}
}

// lqSpring is the API's error body (Spring Boot's, reference §14) with
// field errors given as field, message pairs; the timestamp is masked.
func lqSpring(code int, path, message string, fieldMessages ...string) string {
	type fieldError struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	}
	body := struct {
		Timestamp string       `json:"timestamp"`
		Status    int          `json:"status"`
		Error     string       `json:"error"`
		Message   string       `json:"message"`
		Path      string       `json:"path"`
		Errors    []fieldError `json:"errors,omitempty"`
	}{lqTime, code, http.StatusText(code), message, path, nil}
	for i := 0; i+1 < len(fieldMessages); i += 2 {
		body.Errors = append(body.Errors, fieldError{fieldMessages[i], fieldMessages[i+1]})
	}
	b, _ := json.Marshal(body)
	return string(b)
}

// lqInvalid is the 400 of a request whose fields are wrong: one entry per
// field, and the message listing them all ("Validation failed: f: m; …").
func lqInvalid(path string, fieldMessages ...string) string {
	var parts []string
	for i := 0; i+1 < len(fieldMessages); i += 2 {
		parts = append(parts, fieldMessages[i]+": "+fieldMessages[i+1])
	}
	return lqSpring(http.StatusBadRequest, path, "Validation failed: "+strings.Join(parts, "; "), fieldMessages...)
}

// lqAt reads a dotted path of a decoded answer.
func lqAt(m map[string]any, path string) any { return liquidotest.At(m, path) }

// Callbacks.

// lqEvent is a callback as the merchant receives it (reference §15.4).
type lqEvent struct {
	liquidotest.Event
	raw       []byte
	signature string
}

// lqEvents decodes what rv received.
func lqEvents(t *testing.T, rv *callbacktest.Receiver) []lqEvent {
	t.Helper()
	var out []lqEvent
	for _, r := range rv.Received() {
		var ev lqEvent
		if err := json.Unmarshal(r.Body, &ev); err != nil {
			t.Fatalf("callback body is not JSON (%v): %q", err, r.Body)
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("callback %s with Content-Type %q; want POST application/json", r.Method, r.Header.Get("Content-Type"))
		}
		ev.raw, ev.signature = r.Body, r.Header.Get("Liquido-Signature")
		out = append(out, ev)
	}
	return out
}

// lqSummary lists "EVENT idempotencyKey transferStatus" per callback.
func lqSummary(evs []lqEvent) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, fmt.Sprintf("%s %v %v", ev.EventType, ev.Data.ChargeDetails["idempotencyKey"], ev.Data.ChargeDetails["transferStatus"]))
	}
	return out
}

// lqVerify checks a Liquido-Signature header the way the documentation
// tells a merchant to (reference §15.2), with the standard library only:
// the header is "algorithm=HmacSHA256,timestamp=<unix seconds>,signature=<hex>",
// and the signature is HMAC-SHA256 keyed by the client_secret over
// "payload=<raw body>,timestamp=<timestamp>", in lowercase hex. It returns
// the timestamp.
func lqVerify(header string, body []byte, secret string) (int64, error) {
	parts := strings.Split(header, ",")
	if len(parts) != 3 {
		return 0, fmt.Errorf("header %q does not have three parts", header)
	}
	var values [3]string
	for i, name := range []string{"algorithm", "timestamp", "signature"} {
		k, v, ok := strings.Cut(parts[i], "=")
		if !ok || k != name {
			return 0, fmt.Errorf("header %q: part %d is not %s=…", header, i+1, name)
		}
		values[i] = v
	}
	if values[0] != "HmacSHA256" {
		return 0, fmt.Errorf("algorithm %q", values[0])
	}
	ts, err := strconv.ParseInt(values[1], 10, 64)
	if err != nil || strconv.FormatInt(ts, 10) != values[1] {
		return 0, fmt.Errorf("timestamp %q is not unix seconds", values[1])
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(values[2]) {
		return 0, fmt.Errorf("signature %q is not 64 lowercase hex digits", values[2])
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("payload=" + string(body) + ",timestamp=" + values[1]))
	if !hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(values[2])) {
		return ts, errors.New("the signature does not verify")
	}
	return ts, nil
}

// The valid request bodies come from internal/liquidotest, shared with the
// emulator's own tests.
var (
	lqPayer = liquidotest.Payer
	lqCard  = liquidotest.CardCharge
	lqLocal = liquidotest.LocalCharge
)

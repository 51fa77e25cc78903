package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liqpayclient"
	"github.com/mockpay/mockpay/internal/liquidotest"
)

// The bad-input corpus against the built binary: every request below is
// malformed in one way, and each gets its API's own error shape (LiqPay's
// HTTP 200 error envelope, Liquido's 4xx JSON, the control plane's
// {"error"} with a 4xx), never a panic, a 500 or a hang. Afterwards the
// server is healthy and the payments made before answer exactly as before.

// badShape is what a bad request must get back.
type badShape int

const (
	liqpayEnvelope badShape = iota // HTTP 200, {"result":"error",…, "err_code":…}
	liquidoError                   // HTTP 4xx with a JSON object
	controlError                   // HTTP 4xx with {"error": "…"}
	headerTooLarge                 // HTTP 431 from net/http, before any handler
)

type badRequest struct {
	name        string
	method      string
	path        string
	contentType string
	header      http.Header
	body        []byte
	want        badShape
}

func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := s.mockpay
	lq := lqDefault
	token := s.token(t, lq)
	lqHeader := lqAuth(token, lq)

	// State made before the corpus, compared after it.
	liqpayOrder := "badinput-before"
	m.do(t, payParams(liqpayOrder, "4242424242424242"))
	s.post(t, lq, "/v1/payments/charges/card", liquidotest.CardCharge("badinput-before", "BR", "4111111111111111"))
	liqpayBefore := m.statusOf(t, liqpayOrder)
	liquidoBefore := s.payment(t, lq, "badinput-before")

	// Slowloris runs alongside the corpus: a client sending its head a
	// byte at a time must be dropped after ReadHeaderTimeout (5 s) while
	// everyone else is served.
	slowDone := make(chan error, 1)
	go func() { slowDone <- slowloris(m.addr, 9*time.Second) }()

	c := m.client(liqpayclient.Go)
	signed := func(data string) []byte {
		return []byte("data=" + urlEscape(data) + "&signature=" + urlEscape(liqpayclient.Sign(privateKey, data, false)))
	}
	signedJSON := func(j string) []byte { return signed(base64.StdEncoding.EncodeToString([]byte(j))) }
	pay := func(kv ...any) []byte {
		form, _, _ := c.Encode(set(payParams("badinput-x", "4242424242424242"), kv...))
		return []byte(form)
	}
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	long := strings.Repeat("k", 10000)
	lqCharge := func(kv ...any) []byte {
		b := liquidotest.CardCharge("badinput-lq", "BR", "4111111111111111")
		for i := 0; i+1 < len(kv); i += 2 {
			b[kv[i].(string)] = kv[i+1]
		}
		raw, _ := json.Marshal(b)
		return raw
	}
	lqRaw := func(amount string) []byte {
		return bytes.Replace(lqCharge(), []byte(`"amount":10000`), []byte(`"amount":`+amount), 1)
	}
	const form, jsonCT = "application/x-www-form-urlencoded", "application/json"
	api, card := "/api/request", "/v1/payments/charges/card"

	corpus := []badRequest{
		// LiqPay
		{"liqpay oversized body", "POST", api, form, nil, []byte("data=" + strings.Repeat("A", 2<<20) + "&signature=x"), liqpayEnvelope},
		{"liqpay JSON content type", "POST", api, jsonCT, nil, []byte(`{"data":"x","signature":"y"}`), liqpayEnvelope},
		{"liqpay invalid UTF-8 form", "POST", api, form, nil, []byte("data=\xff\xfe\xfd&signature=\xc3\x28"), liqpayEnvelope},
		{"liqpay deep nesting", "POST", api, form, nil, signedJSON(`{"version":3,"public_key":"` + publicKey + `","action":"pay","x":` + deep + `}`), liqpayEnvelope},
		{"liqpay huge amount", "POST", api, form, nil, pay("amount", "1e309"), liqpayEnvelope},
		{"liqpay negative amount", "POST", api, form, nil, pay("amount", "-5"), liqpayEnvelope},
		{"liqpay NaN amount", "POST", api, form, nil, pay("amount", "NaN"), liqpayEnvelope},
		{"liqpay infinite amount", "POST", api, form, nil, pay("amount", "Inf"), liqpayEnvelope},
		{"liqpay 20-digit amount", "POST", api, form, nil, pay("amount", "99999999999999999999"), liqpayEnvelope},
		{"liqpay 10,000-character order_id", "POST", api, form, nil, pay("order_id", long), liqpayEnvelope},
		{"liqpay NUL in order_id", "POST", api, form, nil, pay("order_id", "a\x00b"), liqpayEnvelope},
		{"liqpay duplicate keys, the last one bad", "POST", api, form, nil,
			signedJSON(`{"version":3,"public_key":"` + publicKey + `","action":"pay","amount":"1","currency":"UAH","description":"d",` +
				`"card":"4242424242424242","card_exp_month":"12","card_exp_year":"99","card_cvv":"123","order_id":"dup-ok","order_id":"` + long + `"}`), liqpayEnvelope},
		{"liqpay truncated base64", "POST", api, form, nil, signed(base64.StdEncoding.EncodeToString([]byte(`{"version":3,"action":"status"}`))[:17]), liqpayEnvelope},
		{"liqpay data not JSON", "POST", api, form, nil, signed(base64.StdEncoding.EncodeToString([]byte(`not json`))), liqpayEnvelope},
		{"liqpay empty body", "POST", api, form, nil, nil, liqpayEnvelope},

		// Liquido
		{"liquido oversized body", "POST", card, jsonCT, lqHeader, []byte(`{"x":"` + strings.Repeat("A", 2<<20) + `"}`), liquidoError},
		{"liquido form content type", "POST", card, form, lqHeader, []byte("idempotencyKey=x&amount=1"), liquidoError},
		{"liquido invalid UTF-8", "POST", card, jsonCT, lqHeader, bytes.Replace(lqCharge(), []byte(`"badinput-lq"`), []byte("\"bad\xff\xfeutf8\""), 1), liquidoError},
		{"liquido deep nesting", "POST", card, jsonCT, lqHeader, []byte(`{"idempotencyKey":"deep","payer":` + deep + `}`), liquidoError},
		{"liquido huge amount", "POST", card, jsonCT, lqHeader, lqRaw("1e309"), liquidoError},
		{"liquido negative amount", "POST", card, jsonCT, lqHeader, lqRaw("-5"), liquidoError},
		{"liquido NaN amount", "POST", card, jsonCT, lqHeader, lqRaw("NaN"), liquidoError},
		{"liquido fractional amount", "POST", card, jsonCT, lqHeader, lqRaw("10.5"), liquidoError},
		{"liquido 10,000-character idempotencyKey", "POST", card, jsonCT, lqHeader, lqCharge("idempotencyKey", long), liquidoError},
		{"liquido NUL in idempotencyKey", "POST", card, jsonCT, lqHeader, lqCharge("idempotencyKey", "a\x00b"), liquidoError},
		{"liquido duplicate keys, the last one bad", "POST", card, jsonCT, lqHeader,
			bytes.Replace(lqCharge(), []byte(`"idempotencyKey":"badinput-lq"`), []byte(`"idempotencyKey":"dup-ok","idempotencyKey":"`+long+`"`), 1), liquidoError},
		{"liquido truncated JSON", "POST", card, jsonCT, lqHeader, lqCharge()[:40], liquidoError},
		{"liquido wrong method", "DELETE", card, "", lqHeader, nil, liquidoError},
		{"liquido 10,000-character key in the path", "GET", "/v1/payments/charges/" + long, "", lqHeader, nil, liquidoError},

		// Control plane
		{"control oversized body", "POST", "/_mockpay/clock/advance", jsonCT, nil, []byte(`{"duration":"` + strings.Repeat("1", 2<<20) + `s"}`), controlError},
		{"control invalid JSON", "POST", "/_mockpay/clock/advance", jsonCT, nil, []byte(`{"duration":`), controlError},
		{"control deep nesting", "POST", "/_mockpay/clock/advance", jsonCT, nil, []byte(`{"duration":` + deep + `}`), controlError},
		{"control negative duration", "POST", "/_mockpay/clock/advance", jsonCT, nil, []byte(`{"duration":"-1h"}`), controlError},
		{"control huge duration", "POST", "/_mockpay/clock/advance", jsonCT, nil, []byte(`{"duration":"1e309h"}`), controlError},
		{"control invalid UTF-8", "POST", "/_mockpay/merchants", jsonCT, nil, []byte("{\"provider\":\"liqpay\",\"name\":\"\xff\xfe\"}"), controlError},
		{"control 10,000-character merchant", "POST", "/_mockpay/merchants", jsonCT, nil, []byte(`{"provider":"liqpay","public_key":"` + long + `"}`), controlError},
		{"control scenario garbage", "PUT", "/_mockpay/scenarios/junk", "application/yaml", nil, []byte("version: [\x00"), controlError},
		{"control wrong method", "DELETE", "/_mockpay/clock", "", nil, nil, controlError},

		// Header floods: net/http refuses them before any handler.
		{"many headers", "GET", "/_mockpay/health", "", manyHeaders(2000), nil, headerTooLarge},
		{"one huge header", "GET", "/_mockpay/health", "", http.Header{"X-Huge": {strings.Repeat("h", 100<<10)}}, nil, headerTooLarge},
	}
	for _, bad := range corpus {
		t.Run(bad.name, func(t *testing.T) {
			status, header, body := rawRequest(t, m.base, bad)
			checkBadShape(t, bad.want, status, header, body)
		})
	}

	if err := <-slowDone; err != nil {
		t.Errorf("slowloris: %v", err)
	}

	// Healthy, and nothing made before has changed.
	resp, err := httpClient.Get(m.base + "/_mockpay/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("health after the corpus: HTTP %d", resp.StatusCode)
	}
	if diff := cmp.Diff(liqpayBefore, m.statusOf(t, liqpayOrder)); diff != "" {
		t.Errorf("LiqPay status of a payment made before changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(liquidoBefore, s.payment(t, lq, "badinput-before")); diff != "" {
		t.Errorf("Liquido payment made before changed (-before +after):\n%s", diff)
	}
	// None of the refused requests left a payment behind.
	for _, id := range []string{"badinput-x", "dup-ok"} {
		checkFields(t, "status of "+id, map[string]any{"result": "error"}, m.statusOf(t, id))
	}
	if r := s.call(t, lq, http.MethodGet, "/v1/payments/charges/dup-ok", nil); r.code != http.StatusNotFound {
		t.Errorf("Liquido dup-ok after the corpus: HTTP %d %s, want 404", r.code, r.body)
	}
	// Duplicate keys: the last one wins in both APIs (as PHP's json_decode
	// and Jackson read them), so a good last value goes through.
	dupLiqPay := signedJSON(`{"version":3,"public_key":"` + publicKey + `","action":"pay","amount":"1","currency":"UAH","description":"d",` +
		`"card":"4242424242424242","card_exp_month":"12","card_exp_year":"99","card_cvv":"123","order_id":"` + long + `","order_id":"dup-last"}`)
	_, _, body := rawRequest(t, m.base, badRequest{method: "POST", path: api, contentType: form, body: dupLiqPay})
	if got, err := liqpayclient.DecodeJSON(body); err != nil || got["order_id"] != "dup-last" || got["status"] != "success" {
		t.Errorf("LiqPay pay with duplicate order_id, the last good: %s", body)
	}
	dupLiquido := bytes.Replace(lqCharge(), []byte(`"idempotencyKey":"badinput-lq"`), []byte(`"idempotencyKey":"`+long+`","idempotencyKey":"dup-last"`), 1)
	if code, _, body := rawRequest(t, m.base, badRequest{method: "POST", path: card, contentType: jsonCT, header: lqHeader, body: dupLiquido}); code != http.StatusOK ||
		!bytes.Contains(body, []byte(`"idempotencyKey":"dup-last"`)) {
		t.Errorf("Liquido charge with duplicate idempotencyKey, the last good: HTTP %d %s", code, body)
	}

	// A new payment still goes through.
	checkFields(t, "a new LiqPay payment", map[string]any{"result": "ok", "status": "success"},
		m.do(t, payParams("badinput-after", "4242424242424242")))
}

func rawRequest(t *testing.T, base string, bad badRequest) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(bad.method, base+bad.path, bytes.NewReader(bad.body))
	if err != nil {
		t.Fatal(err)
	}
	if bad.contentType != "" {
		req.Header.Set("Content-Type", bad.contentType)
	}
	for k, v := range bad.header {
		req.Header[k] = v
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", bad.method, bad.path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, body
}

func checkBadShape(t *testing.T, want badShape, status int, header http.Header, body []byte) {
	t.Helper()
	var obj map[string]any
	isJSON := json.Unmarshal(body, &obj) == nil && obj != nil
	show := string(body[:min(len(body), 300)])
	switch want {
	case liqpayEnvelope:
		if status != http.StatusOK || !isJSON || obj["result"] != "error" || obj["status"] != "error" || obj["err_code"] == nil {
			t.Errorf("HTTP %d %q; want LiqPay's HTTP 200 error envelope", status, show)
		}
	case liquidoError:
		if status < 400 || status >= 500 || !isJSON {
			t.Errorf("HTTP %d %q; want a 4xx JSON object", status, show)
		}
	case controlError:
		if _, ok := obj["error"].(string); status < 400 || status >= 500 || !isJSON || !ok {
			t.Errorf("HTTP %d %q; want a 4xx {\"error\"}", status, show)
		}
	case headerTooLarge:
		if status != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("HTTP %d %q; want 431", status, show)
		}
	}
}

func manyHeaders(n int) http.Header {
	h := http.Header{}
	for i := range n {
		h[fmt.Sprintf("X-Flood-%d", i)] = []string{strings.Repeat("v", 40)}
	}
	return h
}

func urlEscape(s string) string {
	return strings.NewReplacer("%", "%25", "+", "%2B", "/", "%2F", "=", "%3D", "&", "%26").Replace(s)
}

// slowloris sends a request head one byte every 300 ms and reports an
// error unless the server closes the connection before within (the head
// never completes), and unless other requests are answered promptly
// meanwhile.
func slowloris(addr string, within time.Duration) error {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	head := "POST /api/request HTTP/1.1\r\nHost: " + addr + "\r\nX-Slow: " + strings.Repeat("s", 200)
	began := time.Now()
	var slowest time.Duration
	for i := 0; time.Since(began) < within; i++ {
		if _, err := conn.Write([]byte{head[i%len(head)]}); err != nil {
			break // the server hung up
		}
		// Someone else is served meanwhile.
		t0 := time.Now()
		resp, err := httpClient.Get("http://" + addr + "/_mockpay/health")
		if err != nil {
			return fmt.Errorf("health during the slow client: %v", err)
		}
		resp.Body.Close()
		slowest = max(slowest, time.Since(t0))
		time.Sleep(300 * time.Millisecond)
	}
	// The server has closed its side: a read returns at once.
	_ = conn.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 512)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			var ne net.Error
			if ok := asNetErr(err, &ne); ok && ne.Timeout() {
				return fmt.Errorf("the connection is still open %v after the first byte", time.Since(began).Round(time.Second))
			}
			break
		}
		_ = n // a 408 may come first
	}
	if elapsed := time.Since(began); elapsed > 7*time.Second {
		return fmt.Errorf("dropped only after %v, want about 5 s (ReadHeaderTimeout)", elapsed.Round(100*time.Millisecond))
	}
	if slowest > time.Second {
		return fmt.Errorf("a health check took %v while the slow client was connected", slowest)
	}
	return nil
}

func asNetErr(err error, target *net.Error) bool {
	ne, ok := err.(net.Error)
	if ok {
		*target = ne
	}
	return ok
}

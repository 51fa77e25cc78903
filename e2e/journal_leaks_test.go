package e2e

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mockpay/mockpay/internal/leakcheck"
	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// Review 3: bodies the emulators accept, sent as a client or a reviewer
// with curl would, must reach neither the journal, nor the state file, nor
// a bundle with their card number or CVV readable.

const (
	leakPAN = "4242424242424242"
	leakCVV = "987"
)

func TestJournalLeaks(t *testing.T) {
	t.Parallel()
	statePath := filepath.Join(t.TempDir(), "state.json")
	s := &lqServer{mockpay: start(t, "--state-file", statePath), tokens: map[string]string{}}
	m := s.mockpay

	// LiqPay /api/request bodies: each a successful pay with card and CVV.
	var orders []string
	decoded := map[string]bool{} // orders whose data the journal keeps
	payData := func(order, card string, extra ...any) []byte {
		p := set(payParams(order, card), "card_cvv", leakCVV, "public_key", publicKey,
			"description", "leak test ???>>>~~~")
		p = set(p, extra...)
		raw, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	post := func(t *testing.T, contentType, body string) []byte {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, m.base+"/api/request", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return raw
	}
	std := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	spaced := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i += 8 {
			b.WriteString(s[i:min(i+8, len(s))] + " ")
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, contentType string
		data              func(raw []byte) string // the data value as sent
		card              string
		extra             []any
		head, tail        string // around the form
	}{
		{name: "no content type", data: std},
		{name: "application/json", contentType: "application/json", data: std},
		{name: "unpadded base64", contentType: "application/x-www-form-urlencoded", data: func(b []byte) string { return strings.TrimRight(std(b), "=") }},
		{name: "URL alphabet", contentType: "application/x-www-form-urlencoded", data: func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }},
		{name: "spaced base64", contentType: "application/x-www-form-urlencoded", data: func(b []byte) string { return spaced(std(b)) }},
		{name: "a bad pair x=;", contentType: "application/x-www-form-urlencoded", data: std, tail: "&x=;"},
		{name: "a bad pair x=%zz", contentType: "application/x-www-form-urlencoded", data: std, tail: "&x=%zz"},
		{name: "over 16 KiB", contentType: "application/x-www-form-urlencoded", data: std, extra: []any{"info", strings.Repeat("i", 20<<10)}},
		{name: "double-spaced card", contentType: "application/x-www-form-urlencoded", data: std, card: "4242  4242  4242  4242"},
		{name: "the form inside a JSON string", contentType: "application/json", data: std, head: `{"x":"&`, tail: `&"}`},
	} {
		t.Run("liqpay "+tc.name, func(t *testing.T) {
			order := orderID(t)
			card := tc.card
			if card == "" {
				card = leakPAN
			}
			data := tc.data(payData(order, card, tc.extra...))
			if tc.name == "URL alphabet" && !strings.ContainsAny(data, "-_") {
				t.Fatalf("the data %q does not use the URL alphabet's own characters", data)
			}
			body := tc.head + url.Values{"data": {data}, "signature": {liqpayclient.Sign(privateKey, data, false)}}.Encode() + tc.tail
			got, err := liqpayclient.DecodeJSON(post(t, tc.contentType, body))
			if err != nil || got["status"] != "success" {
				t.Fatalf("the emulator did not accept the pay: %v %v", got, err)
			}
			orders = append(orders, order)
			decoded[order] = tc.extra == nil // data past 16 KiB is not kept
		})
	}
	// A status whose data holds a byte that is not UTF-8.
	t.Run("liqpay status with \\xff", func(t *testing.T) {
		raw := []byte(`{"action":"status","version":3,"public_key":"` + publicKey + `","order_id":"` + orders[0] + "\",\"description\":\"\xff\"}")
		body := url.Values{"data": {std(raw)}, "signature": {liqpayclient.Sign(privateKey, std(raw), false)}}.Encode()
		got, err := liqpayclient.DecodeJSON(post(t, "application/x-www-form-urlencoded", body))
		if err != nil || got["status"] != "success" {
			t.Fatalf("status: %v %v", got, err)
		}
	})
	// The hosted checkout's card form, spaces written as '+'.
	t.Run("liqpay checkout form", func(t *testing.T) {
		pageURL := m.openCheckout(t, checkoutParams(orderID(t)))
		resp, err := noRedirects.Post(pageURL, "application/x-www-form-urlencoded",
			strings.NewReader("card=4242+4242+4242+4242&exp=12%2F30&cvv="+leakCVV))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 3 {
			t.Fatalf("paying on the checkout page: HTTP %d, want a redirect", resp.StatusCode)
		}
	})

	// Liquido card charges, as curl -d sends them or with Liquido's leniency.
	token := s.token(t, lqDefault)
	charge := func(key, card string) string {
		raw, err := json.Marshal(lqCard(key, "BR", card))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Replace(string(raw), `"cvc":"123"`, `"cvc":"`+leakCVV+`"`, 1)
	}
	escaped := func(key string) string {
		return strings.NewReplacer(`"cardNumber":"4242424242424242"`, `"cardNumber":"\u0034242424242424242"`,
			`"cvc":"`+leakCVV+`"`, `"\u0063vc":"`+leakCVV+`"`, `"expirationMonth":"06"`, `"expirationMonth":06`).Replace(charge(key, leakPAN))
	}
	padded := func(body string, n int) string {
		return strings.TrimSuffix(body, "}") + `,"metadata":{"pad":"` + strings.Repeat("p", n) + `"}}`
	}
	for _, tc := range []struct {
		name, contentType string
		body              func(key string) string
	}{
		{"JSON sent as a form", "application/x-www-form-urlencoded", func(k string) string { return charge(k, leakPAN) }},
		{"double spaces", "application/json", func(k string) string { return charge(k, "4242  4242  4242  4242") }},
		{"double dashes", "application/json", func(k string) string { return charge(k, "4242--4242--4242--4242") }},
		{"mixed separators", "application/json", func(k string) string { return charge(k, "4242 -4242- 4242 4242") }},
		{"escapes and a leading zero", "application/json", escaped},
		{"escapes, over 16 KiB", "application/json", func(k string) string { return padded(escaped(k), 20<<10) }},
		{"escapes, over 64 KiB", "application/json", func(k string) string { return padded(escaped(k), 70<<10) }},
	} {
		t.Run("liquido "+tc.name, func(t *testing.T) {
			body := tc.body(lqKey(t, ""))
			if !strings.Contains(body, leakCVV) {
				t.Fatalf("the body holds no CVV: %s", body)
			}
			r := s.send(t, http.MethodPost, "/v1/payments/charges/card", body,
				http.Header{"Content-Type": {tc.contentType}, "Authorization": {"Bearer " + token}, "x-api-key": {lqDefault.apiKey}})
			if got := r.json(t); r.code != http.StatusOK || got["transferStatus"] != "SETTLED" {
				t.Fatalf("HTTP %d %s; want the charge SETTLED", r.code, r.body)
			}
		})
	}
	// The payment link page's card form.
	t.Run("liquido payment link page", func(t *testing.T) {
		rv := newReceiver(t)
		u, _ := s.lqCreateLink(t, lqDefault, lqLinkBody(lqKey(t, ""), 10000, rv.URL, "CREDIT_CARD"))
		got := lqPage(t, http.MethodPost, u, url.Values{"method": {"CREDIT_CARD"}, "cardNumber": {"4242 4242 4242 4242"},
			"cardHolderName": {"ANA SOUZA"}, "expirationMonth": {"12"}, "expirationYear": {"2031"}, "cvc": {leakCVV}, "decision": {"approve"}})
		if got.code != http.StatusOK || !strings.Contains(got.body, "Payment approved (SETTLED)") {
			t.Fatalf("paying on the link page: HTTP %d, want the approval page\n%s", got.code, got.body)
		}
	})
	if t.Failed() {
		return
	}

	checkStored := func(t *testing.T, what string, text []byte) {
		t.Helper()
		if !utf8.Valid(text) {
			t.Errorf("%s is not valid UTF-8", what)
		}
		if leak := leakcheck.Find(string(text), leakPAN, leakCVV); leak != "" {
			t.Errorf("%s: %s", what, leak)
		}
	}
	get := func(t *testing.T, path string) []byte {
		t.Helper()
		resp, err := httpClient.Get(m.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !json.Valid(body) {
			t.Fatalf("GET %s: HTTP %d, valid JSON %v", path, resp.StatusCode, json.Valid(body))
		}
		return body
	}
	journal := get(t, "/_mockpay/journal?limit=500")
	checkStored(t, "the journal", journal)
	// Each entry on its own too: decoded, the JSON strings are what a
	// viewer shows.
	var list struct {
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal(journal, &list); err != nil {
		t.Fatal(err)
	}
	for _, e := range list.Entries {
		for _, k := range []string{"request_body", "query", "response_body"} {
			if s, _ := e[k].(string); s != "" {
				checkStored(t, e["path"].(string)+" "+k, []byte(s))
			}
		}
	}
	// Every pay's data was read, whatever its encoding.
	for _, order := range orders {
		if decoded[order] && !regexp.MustCompile(`"order_id":\s*"`+regexp.QuoteMeta(order)+`"`).Match(journal) {
			t.Errorf("no journal entry decodes the data of order %s", order)
		}
	}
	checkStored(t, "the LiqPay bundle", get(t, "/_mockpay/bundle?merchant="+publicKey))
	checkStored(t, "the Liquido bundle", get(t, "/_mockpay/bundle?merchant="+lqDefault.id))

	m.stop(t)
	state, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(state), orders[0]) {
		t.Fatal("the state file holds no journal of the test's requests")
	}
	checkStored(t, "the state file", state)
}

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

// partLeft is what a card or the CVV cut short leaves: 12 of the card's
// digits, or a CVV value with digits left after it was removed.
// journalRef is refPAN in a journal entry's refs or path.
var journalRef = regexp.MustCompile(`"refs":\[[^\]]*` + refPAN + `|"path":"[^"]*` + refPAN)

var partLeft = regexp.MustCompile(`424242424242|\[removed\](?:\\?")*\d|(?i)cvc(?:\\?")*\s*:\s*(?:\\?")*9`)

// keyPAN stands as a JSON key in a charge's orderInfo, which the ledger
// keeps as sent (Liquido answers with it), so only the journal is checked.
const keyPAN = "4111 1111 1111 1111"

// refPAN stands in a payment's own order id or key, and a path: the
// ledger keeps such an id as the merchant sent it (the emulators look
// payments up by it), so only what the journal keeps of it is checked.
const refPAN = "5555555555554444"

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
	// Review 4: card data in refs and the path (finding 6), in headers (5),
	// under a key on the slow JSON path (8), at the 64 KiB read limit (3),
	// under a percent-escaped CVV name in a JSON-looking form (4).
	lqHeader := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}, "x-api-key": {lqDefault.apiKey}}
	settle := func(t *testing.T, body string) {
		t.Helper()
		r := s.send(t, http.MethodPost, "/v1/payments/charges/card", body, lqHeader)
		if got := r.json(t); r.code != http.StatusOK || got["transferStatus"] != "SETTLED" {
			t.Fatalf("HTTP %d %.300s; want the charge SETTLED", r.code, r.body)
		}
	}
	t.Run("review 4: a card in the idempotency key and the path", func(t *testing.T) {
		key := "lq2-" + refPAN
		settle(t, charge(key, leakPAN))
		s.send(t, http.MethodGet, "/v1/payments/"+refPAN, nil, lqHeader) // any answer: it is journaled
		// The payment's timeline still finds its requests by the key.
		code, out := m.send(t, http.MethodGet, "/_mockpay/payments/"+url.PathEscape(key)+"?merchant="+lqDefault.id, "", "")
		if code != http.StatusOK {
			t.Fatalf("payment %s: HTTP %d %v", key, code, out)
		}
		requests := 0
		for _, e := range out["timeline"].([]any) {
			if e.(map[string]any)["kind"] == "request" {
				requests++
			}
		}
		if requests == 0 {
			t.Errorf("the timeline of %s holds no request: %v", key, out["timeline"])
		}
	})
	t.Run("review 4: a card in the LiqPay order id", func(t *testing.T) {
		data := std(payData("o-"+refPAN, leakPAN))
		body := url.Values{"data": {data}, "signature": {liqpayclient.Sign(privateKey, data, false)}}.Encode()
		got, err := liqpayclient.DecodeJSON(post(t, "application/x-www-form-urlencoded", body))
		if err != nil || got["status"] != "success" {
			t.Fatalf("the emulator did not accept the pay: %v %v", got, err)
		}
	})
	t.Run("review 4: card data in headers", func(t *testing.T) {
		pageURL := m.openCheckout(t, checkoutParams(orderID(t)))
		data := std(payData(orderID(t)+"-referer", leakPAN))
		for _, referer := range []string{m.base + "/pay?card=" + leakPAN + "&cvv=" + leakCVV,
			m.base + "/api/3/checkout?data=" + url.QueryEscape(data) + "&signature=s"} {
			req, err := http.NewRequest(http.MethodGet, pageURL, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Referer", referer)
			req.Header.Set("X-Card", "4242 4242 4242 4242")
			req.Header.Set("Cvv", leakCVV)
			resp, err := noRedirects.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("the checkout page: HTTP %d", resp.StatusCode)
			}
		}
	})
	t.Run("review 4: a card number as a key, slow path", func(t *testing.T) {
		body := charge(lqKey(t, ""), leakPAN)
		settle(t, strings.TrimSuffix(body, "}")+`,"orderInfo":{"orderId":"o","`+keyPAN+`":"\u0041"}}`)
	})
	// A description of \u0061 escapes (which shrink six to one once
	// unescaped) sized so that the 64 KiB read limit falls inside the
	// card number or the CVV.
	atReadLimit := func(body, field string, into int) string {
		head := `{"description":"`
		pad := strings.Repeat(`\u0061`, (64<<10-len(body)-200)/6)
		full := head + pad + `",` + body[1:]
		cut := strings.Index(full, field) + len(field) + into
		return head + strings.Repeat("a", 64<<10-cut) + pad + `",` + body[1:]
	}
	for _, tc := range []struct {
		name, field string
		into        int
	}{{"in the card number", `"cardNumber":"`, 12}, {"in the CVV", `"cvc":"`, 2}} {
		t.Run("review 4: the read limit "+tc.name, func(t *testing.T) {
			body := atReadLimit(charge(lqKey(t, ""), leakPAN), tc.field, tc.into)
			if i := strings.Index(body, tc.field) + len(tc.field); i+tc.into != 64<<10 {
				t.Fatalf("the limit is at %d, the value starts at %d", 64<<10, i)
			}
			settle(t, body)
		})
	}
	t.Run("review 4: an escaped CVV name in a JSON-looking form", func(t *testing.T) {
		pageURL := m.openCheckout(t, checkoutParams(orderID(t)))
		resp, err := noRedirects.Post(pageURL, "application/x-www-form-urlencoded",
			strings.NewReader(`{"a":"&c%76v=`+leakCVV+`&card=`+leakPAN+`&exp=12/30&"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 3 {
			t.Fatalf("paying on the checkout page: HTTP %d, want a redirect", resp.StatusCode)
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
		// Part of a card or a CVV cut at the read limit (review 4, 3).
		if m := partLeft.Find(text); m != nil {
			t.Errorf("%s holds part of a card or CVV: %q", what, m)
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
		headers, _ := e["request_headers"].(map[string]any)
		for k := range headers {
			if strings.Contains(strings.ToLower(k), "cvv") {
				t.Errorf("%s: the header %s is stored", e["path"], k)
			}
		}
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
	lqBundle := get(t, "/_mockpay/bundle?merchant="+lqDefault.id)
	checkStored(t, "the Liquido bundle", lqBundle)
	// A card in a payment's key or order id, or in a path (review 4,
	// finding 6): the journal masks it in refs and paths, the bundle in
	// its request URLs.
	for _, card := range []string{refPAN, keyPAN} {
		if leak := leakcheck.Find(string(journal), card, ""); leak != "" {
			t.Errorf("the journal: %s", leak)
		}
	}
	var har struct {
		Log struct {
			Entries []struct {
				Request struct{ URL string } `json:"request"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(lqBundle, &har); err != nil {
		t.Fatal(err)
	}
	for _, e := range har.Log.Entries {
		if leak := leakcheck.Find(e.Request.URL, refPAN, ""); leak != "" {
			t.Errorf("the Liquido bundle's URL %s: %s", e.Request.URL, leak)
		}
	}

	m.stop(t)
	state, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(state), orders[0]) {
		t.Fatal("the state file holds no journal of the test's requests")
	}
	checkStored(t, "the state file", state)
	if m := journalRef.Find(state); m != nil {
		t.Errorf("the state file's journal: %s", m)
	}
}

package e2e

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDashboardIsServedStrictAndSelfContained checks the dashboard page and
// every asset it names: served without a token even when an admin token is
// set (they hold no data), with a strict CSP and no framing, and nothing
// fetched from anywhere but this server.
func TestDashboardIsServedStrictAndSelfContained(t *testing.T) {
	t.Parallel()
	m := start(t, "--admin-token", "adm")
	page, h := get(t, m.base+"/_mockpay/", http.StatusOK)
	if again, _ := get(t, m.base+"/_mockpay", http.StatusOK); again != page { // typed without the slash: redirected
		t.Error("/_mockpay does not lead to the dashboard")
	}
	for name, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "no-store",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q allows something unsafe", csp)
	}
	// No inline script or handler (the CSP would refuse them anyway).
	if regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`).MatchString(page) || regexp.MustCompile(`\son[a-z]+=`).MatchString(page) {
		t.Error("the page has inline script")
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 3 {
		t.Fatalf("the page names %d assets: %q", len(refs), page)
	}
	wantTypes := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	for _, ref := range refs {
		u := ref[1]
		switch {
		case strings.HasPrefix(u, "#"), strings.HasPrefix(u, "data:"):
			continue
		case !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//"):
			t.Errorf("the page names %q, not on this server", u)
			continue
		}
		if !strings.HasPrefix(u, "/_mockpay/static/") {
			continue // a link to follow, not an asset the page loads
		}
		body, h := get(t, m.base+u, http.StatusOK)
		for ext, ct := range wantTypes {
			if strings.HasSuffix(u, ext) && h.Get("Content-Type") != ct {
				t.Errorf("%s: Content-Type %q, want %q", u, h.Get("Content-Type"), ct)
			}
		}
		if strings.HasSuffix(u, ".js") || strings.HasSuffix(u, ".css") {
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: no nosniff", u)
			}
			checkNoExternalURLs(t, u, body)
		}
	}
}

// checkNoExternalURLs fails on any absolute URL in an asset but the SVG
// namespace (a name, never fetched), on CSS imports and url()s that are
// not data:, and on innerHTML (the script builds the DOM from text).
func checkNoExternalURLs(t *testing.T, name, body string) {
	t.Helper()
	for _, u := range regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s'"]*`).FindAllString(body, -1) {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("%s names %q", name, u)
		}
	}
	for _, bad := range []string{"@import", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if strings.Contains(body, bad) {
			t.Errorf("%s contains %s", name, bad)
		}
	}
	for _, u := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(body, -1) {
		if !strings.HasPrefix(strings.Trim(u[1], `'"`), "data:") {
			t.Errorf("%s loads %s", name, u[0])
		}
	}
}

func get(t *testing.T, u string, want int) (string, http.Header) {
	t.Helper()
	resp, err := httpClient.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: HTTP %d %s, want %d", u, resp.StatusCode, body, want)
	}
	return string(body), resp.Header
}

// sse is one open /_mockpay/events stream.
type sse struct {
	events chan [2]string // name, data
	cancel context.CancelFunc
}

// openEvents opens the live feed with a bearer token or with the cookie the
// dashboard sets (EventSource sends no headers).
func (m *mockpay) openEvents(t *testing.T, query, bearer, cookie string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.base+"/_mockpay/events"+query, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "mockpay_token", Value: url.QueryEscape(cookie)})
	}
	resp, err := (&http.Client{}).Do(req) // no timeout: a stream
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET /_mockpay/events%s: HTTP %d %s %s", query, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	s := &sse{events: make(chan [2]string, 1000), cancel: cancel}
	go func() {
		defer resp.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var name string
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				name = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok {
				s.events <- [2]string{name, v}
			}
		}
	}()
	return s
}

// until reads events until one named name whose data contains text
// arrives, and returns the events before it.
func (s *sse) until(t *testing.T, name, text string) [][2]string {
	t.Helper()
	var before [][2]string
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("the stream ended before %s %q; had %v", name, text, before)
			}
			if ev[0] == name && strings.Contains(ev[1], text) {
				return before
			}
			before = append(before, ev)
		case <-timeout:
			t.Fatalf("no %s event with %q within 10 s; had %v", name, text, before)
		}
	}
}

// TestEventsFeedIsLiveAndScoped: the live feed tells of payments, callback
// attempts and clock moves as they happen, and a merchant's token (sent as
// the dashboard's cookie) sees only that merchant's.
func TestEventsFeedIsLiveAndScoped(t *testing.T) {
	t.Parallel()
	const admin = "adm"
	m := start(t, "--admin-token", admin)
	rv := newReceiver(t)
	a := m.makeMerchant(t, admin, map[string]any{"liqpay": map[string]any{"server_url": rv.URL + "/a"}})
	b := m.makeMerchant(t, admin, map[string]any{"liqpay": map[string]any{}})

	all := m.openEvents(t, "", admin, "")
	onlyA := m.openEvents(t, "", "", a.Token)
	byCookie := m.openEvents(t, "", "", admin)
	if code, _ := m.ctl(t, http.MethodGet, "/_mockpay/events", "", nil); code != http.StatusUnauthorized {
		t.Errorf("events without a token: HTTP %d, want 401", code)
	}
	if code, _ := m.ctl(t, http.MethodGet, "/_mockpay/events?merchant="+b.LiqPay.Merchant, a.Token, nil); code != http.StatusForbidden {
		t.Errorf("A's token asking for B's events: HTTP %d, want 403", code)
	}

	// B pays first: were B's event to reach A's feed, it would come before A's.
	call(t, m.liqpayOf(b), "request", payParams("feed-b", "4242424242424242"))
	call(t, m.liqpayOf(a), "request", payParams("feed-a", "4242424242424242"))
	for _, ev := range onlyA.until(t, "payment", `"order_id":"feed-a"`) {
		if strings.Contains(ev[1], b.LiqPay.Merchant) {
			t.Errorf("A's feed carried B's event %v", ev)
		}
	}
	all.until(t, "payment", `"order_id":"feed-b"`)
	all.until(t, "payment", `"order_id":"feed-a"`)
	byCookie.until(t, "payment", `"order_id":"feed-a"`)

	// The callback of A's payment: its attempt arrives on the feed.
	onlyA.until(t, "callback", `"response_status":200`)
	// A clock move of A's merchant.
	if code, body := m.ctl(t, http.MethodPost, "/_mockpay/clock/advance", a.Token, map[string]any{"duration": "1h"}); code != http.StatusOK {
		t.Fatalf("advance: HTTP %d %v", code, body)
	}
	onlyA.until(t, "clock", `"tenant":"liqpay:`+a.LiqPay.Merchant+`"`)
	// A reset tells the page to read its lists again.
	if code, body := m.ctl(t, http.MethodPost, "/_mockpay/reset?merchant="+a.LiqPay.Merchant, a.Token, nil); code/100 != 2 {
		t.Fatalf("reset: HTTP %d %v", code, body)
	}
	onlyA.until(t, "reset", a.LiqPay.Merchant)
}

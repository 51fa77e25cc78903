package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// LiqPay's hosted checkout over plain HTTP, as a browser without JavaScript
// would drive it (reference liqpay.md §2.6); browser_test.go drives the same
// pages in Chromium.

// checkoutParams is a checkout form's order, as a shop's cnb_form sends it.
func checkoutParams(orderID string) map[string]any {
	return map[string]any{
		"version":     3,
		"action":      "pay",
		"amount":      "12.5",
		"currency":    "UAH",
		"description": "Tea <b>&</b> cake",
		"order_id":    orderID,
		"language":    "en",
	}
}

// signForm encodes params the way enc's SDK builds its cnb_form: base64
// JSON for every SDK (the Python SDK sends raw JSON only to /api/request).
func signForm(enc liqpayclient.Encoding, params map[string]any) (data, signature string) {
	c := &liqpayclient.Client{PublicKey: publicKey, PrivateKey: privateKey, Encoding: enc}
	_, data, signature = c.Encode(params)
	if enc == liqpayclient.Python {
		data = base64.StdEncoding.EncodeToString([]byte(data))
		signature = liqpayclient.Sign(privateKey, data, false)
	}
	return data, signature
}

// openCheckout posts a signed checkout form and returns the page the 302
// leads to.
func (m *mockpay) openCheckout(t *testing.T, params map[string]any) string {
	t.Helper()
	data, signature := signForm(liqpayclient.PHP, params)
	resp := m.browserPost(t, m.base+"/api/3/checkout", url.Values{"data": {data}, "signature": {signature}})
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("POST /api/3/checkout: HTTP %d, want 302; body %s", resp.StatusCode, resp.body)
	}
	return resp.location
}

type pageResponse struct {
	StatusCode int
	header     http.Header
	location   string
	body       string
}

// browserPost posts a form as a browser would and does not follow the
// redirect.
func (m *mockpay) browserPost(t *testing.T, target string, form url.Values) pageResponse {
	t.Helper()
	resp, err := noRedirects.PostForm(target, form)
	if err != nil {
		t.Fatalf("POST %s: %v", target, err)
	}
	return readPage(t, resp)
}

// page GETs a page without following redirects.
func page(t *testing.T, target string) pageResponse {
	t.Helper()
	resp, err := noRedirects.Get(target)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return readPage(t, resp)
}

func readPage(t *testing.T, resp *http.Response) pageResponse {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return pageResponse{StatusCode: resp.StatusCode, header: resp.Header, location: resp.Header.Get("Location"), body: string(body)}
}

// attr finds id="<id>" in a page and returns the value of the named
// attribute on that element ("" when absent).
func attr(html, id, name string) string {
	re := regexp.MustCompile(`<[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>`)
	tag := re.FindString(html)
	m := regexp.MustCompile(`\b` + name + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return m[1]
}

// hiddenField reads <input type="hidden" name="<name>" value="…">.
func hiddenField(html, name string) string {
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(html)
	if m == nil {
		return ""
	}
	return strings.NewReplacer("&#43;", "+", "&#x2b;", "+", "&#61;", "=", "&#x3d;", "=", "&#47;", "/").Replace(m[1])
}

// pay submits the card form and follows the answer's redirects to the page
// the customer lands on, returning it with every URL passed on the way.
func (m *mockpay) pay(t *testing.T, pageURL, card string) (pageResponse, []string) {
	t.Helper()
	resp := m.browserPost(t, pageURL, url.Values{"card": {card}, "exp": {"12/30"}, "cvv": {"123"}})
	return m.follow(t, resp)
}

func (m *mockpay) follow(t *testing.T, resp pageResponse) (pageResponse, []string) {
	t.Helper()
	var path []string
	for i := 0; resp.location != "" && i < 5; i++ {
		path = append(path, resp.location)
		resp = page(t, resp.location)
	}
	return resp, path
}

func TestCheckoutFormOfEverySDKRedirectsToThePage(t *testing.T) {
	t.Parallel()
	m := start(t)
	cases := []struct {
		name   string
		enc    liqpayclient.Encoding
		method string
		path   string
	}{
		{"PHP cnb_form", liqpayclient.PHP, http.MethodPost, "/api/3/checkout"},
		{"Python cnb_form to the trailing slash", liqpayclient.Python, http.MethodPost, "/api/3/checkout/"},
		{"Java to the old URL", liqpayclient.Java, http.MethodPost, "/api/checkout"},
		{"Node to the old URL with a slash", liqpayclient.Node, http.MethodPost, "/api/checkout/"},
		{"Ruby checkout_url, unencoded", liqpayclient.Ruby, http.MethodGet, "/api/3/checkout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			order := orderID(t)
			params := checkoutParams(order)
			data, signature := signForm(tc.enc, params)
			var resp pageResponse
			if tc.method == http.MethodGet {
				// The Ruby SDK writes data and signature into the URL as
				// they are; pick a description whose base64 and signature
				// both carry a "+" that the query string turns into a space.
				for i := 0; !strings.Contains(data, "+") || !strings.Contains(signature, "+"); i++ {
					if i == 2000 {
						t.Fatal("no data with a + in both data and signature")
					}
					params = set(checkoutParams(order), "description", fmt.Sprintf("Tea ~~~>>> %d", i))
					data, signature = signForm(tc.enc, params)
				}
				resp = page(t, m.base+tc.path+"?data="+data+"&signature="+signature)
			} else {
				form := "data=" + url.QueryEscape(data) + "&signature=" + url.QueryEscape(signature)
				if tc.enc == liqpayclient.Java {
					form += "&"
				}
				r, err := noRedirects.Post(m.base+tc.path, "application/x-www-form-urlencoded", strings.NewReader(form))
				if err != nil {
					t.Fatal(err)
				}
				resp = readPage(t, r)
			}
			if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.location, m.base+"/api/3/checkout/") {
				t.Fatalf("HTTP %d Location %q, want 302 to the checkout page; body %s", resp.StatusCode, resp.location, resp.body)
			}
			got := page(t, resp.location)
			if got.StatusCode != http.StatusOK {
				t.Fatalf("page: HTTP %d", got.StatusCode)
			}
			for _, want := range []string{">" + order + "<", ">12.50 UAH<", "Tea ", `id="card"`, `id="cancel"`} {
				if !strings.Contains(got.body, want) {
					t.Errorf("page lacks %q:\n%s", want, got.body)
				}
			}
		})
	}
}

func TestCheckoutPageEscapesAndProtectsItself(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	params := set(checkoutParams(orderID(t)), "description", `<script>alert(1)</script> "quoted" & more`,
		"result_url", rv.URL+"/result", "paytypes", "card,privat24,<img>")
	got := page(t, m.openCheckout(t, params))
	if strings.Contains(got.body, "<script>") || strings.Contains(got.body, "<img>") {
		t.Errorf("merchant strings reach the page unescaped:\n%s", got.body)
	}
	if !strings.Contains(got.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("description not shown escaped:\n%s", got.body)
	}
	if got.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("X-Frame-Options %q", got.header.Get("X-Frame-Options"))
	}
	csp := got.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	// Nothing is fetched from elsewhere: the only link is the stylesheet.
	if refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(got.body, -1); len(refs) != 1 || refs[0][1] != "/_mockpay/static/style.css" {
		t.Errorf("page references %v, want only the stylesheet", refs)
	}
	css := page(t, m.base+"/_mockpay/static/style.css")
	if css.StatusCode != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") || strings.Contains(css.body, "http") {
		t.Errorf("stylesheet: HTTP %d, %q, external references %v", css.StatusCode, css.header.Get("Content-Type"), strings.Contains(css.body, "http"))
	}
	// Every paytype offered is shown; the card is the one taken.
	for _, want := range []string{`data-paytype="card"`, `data-paytype="privat24"`, `data-paytype="&lt;img&gt;"`} {
		if !strings.Contains(got.body, want) {
			t.Errorf("paytypes: page lacks %s", want)
		}
	}
}

func TestCheckoutListsTheDefaultTestCards(t *testing.T) {
	t.Parallel()
	m := start(t)
	got := page(t, m.openCheckout(t, checkoutParams(orderID(t))))
	defaults, err := os.ReadFile("../emulator/liqpay/defaults.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cards := append([]string{"4242424242424242"}, regexp.MustCompile(`\b\d{16}\b`).FindAllString(string(defaults), -1)...)
	for _, c := range cards {
		grouped := c[0:4] + " " + c[4:8] + " " + c[8:12] + " " + c[12:16]
		if !strings.Contains(got.body, "<code>"+grouped+"</code>") {
			t.Errorf("the page does not list test card %s", c)
		}
	}
}

func TestCheckoutRejectsBadFormsWithLiqPaysErrorJSON(t *testing.T) {
	t.Parallel()
	m := start(t)
	paid := "e2e-checkout-paid"
	m.do(t, payParams(paid, "4242424242424242"))
	good := checkoutParams("e2e-checkout-bad")
	goodData, goodSig := signForm(liqpayclient.PHP, good)
	form := func(params map[string]any) string {
		data, signature := signForm(liqpayclient.PHP, params)
		return url.Values{"data": {data}, "signature": {signature}}.Encode()
	}
	cases := []struct {
		name string
		body string
		want map[string]any
	}{
		{"no data", "", errorBody("err_missing", "Required parameter not passed data")},
		{"bad signature", url.Values{"data": {goodData}, "signature": {"x" + goodSig}}.Encode(), errorBody("invalid_signature", "Wrong signature")},
		{"unknown public_key", url.Values{"data": {base64.StdEncoding.EncodeToString([]byte(`{"public_key":"nobody","version":3,"language":"en"}`))}, "signature": {goodSig}}.Encode(),
			errorBody("public_key_not_found", "Public_key not found")},
		{"wrong currency", form(set(good, "currency", "XYZ")), errorBody("err_wrong_currency", "Wrong currency, use USD, UAH, EUR")},
		{"no amount", form(drop(good, "amount")), errorBody("err_missing", "Required parameter not passed amount")},
		{"an API-only action", form(set(good, "action", "refund")), errorBody("err_action", "Unknown action refund")},
		{"expired_date not a date", form(set(good, "expired_date", "tomorrow")), errorBody("err_wrong", "Parameter expired_date specified incorrectly")},
		{"result_url not a URL", form(set(good, "result_url", "javascript:alert(1)")), errorBody("err_wrong", "Parameter result_url specified incorrectly")},
		{"order already paid", form(set(good, "order_id", paid)), errorBody("order_id_duplicate", "Such order_id already exists")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, got := m.send(t, http.MethodPost, "/api/3/checkout", "application/x-www-form-urlencoded", tc.body)
			if code != http.StatusOK {
				t.Errorf("HTTP %d, want 200 (LiqPay answers errors with 200)", code)
			}
			checkFields(t, tc.name, tc.want, got)
		})
	}
}

// checkoutCase is one way through the checkout and where it must end.
type checkoutCase struct {
	name   string
	action string
	card   string
	// steps the customer takes after paying: "otp:<code>", "cvv:<cvv>",
	// "3ds:approve|decline"
	steps   []string
	status  string
	errCode string
}

func TestCheckoutPaysThroughTheAPIEngine(t *testing.T) {
	t.Parallel()
	m := start(t)
	cases := []checkoutCase{
		{name: "pay with the success card", action: "pay", card: "4242 4242 4242 4242", status: "success"},
		{name: "hold", action: "hold", card: "4242424242424242", status: "hold_wait"},
		{name: "auth", action: "auth", card: "4242424242424242", status: "success"},
		{name: "the limit card fails", action: "pay", card: "4000000000000002", status: "failure", errCode: "limit"},
		{name: "3-D Secure approved", action: "pay", card: "4000000000003063", steps: []string{"3ds:approve"}, status: "success"},
		{name: "3-D Secure declined", action: "pay", card: "4000000000003063", steps: []string{"3ds:decline"}, status: "failure", errCode: "err_mpi"},
		{name: "OTP, wrong then right", action: "pay", card: "4000000000003089", steps: []string{"otp:000000", "otp:123456"}, status: "success"},
		{name: "OTP wrong three times", action: "pay", card: "4000000000003089", steps: []string{"otp:1", "otp:2", "otp:3"}, status: "failure", errCode: "err_sms_otp"},
		{name: "CVV", action: "pay", card: "4000000000003055", steps: []string{"cvv:321"}, status: "success"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rv := newReceiver(t)
			order := orderID(t)
			params := set(checkoutParams(order), "action", tc.action, "server_url", rv.URL+"/cb", "result_url", rv.URL+"/result")
			pageURL := m.openCheckout(t, params)
			got, path := m.pay(t, pageURL, tc.card)
			for _, step := range tc.steps {
				kind, value, _ := strings.Cut(step, ":")
				switch kind {
				case "3ds":
					if len(path) == 0 || !strings.Contains(path[0], "/api/3ds/request/") {
						t.Fatalf("paying did not lead to the 3-D Secure page: %v", path)
					}
					got, path = m.follow(t, m.browserPost(t, path[0], url.Values{"decision": {value}}))
				case "otp", "cvv":
					if step := attr(got.body, "step", "data-step"); step != kind+"_verify" {
						t.Fatalf("landed on step %q, want %s_verify:\n%s", step, kind, got.body)
					}
					field := map[string]string{"otp": "otp", "cvv": "card_cvv"}[kind]
					got, path = m.follow(t, m.browserPost(t, pageURL+"/confirm", url.Values{field: {value}}))
				}
			}
			if len(path) == 0 || path[len(path)-1] != pageURL {
				t.Errorf("the customer ended on %v, want back on the checkout page %s", path, pageURL)
			}
			if s := attr(got.body, "result", "data-status"); s != tc.status {
				t.Fatalf("result page status %q, want %q:\n%s", s, tc.status, got.body)
			}
			if strings.Contains(got.body, strings.ReplaceAll(tc.card, " ", "")) || strings.Contains(got.body, `value="123"`) {
				t.Errorf("the page echoes the card:\n%s", got.body)
			}
			checkFields(t, "status over the API", map[string]any{"status": tc.status, "action": tc.action, "err_code": nilIfEmpty(tc.errCode)}, m.statusOf(t, order))

			// The result page posts the signed payment back to result_url.
			if attr(got.body, "return", "id") != "return" {
				t.Fatalf("no return button:\n%s", got.body)
			}
			data, signature := hiddenField(got.body, "data"), hiddenField(got.body, "signature")
			if !verify(3, data, signature) {
				t.Errorf("result page: data/signature %q do not verify", signature)
			}
			raw, _ := base64.StdEncoding.DecodeString(data)
			var posted map[string]any
			_ = json.Unmarshal(raw, &posted)
			if posted["status"] != tc.status || posted["order_id"] != order {
				t.Errorf("result page data: %v", posted)
			}
			if !strings.Contains(got.header.Get("Content-Security-Policy"), "form-action 'self' "+rv.URL) {
				t.Errorf("CSP %q does not let the form go to result_url", got.header.Get("Content-Security-Policy"))
			}

			// The server_url callback of the final status, signed.
			m.advance(t, "0s")
			seen := rv.seen()
			if len(seen) == 0 {
				t.Fatal("no callback")
			}
			last := seen[len(seen)-1]
			if !verify(3, last.data, last.signature) {
				t.Errorf("callback signature %q does not verify", last.signature)
			}
			checkFields(t, "last callback", map[string]any{"status": tc.status, "order_id": order, "err_code": nilIfEmpty(tc.errCode)}, last.payment)
		})
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func TestCheckoutCancelFailsTheOrderWithCancel(t *testing.T) {
	t.Parallel()
	m := start(t)
	t.Run("before paying", func(t *testing.T) {
		rv := newReceiver(t)
		order := orderID(t)
		pageURL := m.openCheckout(t, set(checkoutParams(order), "server_url", rv.URL+"/cb", "result_url", rv.URL+"/result"))
		got, _ := m.follow(t, m.browserPost(t, pageURL+"/cancel", nil))
		checkFields(t, "result page", map[string]any{"status": "failure", "err": "cancel"},
			map[string]any{"status": attr(got.body, "result", "data-status"), "err": attr(got.body, "reason", "data-err-code")})
		checkFields(t, "status", map[string]any{"status": "failure", "err_code": "cancel"}, m.statusOf(t, order))
		m.advance(t, "0s")
		seen := rv.seen()
		if len(seen) != 1 || !verify(3, seen[0].data, seen[0].signature) {
			t.Fatalf("callbacks %+v, want one signed", seen)
		}
		checkFields(t, "callback", map[string]any{"status": "failure", "err_code": "cancel", "order_id": order}, seen[0].payment)
		// Cancelled is final: the form is gone and paying does nothing.
		again, _ := m.pay(t, pageURL, "4242424242424242")
		if attr(again.body, "result", "data-status") != "failure" {
			t.Errorf("paying after cancel:\n%s", again.body)
		}
	})
	t.Run("at the OTP step", func(t *testing.T) {
		order := orderID(t)
		pageURL := m.openCheckout(t, checkoutParams(order))
		m.pay(t, pageURL, "4000000000003089")
		got, _ := m.follow(t, m.browserPost(t, pageURL+"/cancel", nil))
		if attr(got.body, "reason", "data-err-code") != "cancel" {
			t.Errorf("result page:\n%s", got.body)
		}
		checkFields(t, "status", map[string]any{"status": "failure", "err_code": "cancel"}, m.statusOf(t, order))
	})
}

func TestCheckoutExpiredDateOnTheVirtualClock(t *testing.T) {
	t.Parallel()
	m := start(t)
	now := m.virtualNow(t)
	order := orderID(t)
	deadline := now.Add(10 * time.Minute).UTC().Format(time.DateTime)
	pageURL := m.openCheckout(t, set(checkoutParams(order), "expired_date", deadline))
	if got := page(t, pageURL); !strings.Contains(got.body, `id="card"`) || !strings.Contains(got.body, deadline) {
		t.Fatalf("before the deadline the form (and the deadline) should show:\n%s", got.body)
	}
	m.advance(t, "10m")
	got := page(t, pageURL)
	if attr(got.body, "message", "data-kind") != "expired" || strings.Contains(got.body, `id="card"`) {
		t.Fatalf("after the deadline: want the expiry page:\n%s", got.body)
	}
	paid, _ := m.pay(t, pageURL, "4242424242424242")
	if attr(paid.body, "message", "data-kind") != "expired" {
		t.Errorf("paying after the deadline:\n%s", paid.body)
	}
	checkFields(t, "status", map[string]any{"result": "error", "err_code": "payment_not_found"}, m.statusOf(t, order))
}

func TestCheckoutUnknownSessionIsAPage(t *testing.T) {
	t.Parallel()
	m := start(t)
	got := page(t, m.base+"/api/3/checkout/nosuchtoken")
	if got.StatusCode != http.StatusNotFound || attr(got.body, "message", "data-kind") != "not_found" {
		t.Errorf("HTTP %d:\n%s", got.StatusCode, got.body)
	}
	post := m.browserPost(t, m.base+"/api/3/checkout/nosuchtoken", url.Values{"card": {"4242424242424242"}})
	if post.StatusCode != http.StatusNotFound {
		t.Errorf("POST: HTTP %d", post.StatusCode)
	}
}

// The README's checkout recipe, run as printed against this server: it
// must print the page's URL, and the page must show the order.
func TestReadmeCheckoutRecipe(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "openssl", "base64"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipUnlessCI(t, "the README recipe needs %s: %v", tool, err)
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "### Hosted checkout")
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(section)
	if block == nil {
		t.Fatal("no sh block under ### Hosted checkout")
	}
	m := start(t)
	script := strings.ReplaceAll(block[1], "127.0.0.1:8470", m.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("recipe: %v\n%s", err, out)
	}
	pageURL := strings.TrimSpace(string(out))
	if !strings.HasPrefix(pageURL, m.base+"/api/3/checkout/") {
		t.Fatalf("recipe printed %q, want the checkout page's URL", out)
	}
	got := page(t, pageURL)
	if got.StatusCode != http.StatusOK || !strings.Contains(got.body, ">checkout-1<") || !strings.Contains(got.body, ">12.50 UAH<") {
		t.Errorf("page: HTTP %d\n%s", got.StatusCode, got.body)
	}
}

// A scenario of the merchant's decides a checkout payment as it decides an
// API one: the page is not a second engine.
func TestCheckoutFollowsTheMerchantsScenarios(t *testing.T) {
	t.Parallel()
	m := start(t)
	const file = `version: 1
provider: liqpay
scenarios:
  - name: checkout-antifraud
    match: {description: "risky checkout", action: pay}
    outcome: {status: failure, code: frod, message: "Blocked by the demo's anti-fraud rule"}
  - name: checkout-otp-then-3ds
    match: {description: "otp then 3ds"}
    outcome:
      status: otp_verify
      confirm: [{when: {otp: "111111"}, status: 3ds_verify}]
`
	if code := scSend(t, http.MethodPut, m.base+"/_mockpay/scenarios/checkout?merchant="+publicKey, file, nil); code != http.StatusOK {
		t.Fatalf("PUT scenario: HTTP %d", code)
	}
	t.Run("failure with the scenario's code and text", func(t *testing.T) {
		order := orderID(t)
		got, _ := m.pay(t, m.openCheckout(t, set(checkoutParams(order), "description", "risky checkout")), "4242424242424242")
		if attr(got.body, "reason", "data-err-code") != "frod" || !strings.Contains(got.body, "Blocked by the demo&#39;s anti-fraud rule") {
			t.Errorf("result page:\n%s", got.body)
		}
		checkFields(t, "status", map[string]any{"status": "failure", "err_code": "frod"}, m.statusOf(t, order))
	})
	t.Run("a confirm rule leads from the OTP page to 3-D Secure", func(t *testing.T) {
		order := orderID(t)
		pageURL := m.openCheckout(t, set(checkoutParams(order), "description", "otp then 3ds"))
		got, _ := m.pay(t, pageURL, "4242424242424242")
		if attr(got.body, "step", "data-step") != "otp_verify" {
			t.Fatalf("want the OTP page:\n%s", got.body)
		}
		resp := m.browserPost(t, pageURL+"/confirm", url.Values{"otp": {"111111"}})
		if !strings.Contains(resp.location, "/api/3ds/request/") {
			t.Fatalf("after the OTP: Location %q, want the 3-D Secure page", resp.location)
		}
		final, _ := m.follow(t, m.browserPost(t, resp.location, url.Values{"decision": {"approve"}}))
		if attr(final.body, "result", "data-status") != "success" {
			t.Errorf("result page:\n%s", final.body)
		}
		checkFields(t, "status", map[string]any{"status": "success", "is_3ds": true}, m.statusOf(t, order))
	})
}

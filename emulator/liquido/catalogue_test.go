package liquido_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/emulator/liquido"
)

func TestProposalConvertsACardCharge(t *testing.T) {
	e := newEnv(t)
	q := e.post(merchantA, "/v1/payments/proposals", map[string]any{"amount": 10000, "country": "BR", "currency": "USD", "targetCurrency": "BRL"})
	id := str(q["proposalId"])
	want := map[string]any{"proposalId": id, "country": "BR", "amount": 10000.0, "currency": "USD", "targetAmount": 50000.0,
		"targetCurrency": "BRL", "exchangeRate": 5.0, "createTime": t0Liquido, "expireTime": "2024-03-01 04:15:00 GMT-08:00"}
	if diff := cmp.Diff(want, q); diff != "" {
		t.Fatalf("proposal (-want +got):\n%s", diff)
	}

	charge := func(key string, amount int, proposalID string) (int, map[string]any) {
		body := with(cardCharge(key, "BR", "4242424242424242"), "currency", "USD", "amount", amount,
			"paymentProposalInfo", map[string]any{"proposalId": proposalID})
		code, b := e.call(merchantA, http.MethodPost, "/v1/payments/charges/card", body)
		return code, decode(t, b)
	}
	code, p := charge("fx-1", 10000, id)
	if code != http.StatusOK {
		t.Fatalf("charge with the proposal: %d %v", code, p)
	}
	got := map[string]any{"status": p["transferStatus"], "amount": p["amount"], "currency": p["currency"],
		"finalAmount": p["finalAmount"], "finalCurrency": p["finalCurrency"], "info": p["paymentProposalInfo"]}
	if diff := cmp.Diff(map[string]any{"status": "SETTLED", "amount": 10000.0, "currency": "USD", "finalAmount": 50000.0,
		"finalCurrency": "BRL", "info": map[string]any{"proposalId": id, "exchangeRate": 5.0}}, got); diff != "" {
		t.Errorf("converted charge (-want +got):\n%s", diff)
	}
	// Replaying the same charge is idempotent, not a second use.
	if code, p := charge("fx-1", 10000, id); code != http.StatusOK || p["finalAmount"] != 50000.0 {
		t.Errorf("replay: %d %v", code, p)
	}

	refusals := func(what string, code int, body map[string]any, message string) {
		t.Helper()
		errs, _ := body["errors"].([]any)
		if code != http.StatusBadRequest || len(errs) != 1 || !strings.Contains(str(errs[0].(map[string]any)["message"]), message) ||
			errs[0].(map[string]any)["field"] != "paymentProposalInfo.proposalId" {
			t.Errorf("%s: HTTP %d %v; want 400 on paymentProposalInfo.proposalId saying %q", what, code, body, message)
		}
	}
	code, p = charge("fx-2", 10000, id)
	refusals("used twice", code, p, "already used by payment fx-1")
	code, p = charge("fx-3", 10000, "nope")
	refusals("unknown", code, p, "no proposal nope")

	other := str(e.post(merchantA, "/v1/payments/proposals", map[string]any{"amount": 10000, "country": "BR", "currency": "USD"})["proposalId"])
	code, p = charge("fx-4", 9999, other)
	refusals("another amount", code, p, "quotes 10000 USD in BR")
	e.advance(merchantA, 15*time.Minute)
	code, p = charge("fx-5", 10000, other)
	refusals("expired", code, p, "expired at 2024-03-01 04:15:00 GMT-08:00")

	// Another merchant cannot use merchant A's proposal.
	third := str(e.post(merchantA, "/v1/payments/proposals", map[string]any{"amount": 10000, "country": "BR", "currency": "USD"})["proposalId"])
	body := with(cardCharge("fx-b", "BR", "4242424242424242"), "currency", "USD", "paymentProposalInfo", map[string]any{"proposalId": third})
	if code, _ := e.call(merchantB, http.MethodPost, "/v1/payments/charges/card", body); code != http.StatusBadRequest {
		t.Errorf("merchant B used A's proposal: HTTP %d", code)
	}
}

func TestProposalValidation(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name string
		body map[string]any
		want []string
	}{
		{"target not the country's", map[string]any{"amount": 100, "country": "BR", "currency": "USD", "targetCurrency": "MXN"}, []string{"targetCurrency"}},
		{"source not USD", map[string]any{"amount": 100, "country": "BR", "currency": "EUR"}, []string{"currency"}},
		{"fractional amount", map[string]any{"amount": 100.5, "country": "MX", "currency": "USD"}, []string{"amount"}},
		{"missing", map[string]any{}, []string{"amount", "country", "currency"}},
	} {
		code, b := e.call(merchantA, http.MethodPost, "/v1/payments/proposals", c.body)
		var got []string
		var out struct{ Errors []liquido.FieldError }
		_ = json.Unmarshal(b, &out)
		for _, f := range out.Errors {
			got = append(got, f.Field)
		}
		if code != http.StatusBadRequest || !cmp.Equal(c.want, got) {
			t.Errorf("%s: HTTP %d fields %v, want 400 on %v: %s", c.name, code, got, c.want, b)
		}
	}
}

func TestPayCashReferencePaidTwiceByAPIAndPage(t *testing.T) {
	e := newEnv(t)
	ref := e.post(merchantA, "/v1/payments/charges/references", map[string]any{
		"idempotencyKey": "ref-1", "country": "MX", "currency": "MXN", "description": "monthly fee",
		"expirationDate": "2024-03-10", "callbackUrl": e.recvURL + "/a",
	})
	pc, _ := at(ref, "transferDetails.payCash").(map[string]any)
	number, pageURL := str(pc["reference"]), str(pc["paymentUrl"])
	want := map[string]any{"transferStatusCode": 200.0, "idempotencyKey": "ref-1", "country": "MX", "currency": "MXN",
		"createTime": t0Liquido, "status": "ACTIVE", "description": "monthly fee", "callbackUrl": e.recvURL + "/a",
		"transferDetails": map[string]any{"payCash": map[string]any{"amount": 0.0, "expirationDate": "2024-03-10",
			"reference": number, "paymentUrl": pageURL}}}
	if diff := cmp.Diff(want, ref); diff != "" {
		t.Fatalf("reference (-want +got):\n%s", diff)
	}
	if len(number) != 13 || !strings.HasPrefix(pageURL, e.srv.URL+"/liquido/reference/") {
		t.Errorf("reference %q, page %q", number, pageURL)
	}

	first, err := e.lq.PayReference(merchantA.id, "ref-1", 25000)
	if err != nil {
		t.Fatal(err)
	}
	code, _, body := e.page(http.MethodPost, pageURL, url.Values{"amount": {"120.50"}})
	if code != http.StatusOK || !strings.Contains(body, `id="paid"`) {
		t.Fatalf("paying on the page: %d\n%s", code, body)
	}
	e.settle(merchantA)
	var keys []string
	for _, r := range e.recv.got("/a") {
		ev := r.event(t)
		d := ev.Data.ChargeDetails
		keys = append(keys, str(d["idempotencyKey"]))
		got := []any{ev.EventType, d["referenceId"], d["transferStatus"], d["paymentMethod"], at(d, "transferDetails.payCash.recurring"),
			at(d, "transferDetails.payCash.referenceNumber")}
		if diff := cmp.Diff([]any{"CHARGE_SUCCEEDED", "ref-1", "SETTLED", "PAY_CASH", true, number}, got); diff != "" {
			t.Errorf("callback (-want +got):\n%s", diff)
		}
		if !liquidoSigned(r, merchantA.secret) {
			t.Errorf("callback of %s is not signed with the client secret", d["idempotencyKey"])
		}
	}
	sort.Strings(keys) // two payments' callbacks may overtake each other
	if len(keys) != 2 || (keys[0] != first && keys[1] != first) || keys[0] == keys[1] || !strings.HasPrefix(keys[0], "ref_") || !strings.HasPrefix(keys[1], "ref_") || len(keys[1]) != 29 {
		t.Fatalf("payments %v; want two distinct ref_ keys, the first %s", keys, first)
	}
	second := keys[0]
	if second == first {
		second = keys[1]
	}
	if p := e.get(merchantA, "/v1/payments/charges/"+second); p["amount"] != 12050.0 || p["referenceId"] != "ref-1" {
		t.Errorf("second payment: amount %v referenceId %v", p["amount"], p["referenceId"])
	}

	// Refusals: a wrong amount, an unknown reference or merchant, an expired reference.
	if _, err := e.lq.PayReference(merchantA.id, "ref-1", 0); !errors.Is(err, liquido.ErrReferenceRefused) {
		t.Errorf("amount 0: %v", err)
	}
	if _, err := e.lq.PayReference(merchantB.id, "ref-1", 100); !errors.Is(err, liquido.ErrReferenceNotFound) {
		t.Errorf("another merchant's reference: %v", err)
	}
	if code, _, body := e.page(http.MethodPost, pageURL, url.Values{"amount": {"12.345"}}); code != http.StatusBadRequest || !strings.Contains(body, `id="error"`) {
		t.Errorf("three decimals: %d", code)
	}
	e.advance(merchantA, 10*24*time.Hour) // past the end of 2024-03-10 in GMT-08:00
	if got := e.get(merchantA, "/v1/payments/charges/references/ref-1")["status"]; got != "EXPIRED" {
		t.Errorf("after its expirationDate the reference is %v", got)
	}
	if _, err := e.lq.PayReference(merchantA.id, "ref-1", 100); !errors.Is(err, liquido.ErrReferenceRefused) {
		t.Errorf("expired reference took a payment: %v", err)
	}
}

func TestReferencePageIsLockedDown(t *testing.T) {
	e := newEnv(t)
	ref := e.post(merchantA, "/v1/payments/charges/references", map[string]any{
		"idempotencyKey": "<i>x", "country": "CO", "currency": "COP", "amount": 500000})
	u := str(at(ref, "transferDetails.payCash.paymentUrl"))
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	buf := string(raw)
	h := resp.Header
	if h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") ||
		!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("headers %v", h)
	}
	if strings.Contains(buf, "<i>x") || !strings.Contains(buf, "&lt;i&gt;x") {
		t.Errorf("the key is not escaped:\n%s", buf)
	}
	if !strings.Contains(buf, "5000.00") || !strings.Contains(buf, "112766") {
		t.Errorf("the page does not show the fixed amount and the convenio:\n%s", buf)
	}
	// A fixed-amount reference takes exactly its amount.
	if _, err := e.lq.PayReference(merchantA.id, "<i>x", 400000); !errors.Is(err, liquido.ErrReferenceRefused) {
		t.Errorf("another amount: %v", err)
	}
	if code, _, _ := e.page(http.MethodGet, e.srv.URL+"/liquido/reference/nope", nil); code != http.StatusNotFound {
		t.Errorf("unknown token: %d", code)
	}
}

func TestReferenceValidationAndIdempotency(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"idempotencyKey": "r", "country": "MX", "currency": "MXN"}
	first := e.post(merchantA, "/v1/payments/charges/references", body)
	if again := e.post(merchantA, "/v1/payments/charges/references", body); !cmp.Equal(first, again) {
		t.Errorf("replay differs:\n%v\n%v", first, again)
	}
	if code, _ := e.call(merchantA, http.MethodPost, "/v1/payments/charges/references", with(body, "description", "other")); code != http.StatusConflict {
		t.Errorf("same key, other body: %d", code)
	}
	for name, b := range map[string]map[string]any{
		"Brazil":         {"idempotencyKey": "x", "country": "BR", "currency": "BRL"},
		"foreign money":  {"idempotencyKey": "x", "country": "MX", "currency": "USD"},
		"past date":      {"idempotencyKey": "x", "country": "MX", "currency": "MXN", "expirationDate": "2024-02-01"},
		"over the limit": {"idempotencyKey": "x", "country": "MX", "currency": "MXN", "amount": 2000001},
	} {
		if code, b := e.call(merchantA, http.MethodPost, "/v1/payments/charges/references", b); code != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d %s", name, code, b)
		}
	}
	if code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/charges/references/none", nil); code != http.StatusNotFound {
		t.Errorf("unknown reference: %d", code)
	}
}

func TestInstallmentPlans(t *testing.T) {
	e := newEnv(t)
	all, _ := e.get(merchantA, "/v1/payments/plans")["data"].([]any)
	br, _ := e.get(merchantA, "/v1/payments/plans?country=BR")["data"].([]any)
	if len(all) < 4 || len(br) != 2 {
		t.Fatalf("%d plans, %d in BR", len(all), len(br))
	}
	for _, p := range br {
		if p.(map[string]any)["country"] != "BR" {
			t.Errorf("?country=BR lists %v", p)
		}
	}
	id := str(br[0].(map[string]any)["planId"])
	if diff := cmp.Diff(br[0], any(e.get(merchantA, "/v1/payments/plans/"+id))); diff != "" {
		t.Errorf("plan by id (-list +one):\n%s", diff)
	}
	if code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/plans/NOPE", nil); code != http.StatusNotFound {
		t.Errorf("unknown plan: %d", code)
	}
	if code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/plans?country=XX", nil); code != http.StatusBadRequest {
		t.Errorf("unknown country: %d", code)
	}
}

func TestVirtualClabeAccount(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"idempotencyKey": "va-1", "userInfo": map[string]any{"legalName": "ACME SA DE CV", "phoneNumber": "+525512345678"},
		"currency": "MXN", "country": "MX", "paymentMethod": "CLABE_ACCOUNT", "callbackUrl": "https://shop.example/cb", "description": "sub account"}
	a := e.post(merchantA, "/v1/payments/virtual-accounts", body)
	clabe := str(at(a, "transferDetails.clabeAccount.clabeAccountNumber"))
	want := map[string]any{"transferStatusCode": 200.0, "idempotencyKey": "va-1", "country": "MX", "currency": "MXN",
		"createTime": t0Liquido, "status": "ACTIVE", "description": "sub account", "callbackUrl": "https://shop.example/cb",
		"transferDetails": map[string]any{"clabeAccount": map[string]any{
			"userInfo": map[string]any{"legalName": "ACME SA DE CV", "phoneNumber": "+525512345678"}, "clabeAccountNumber": clabe}}}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
	if !clabeValid(clabe) || !strings.HasPrefix(clabe, "706180") {
		t.Errorf("CLABE %q", clabe)
	}
	if diff := cmp.Diff(a, e.get(merchantA, "/v1/payments/virtual-accounts/va-1")); diff != "" {
		t.Errorf("retrieved (-created +got):\n%s", diff)
	}
	if code, _ := e.call(merchantB, http.MethodGet, "/v1/payments/virtual-accounts/va-1", nil); code != http.StatusNotFound {
		t.Errorf("merchant B sees A's account: %d", code)
	}
	if code, b := e.call(merchantA, http.MethodPost, "/v1/payments/virtual-accounts", with(body, "idempotencyKey", "va-2", "country", "BR", "paymentMethod", "CARD")); code != http.StatusBadRequest {
		t.Errorf("BR CARD account: %d %s", code, b)
	}
}

// clabeValid checks a CLABE's check digit: weights 3, 7, 1, products mod 10.
func clabeValid(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * []int{3, 7, 1}[i%3] % 10
	}
	return strconv.Itoa((10-sum%10)%10) == s[17:]
}

func TestHostedMethodsFinaliseOnTheClock(t *testing.T) {
	e := newEnv(t)
	rut := map[string]any{"name": "Juan Perez", "document": map[string]any{"documentId": "12.345.678-5", "type": "RUT"}}
	cases := []struct{ path, method, country, currency, key string }{
		{"webpay", "WEB_PAY", "CL", "CLP", "webPay"},
		{"pago46", "PAGO46", "CL", "CLP", "pago46"},
		{"servifacil", "SERVIFACIL", "CL", "CLP", "servifacil"},
		{"fintoc", "FINTOC", "CL", "CLP", "fintoc"},
		{"picpay", "PIC_PAY", "BR", "BRL", "picPay"},
	}
	for i, c := range cases {
		body := map[string]any{"idempotencyKey": "h-" + c.path, "amount": 150000, "currency": c.currency, "country": c.country,
			"paymentMethod": c.method, "paymentFlow": "DIRECT", "payer": payer(c.country), c.key: map[string]any{"redirectUrl": "https://shop.example/back"}}
		if c.country == "CL" {
			body["payer"] = rut
		}
		if i%2 == 1 {
			body["description"] = "finalStatus=FAILED;asyncFinalizationDelay=10"
		}
		p := e.post(merchantA, "/v1/payments/charges/"+c.path, body)
		d, _ := at(p, "transferDetails."+c.key).(map[string]any)
		if p["transferStatus"] != "IN_PROGRESS" || d["redirectUrl"] != "https://shop.example/back" ||
			!strings.HasPrefix(str(d["paymentUrl"]), e.srv.URL+"/liquido/pay/") {
			t.Errorf("%s: %v %v", c.method, p["transferStatus"], d)
		}
	}
	e.advance(merchantA, 10*time.Second)
	e.advance(merchantA, 170*time.Second)
	for i, c := range cases {
		want := "SETTLED"
		if i%2 == 1 {
			want = "FAILED"
		}
		if got := e.get(merchantA, "/v1/payments/charges/h-"+c.path)["transferStatus"]; got != want {
			t.Errorf("%s after 180 s: %v, want %s", c.method, got, want)
		}
	}
	// Their validation: the country, the currency, a RUT's check digit.
	for name, b := range map[string]map[string]any{
		"WEB_PAY in Brazil":   {"idempotencyKey": "v1", "amount": 100, "currency": "BRL", "country": "BR", "paymentMethod": "WEB_PAY", "payer": payer("BR")},
		"PIC_PAY in Chile":    {"idempotencyKey": "v2", "amount": 100, "currency": "CLP", "country": "CL", "paymentMethod": "PIC_PAY", "payer": rut},
		"Chile in MXN":        {"idempotencyKey": "v3", "amount": 100, "currency": "MXN", "country": "CL", "paymentMethod": "FINTOC", "payer": rut},
		"bad RUT check digit": {"idempotencyKey": "v4", "amount": 100, "currency": "CLP", "country": "CL", "paymentMethod": "PAGO46", "payer": map[string]any{"document": map[string]any{"documentId": "12.345.678-9", "type": "RUT"}}},
		"bad redirectUrl":     {"idempotencyKey": "v5", "amount": 100, "currency": "CLP", "country": "CL", "paymentMethod": "WEB_PAY", "payer": rut, "webPay": map[string]any{"redirectUrl": "javascript:alert(1)"}},
	} {
		path := "/v1/payments/charges/" + map[string]string{"WEB_PAY": "webpay", "PIC_PAY": "picpay", "FINTOC": "fintoc", "PAGO46": "pago46"}[b["paymentMethod"].(string)]
		if name == "WEB_PAY in Brazil" {
			path = "/v1/payments/charges/webpay"
		}
		if code, body := e.call(merchantA, http.MethodPost, path, b); code != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d %s", name, code, body)
		}
	}
}

func TestHostedMethodPageReturnsToRedirectURL(t *testing.T) {
	e := newEnv(t)
	p := e.post(merchantA, "/v1/payments/charges/webpay", map[string]any{"idempotencyKey": "wp", "amount": 5000, "currency": "CLP",
		"country": "CL", "paymentMethod": "WEB_PAY", "payer": map[string]any{}, "webPay": map[string]any{"redirectUrl": "https://shop.example/back"}})
	code, location, _ := e.page(http.MethodGet, str(at(p, "transferDetails.webPay.paymentUrl"))+"?outcome=approve", nil)
	if code != http.StatusSeeOther || location != "https://shop.example/back" {
		t.Errorf("approve: %d → %q", code, location)
	}
	if got := e.get(merchantA, "/v1/payments/charges/wp")["transferStatus"]; got != "SETTLED" {
		t.Errorf("after approval: %v", got)
	}
}

func TestUnknownPathsAndMethodsInLiquidosShape(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		method, path string
		code         int
		cashier      bool
	}{
		{http.MethodGet, "/v1/payments/nothing-here", http.StatusNotFound, false},
		{http.MethodPost, "/v1/payments/charges/card/extra/segments", http.StatusNotFound, false},
		{http.MethodGet, "/v1/payments/proposals", http.StatusMethodNotAllowed, false},
		{http.MethodDelete, "/v1/payments/charges/refund", http.StatusMethodNotAllowed, false},
		{http.MethodPut, "/v1/payments/charges/abc", http.StatusMethodNotAllowed, false},
		{http.MethodPost, "/v1/payments/plans", http.StatusMethodNotAllowed, false},
		{http.MethodGet, "/oauth2/token", http.StatusMethodNotAllowed, false},
		{http.MethodGet, "/v2/cashier/unknown", http.StatusNotFound, true},
	} {
		code, b := e.callWith(c.method, c.path, nil, nil)
		var body map[string]any
		if err := json.Unmarshal(b, &body); err != nil {
			t.Errorf("%s %s: not JSON: %s", c.method, c.path, b)
			continue
		}
		want := []string{"error", "message", "path", "status", "timestamp"}
		if c.cashier {
			want = []string{"code", "message"}
		}
		var keys []string
		for k := range body {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if code != c.code || !cmp.Equal(want, keys) || (c.cashier && body["code"] != float64(c.code)) || (!c.cashier && body["status"] != float64(c.code)) {
			t.Errorf("%s %s: HTTP %d %s; want %d with %v", c.method, c.path, code, b, c.code, want)
		}
	}
}

// liquidoSigned checks a callback's Liquido-Signature with the merchant's
// secret (reference §15.2).
func liquidoSigned(r received, secret string) bool {
	h := r.Header.Get("Liquido-Signature")
	_, rest, _ := strings.Cut(h, "timestamp=")
	ts, _, _ := strings.Cut(rest, ",")
	n, err := strconv.ParseInt(ts, 10, 64)
	return err == nil && h == liquido.Sign(secret, r.Body, n)
}

// Scenarios script faults on the new resources by their actions: a fault
// before processing creates nothing, and the retry goes through.
func TestScenarioFaultsOnTheNewResources(t *testing.T) {
	e := newEnv(t)
	e.scenario(`
version: 1
provider: liquido
scenarios:
  - name: proposal lost
    match: {action: proposals}
    times: 1
    outcome: {fault: {type: http, status: 502}}
  - name: reference lost
    match: {action: references, idempotencyKey: lost-ref}
    times: 1
    outcome: {fault: {type: http, status: 503}}
  - name: account lost
    match: {action: virtual_accounts}
    times: 1
    outcome: {fault: {type: http, status: 504}}
  - name: plans down
    match: {action: plans}
    times: 1
    outcome: {fault: {type: http, status: 500}}
`)
	for _, c := range []struct {
		method, path string
		body         any
		want         string
	}{
		{http.MethodPost, "/v1/payments/proposals", map[string]any{"amount": 100, "country": "MX", "currency": "USD"}, `502 {"message":"Internal server error"}`},
		{http.MethodPost, "/v1/payments/charges/references", map[string]any{"idempotencyKey": "lost-ref", "country": "MX", "currency": "MXN"}, `503 {"message":"Service Unavailable"}`},
		{http.MethodPost, "/v1/payments/virtual-accounts", map[string]any{"idempotencyKey": "lost-va", "country": "MX", "currency": "MXN",
			"paymentMethod": "CLABE_ACCOUNT", "userInfo": map[string]any{"legalName": "A"}}, `504 {"message":"Endpoint request timed out"}`},
		{http.MethodGet, "/v1/payments/plans", nil, `500 {"message":"Internal server error"}`},
	} {
		code, body := e.call(merchantA, c.method, c.path, c.body)
		if diff := cmp.Diff(c.want, statusBody(code, body)); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", c.method, c.path, diff)
		}
		if code, body := e.call(merchantA, c.method, c.path, c.body); code != http.StatusOK {
			t.Errorf("%s %s retried: HTTP %d %s", c.method, c.path, code, body)
		}
	}
	if code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/charges/references/lost-ref", nil); code != http.StatusOK {
		t.Errorf("the retried reference is not there: %d", code)
	}
}

// Every hosted page refuses to be framed and loads nothing but mockpay's
// one stylesheet (pages_style_test.go checks each page).
func TestHostedPagesAreNeverFramed(t *testing.T) {
	e := newEnv(t)
	p := e.post(merchantA, "/v1/payments/charges/fintoc", map[string]any{"idempotencyKey": "frame", "amount": 5000, "currency": "CLP",
		"country": "CL", "paymentMethod": "FINTOC", "payer": map[string]any{}})
	resp, err := http.Get(str(at(p, "transferDetails.fintoc.paymentUrl")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Frame-Options") != "DENY" ||
		!strings.HasPrefix(csp, "default-src 'none'; style-src 'self';") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("HTTP %d, X-Frame-Options %q, CSP %q", resp.StatusCode, resp.Header.Get("X-Frame-Options"), csp)
	}
}

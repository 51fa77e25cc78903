package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// The rest of Liquido's catalogue (reference §4), against the binary.

// Chile's hosted methods and PicPay go IN_PROGRESS with a payment page and
// finalise on the merchant's clock like every local method: SETTLED after
// the sandbox's 180 s, or the description's finalStatus after its delay,
// each with its signed callback.
func TestLiquidoHostedMethodsFinaliseOnTheClock(t *testing.T) {
	t.Parallel()
	m := lqNamed("lq-hosted")
	s := lqStart(t, m)
	rv := callbacktest.New(t)
	rut := map[string]any{"name": "Juan Perez", "document": map[string]any{"documentId": "12.345.678-5", "type": "RUT"}}
	methods := []struct{ path, method, country, currency, key string }{
		{"webpay", "WEB_PAY", "CL", "CLP", "webPay"},
		{"pago46", "PAGO46", "CL", "CLP", "pago46"},
		{"servifacil", "SERVIFACIL", "CL", "CLP", "servifacil"},
		{"fintoc", "FINTOC", "CL", "CLP", "fintoc"},
		{"picpay", "PIC_PAY", "BR", "BRL", "picPay"},
	}
	var want []string
	for _, mt := range methods {
		for _, final := range []string{"SETTLED", "FAILED"} {
			key := lqKey(t, mt.method+"-"+final)
			body := lqWith(lqLocal(key, mt.country, mt.method), "callbackUrl", rv.URL+"/"+key,
				mt.key, map[string]any{"redirectUrl": "https://shop.example/back"})
			if mt.country == "CL" {
				body["currency"], body["payer"] = mt.currency, rut
			}
			if final == "FAILED" {
				body["description"] = "finalStatus=FAILED;asyncFinalizationDelay=10;"
			}
			got := s.post(t, m, "/v1/payments/charges/"+mt.path, body)
			lqDiff(t, key, `{"paymentUrl":"<varies>","redirectUrl":"https://shop.example/back"}`, lqAt(got, "transferDetails."+mt.key), "paymentUrl")
			if u, _ := lqAt(got, "transferDetails."+mt.key+".paymentUrl").(string); !strings.HasPrefix(u, s.base+"/liquido/pay/") {
				t.Errorf("%s: paymentUrl %q", key, u)
			}
			if got["transferStatus"] != "IN_PROGRESS" || got["paymentMethod"] != mt.method {
				t.Errorf("%s: %v %v", key, got["paymentMethod"], got["transferStatus"])
			}
			event := map[string]string{"SETTLED": "CHARGE_SUCCEEDED", "FAILED": "CHARGE_FAILED"}[final]
			want = append(want, event+" "+key+" "+final)
		}
	}
	s.advance(t, m, "11s")
	s.advance(t, m, "170s")
	for _, mt := range methods {
		for _, final := range []string{"SETTLED", "FAILED"} {
			if got := s.payment(t, m, lqKey(t, mt.method+"-"+final))["transferStatus"]; got != final {
				t.Errorf("%s %s: %v", mt.method, final, got)
			}
		}
	}
	evs := lqEvents(t, rv)
	got := lqSummary(evs)
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
	for _, ev := range evs {
		lqCheckSigned(t, fmt.Sprint(ev.Data.ChargeDetails["idempotencyKey"]), ev, m.secret, lqDefault.secret)
	}
}

// Installment plans: the catalogue, one country's, and one plan by its id.
func TestLiquidoInstallmentPlans(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := lqDefault
	all, _ := s.get(t, m, "/v1/payments/plans")["data"].([]any)
	mx, _ := s.get(t, m, "/v1/payments/plans?country=MX")["data"].([]any)
	if len(all) < 2 || len(mx) != 1 {
		t.Fatalf("%d plans, %d in MX", len(all), len(mx))
	}
	lqDiff(t, "MX plan", `{"planId":"MX-MSI","name":"Meses sin intereses","country":"MX","currency":"MXN","options":[
		{"installments":1,"interestRate":0},{"installments":3,"interestRate":0},{"installments":6,"interestRate":0},
		{"installments":9,"interestRate":0},{"installments":12,"interestRate":0}]}`, mx[0])
	if diff := cmp.Diff(mx[0], any(s.get(t, m, "/v1/payments/plans/MX-MSI"))); diff != "" {
		t.Errorf("plan by id (-listed +got):\n%s", diff)
	}
	lqReplyDiff(t, "unknown plan", s.call(t, m, http.MethodGet, "/v1/payments/plans/NO-SUCH", nil), http.StatusNotFound,
		lqSpring(404, "/v1/payments/plans/NO-SUCH", "No installment plan found with planId NO-SUCH"))
}

// A virtual CLABE account: the documented request and answer, an 18-digit
// CLABE with a valid check digit, retrievable, idempotent.
func TestLiquidoVirtualClabeAccount(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := lqDefault
	key := lqKey(t, "")
	body := map[string]any{"idempotencyKey": key, "userInfo": map[string]any{"legalName": "ACME SA DE CV", "phoneNumber": "+525512345678"},
		"currency": "MXN", "country": "MX", "paymentMethod": "CLABE_ACCOUNT", "callbackUrl": "https://shop.example/cb", "description": "sub account"}
	got := s.post(t, m, "/v1/payments/virtual-accounts", body)
	lqDiff(t, "account", `{"transferStatusCode":200,"idempotencyKey":"`+key+`","country":"MX","currency":"MXN","createTime":"<time>",
		"status":"ACTIVE","description":"sub account","callbackUrl":"https://shop.example/cb",
		"transferDetails":{"clabeAccount":{"userInfo":{"legalName":"ACME SA DE CV","phoneNumber":"+525512345678"},"clabeAccountNumber":"<varies>"}}}`,
		got, "transferDetails.clabeAccount.clabeAccountNumber")
	clabe, _ := lqAt(got, "transferDetails.clabeAccount.clabeAccountNumber").(string)
	if !lqClabeValid(clabe) || !strings.HasPrefix(clabe, "706180") {
		t.Errorf("CLABE %q is not Liquido's bank and plaza with a valid check digit", clabe)
	}
	if diff := cmp.Diff(got, s.get(t, m, "/v1/payments/virtual-accounts/"+key)); diff != "" {
		t.Errorf("retrieved (-created +got):\n%s", diff)
	}
	if diff := cmp.Diff(got, s.post(t, m, "/v1/payments/virtual-accounts", body)); diff != "" {
		t.Errorf("replayed (-created +got):\n%s", diff)
	}
	r := s.call(t, m, http.MethodPost, "/v1/payments/virtual-accounts", lqWith(body, "idempotencyKey", key+"-2", "country", "CO"))
	lqReplyDiff(t, "a Colombian account", r, http.StatusBadRequest, lqInvalid("/v1/payments/virtual-accounts", "country", "virtual CLABE accounts are offered in MX only"))
}

// lqClabeValid checks a CLABE's check digit: weights 3, 7, 1 repeating,
// each product mod 10, the digit completing the sum to a multiple of 10.
func lqClabeValid(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := range 17 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * []int{3, 7, 1}[i%3] % 10
	}
	return strconv.Itoa((10-sum%10)%10) == s[17:]
}

// Unix times are taken with a fraction, as Liquido's Jackson takes them
// (JavaScript's Date.now()/1000), and truncated; money with a fraction is
// refused.
func TestLiquidoFractionalTimesButWholeMoney(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := lqDefault
	now := s.now(t, m).Unix()
	deadline := fmt.Sprintf("%d.789", now+5*86400)
	raw := func(key, amount, term string) string {
		payer, _ := json.Marshal(lqPayer("BR"))
		return `{"idempotencyKey":"` + key + `","amount":` + amount + `,"currency":"BRL","country":"BR","paymentMethod":"BOLETO",` +
			`"paymentFlow":"DIRECT","payer":` + string(payer) + `,"paymentTerm":` + term + `}`
	}
	key := lqKey(t, "deadline")
	got := s.post(t, m, "/v1/payments/charges/boleto", raw(key, "150000", `{"paymentDeadline":`+deadline+`}`))
	wantDay := time.Unix(now+5*86400, 0).In(time.FixedZone("BRT", -3*60*60)).Format("2006-01-02")
	if due := lqAt(got, "transferDetails.boleto.dueDate"); due != wantDay || got["transferStatus"] != "IN_PROGRESS" {
		t.Errorf("fractional paymentDeadline: dueDate %v (want %s), %v", due, wantDay, got["transferStatus"])
	}
	pix := lqWith(lqLocal(lqKey(t, "pix"), "BR", "PIX_DYNAMIC_QR"), "expirationInfo", map[string]any{"expiresAt": json.Number(fmt.Sprintf("%d.5", now+3600))})
	got = s.post(t, m, "/v1/payments/charges/pix", pix)
	wantExp := time.Unix(now+3600, 0).UTC().Format("2006-01-02 15:04:05 UTC")
	if exp := lqAt(got, "transferDetails.pix.expirationTime"); exp != wantExp {
		t.Errorf("fractional expiresAt: expirationTime %v, want %s (truncated)", exp, wantExp)
	}
	path := "/v1/payments/charges/boleto"
	lqReplyDiff(t, "fractional amount", s.call(t, m, http.MethodPost, path, raw(lqKey(t, "money"), "150000.5", `{"paymentDeadline":`+deadline+`}`)),
		http.StatusBadRequest, lqInvalid(path, "amount", "must be a whole number"))
}

// Every path and method under Liquido's prefixes that it does not have is
// answered in Liquido's shapes: Spring's body under /v1/ and /oauth2/, the
// cashier's {code, message} under /v2/; a known path with another method is
// a 405 naming the methods it takes.
func TestLiquidoUnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := lqDefault
	for _, c := range []struct {
		method, path string
		code         int
		allow, body  string
	}{
		{http.MethodGet, "/v1/payments/unknown", 404, "", lqSpring(404, "/v1/payments/unknown", "No endpoint GET /v1/payments/unknown")},
		{http.MethodGet, "/v1/", 404, "", lqSpring(404, "/v1/", "No endpoint GET /v1/")},
		{http.MethodGet, "/v1/payments/proposals", 405, "POST",
			lqSpring(405, "/v1/payments/proposals", "Request method 'GET' is not supported; /v1/payments/proposals takes POST")},
		{http.MethodPatch, "/v1/payments/charges/some-key", 405, "GET",
			lqSpring(405, "/v1/payments/charges/some-key", "Request method 'PATCH' is not supported; /v1/payments/charges/some-key takes GET")},
		// An unknown charge method is a payment key's path, which takes GET only.
		{http.MethodPost, "/v1/payments/charges/bitcoin", 405, "GET",
			lqSpring(405, "/v1/payments/charges/bitcoin", "Request method 'POST' is not supported; /v1/payments/charges/bitcoin takes GET")},
		{http.MethodDelete, "/oauth2/token", 405, "POST",
			lqSpring(405, "/oauth2/token", "Request method 'DELETE' is not supported; /oauth2/token takes POST")},
		{http.MethodGet, "/v2/cashier/nothing", 404, "", `{"code":404,"message":"No endpoint GET /v2/cashier/nothing"}`},
		{http.MethodPost, "/v2/", 404, "", `{"code":404,"message":"No endpoint POST /v2/"}`},
	} {
		r := s.call(t, m, c.method, c.path, nil)
		lqReplyDiff(t, c.method+" "+c.path, r, c.code, c.body)
		if got := r.header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
}

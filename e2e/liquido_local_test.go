package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// lqLocalCase is one local-method payment followed from creation to its
// final status on the merchant's virtual clock.
type lqLocalCase struct {
	key, path string
	body      map[string]any
	// details is the whole transferDetails of the creation answer; the
	// values at vary (under transferDetails) move from run to run and must
	// match their pattern.
	details string
	vary    map[string]string
	cancel  bool          // cancelled through the API right after creation
	final   string        // the status it ends in
	at      time.Duration // virtual time after creation when it gets there
	event   string
}

// lqFormats are the patterns of the values that vary.
var lqFormats = map[string]string{
	"qrCode":         `^000201.*6304[0-9A-F]{4}$`,
	"expirationTime": `^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$`,
	"digitalLine":    `^\d{47}$`,
	"barcode":        `^\d{44}$`,
	"date":           `^\d{4}-\d{2}-\d{2}$`,
	"ref13":          `^\d{13}$`,
	"ref14":          `^\d{14}$`,
	"ref7":           `^\d{7}$`,
	"clabe":          `^706180\d{12}$`,
	"account8":       `^\d{8}$`,
	"payPage":        `^http://127\.0\.0\.1:\d+/liquido/pay/[0-9a-f-]{36}$`,
}

// lqLocalCases are every local method (reference §6), each settling after
// the sandbox's default 180 s and failing after 10 s with the description's
// test parameters (reference §16), and the other ways a voucher ends.
func lqLocalCases(receiver string, now time.Time) []*lqLocalCase {
	methods := []struct {
		path, country, method string
		extra                 map[string]any
		details               string
		vary                  map[string]string
	}{
		{"pix", "BR", "PIX_DYNAMIC_QR", nil, `{"pix":{"qrCode":"<varies>","qrCodeType":"DYNAMIC","expirationTime":"<varies>"}}`,
			map[string]string{"pix.qrCode": "qrCode", "pix.expirationTime": "expirationTime"}},
		{"pix", "BR", "PIX_STATIC_QR", nil, `{"pix":{"qrCode":"<varies>","qrCodeType":"STATIC","expirationTime":"<varies>"}}`,
			map[string]string{"pix.qrCode": "qrCode", "pix.expirationTime": "expirationTime"}},
		{"boleto", "BR", "BOLETO", nil, `{"boleto":{"digitalLine":"<varies>","barcode":"<varies>","dueDate":"<varies>"}}`,
			map[string]string{"boleto.digitalLine": "digitalLine", "boleto.barcode": "barcode", "boleto.dueDate": "date"}},
		{"oxxo", "MX", "OXXO", nil, `{"oxxo":{"referenceNumber":"<varies>","expirationDate":"<varies>"}}`,
			map[string]string{"oxxo.referenceNumber": "ref14", "oxxo.expirationDate": "date"}},
		{"paycash", "MX", "PAY_CASH", nil, `{"payCash":{"referenceNumber":"<varies>","expirationDate":"<varies>","recurring":false,"paymentTime":null}}`,
			map[string]string{"payCash.referenceNumber": "ref13", "payCash.expirationDate": "date"}},
		{"paycash", "CO", "PAY_CASH", nil, `{"payCash":{"referenceNumber":"<varies>","expirationDate":"<varies>","recurring":false,"paymentTime":null,"convenio":"112766"}}`,
			map[string]string{"payCash.referenceNumber": "ref13", "payCash.expirationDate": "date"}},
		{"bank_transfer", "MX", "BANK_TRANSFER", nil, `{"bankTransfer":{"expirationTime":"<time>","referenceNumber":"<varies>",
			"bankAccountInfo":{"bankCode":"90706","beneficiaryName":"MXNLIQUIDO SA DE CV","bankAccountNumber":"<varies>","bankAccountType":"CLABE","bankName":"ARCUS"}}}`,
			map[string]string{"bankTransfer.referenceNumber": "ref7", "bankTransfer.bankAccountInfo.bankAccountNumber": "clabe"}},
		{"bank_transfer", "BR", "BANK_TRANSFER", nil, `{"bankTransfer":{"expirationTime":"<time>","referenceNumber":"<varies>",
			"bankAccountInfo":{"bankCode":"332","beneficiaryName":"LIQUIDO BRASIL LTDA","bankAccountNumber":"<varies>","bankAccountType":"CHECKING",
			"bankName":"ACESSO SOLUCOES DE PAGAMENTO S.A.","bankBranchId":"0001","ispb":"13140088"}}}`,
			map[string]string{"bankTransfer.referenceNumber": "ref7", "bankTransfer.bankAccountInfo.bankAccountNumber": "account8"}},
		{"pse", "CO", "PSE", map[string]any{"pse": map[string]any{"personType": "NATURAL", "financialInstitutionCode": "1007"}},
			`{"pse":{"personType":"NATURAL","financialInstitutionCode":"1007"}}`, nil},
		{"nequi", "CO", "NEQUI", map[string]any{"nequi": map[string]any{"phone": "+573123456789"}}, `{"nequi":{"phone":"+573123456789"}}`, nil},
		{"nequi", "CO", "NEQUI", nil, `{"nequi":{"paymentUrl":"<varies>"}}`, map[string]string{"nequi.paymentUrl": "payPage"}},
	}
	var out []*lqLocalCase
	add := func(name string, i int, description string, c *lqLocalCase) {
		mt := methods[i]
		c.key = "TestLiquidoLocalMethods-" + mt.method + "-" + mt.country + "-" + strconv.Itoa(i) + "-" + name
		c.path = "/v1/payments/charges/" + mt.path
		c.body = lqWith(lqLocal(c.key, mt.country, mt.method), "callbackUrl", receiver+"/"+c.key)
		if description != "" {
			c.body["description"] = description
		}
		for k, v := range mt.extra {
			c.body[k] = v
		}
		c.details, c.vary = mt.details, mt.vary
		out = append(out, c)
	}
	for i := range methods {
		add("settles", i, "", &lqLocalCase{final: "SETTLED", at: 180 * time.Second, event: "CHARGE_SUCCEEDED"})
		add("fails", i, "finalStatus=FAILED;asyncFinalizationDelay=10;", &lqLocalCase{final: "FAILED", at: 10 * time.Second, event: "CHARGE_FAILED"})
	}
	// finalStatus takes CANCELLED, as the sandbox documents for cancellations.
	add("cancelled-by-parameter", 3, "finalStatus=CANCELLED;asyncFinalizationDelay=10", &lqLocalCase{final: "CANCELLED", at: 10 * time.Second, event: "CHARGE_FAILED"})
	// Cancelled through the API at once: it never settles (reference §9).
	add("cancelled-by-api", 4, "", &lqLocalCase{cancel: true, final: "CANCELLED", at: 0, event: "CHARGE_FAILED"})
	// A Pix code expiring before the payment would settle expires it.
	exp := &lqLocalCase{final: "EXPIRED", at: 60 * time.Second, event: "CHARGE_FAILED"}
	add("expires", 0, "asyncFinalizationDelay=3600", exp)
	exp.body["expirationInfo"] = map[string]any{"expiresAt": now.Add(60 * time.Second).Unix()}
	return out
}

func TestLiquidoLocalMethods(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := lqDefault
	rv := callbacktest.New(t)
	t0 := s.now(t, m)
	cases := lqLocalCases(rv.URL, t0)

	// Creation: IN_PROGRESS with the method's payment data.
	for _, c := range cases {
		got := s.post(t, m, c.path, c.body)
		var paths []string
		for p, format := range c.vary {
			v, _ := lqAt(got, "transferDetails."+p).(string)
			if !regexp.MustCompile(lqFormats[format]).MatchString(v) {
				t.Errorf("%s: transferDetails.%s %q does not match %s", c.key, p, v, lqFormats[format])
			}
			paths = append(paths, "transferDetails."+p)
		}
		payer, _ := json.Marshal(c.body["payer"])
		description, _ := c.body["description"].(string)
		lqDiff(t, c.key+" created", `{"transferStatusCode":200,"transferErrorMsg":null,"idempotencyKey":"`+c.key+`","referenceId":"`+c.key+`",
			"paymentFlow":"DIRECT","paymentMethod":"`+c.body["paymentMethod"].(string)+`","amount":150000,"currency":"`+c.body["currency"].(string)+`",
			"country":"`+c.body["country"].(string)+`","finalAmount":150000,"finalCurrency":"`+c.body["currency"].(string)+`",
			"createTime":"<time>","scheduledTime":"<time>","finalStatusTime":null,"payer":`+string(payer)+`,
			"transferDetails":`+c.details+`,"transferStatus":"IN_PROGRESS","description":`+strconv.Quote(description)+`,
			"callbackUrl":"`+c.body["callbackUrl"].(string)+`"}`, got, paths...)
		if c.cancel {
			if got := s.post(t, m, "/v1/payments/charges/cancel/"+c.key, nil); got["transferStatus"] != "CANCELLED" {
				t.Errorf("%s: cancel answered %v", c.key, got["transferStatus"])
			}
		}
		if strings.HasSuffix(c.key, "-expires") {
			if v := lqAt(got, "transferDetails.pix.expirationTime"); v != t0.Add(60*time.Second).UTC().Format("2006-01-02 15:04:05 UTC") {
				t.Errorf("%s: expirationTime %v, want expiresAt", c.key, v)
			}
		}
		if p := lqAt(got, "transferDetails.pix.qrCode"); p != nil {
			lqCheckBRCode(t, p.(string))
		}
	}

	// The payments were created between t0 and created. A check that
	// nothing happened yet moves the clock to t0 + d (the first payment is
	// d old, the last younger); a check that everything happened moves it
	// to created + d (the last payment is d old). So the real time the
	// test takes never blurs "not before" and "by then".
	created := s.now(t, m)
	advanceTo := func(at time.Time) {
		t.Helper()
		d := at.Sub(s.now(t, m))
		if d < 0 {
			t.Fatalf("the virtual clock is already %v past %v: this machine is too slow for the check", -d, at)
		}
		s.advance(t, m, d.String())
	}
	pse := func() []any {
		var urls []any
		for _, c := range cases {
			if c.body["paymentMethod"] == "PSE" {
				urls = append(urls, lqAt(s.payment(t, m, c.key), "transferDetails.pse.paymentUrl"))
			}
		}
		return urls
	}
	// PSE's paymentUrl comes a few seconds after creation: merchants poll
	// for it (reference §6, §18.7).
	advanceTo(t0.Add(3 * time.Second))
	if diff := cmp.Diff([]any{nil, nil}, pse()); diff != "" {
		t.Errorf("PSE paymentUrl after 3 s (-want +got):\n%s", diff)
	}
	advanceTo(created.Add(5 * time.Second))
	for _, u := range pse() {
		if got, _ := u.(string); !regexp.MustCompile(lqFormats["payPage"]).MatchString(got) {
			t.Errorf("PSE paymentUrl after 5 s: %v", u)
		}
	}

	// Each payment's status at each step of the clock.
	for _, step := range []struct {
		to time.Time
		at time.Duration
	}{
		{t0.Add(9 * time.Second), 9 * time.Second}, {created.Add(10 * time.Second), 10 * time.Second},
		{t0.Add(179 * time.Second), 179 * time.Second}, {created.Add(180 * time.Second), 180 * time.Second},
	} {
		advanceTo(step.to)
		for _, c := range cases {
			got := s.payment(t, m, c.key)
			want := []any{"IN_PROGRESS", 200.0, nil, nil}
			if step.at >= c.at {
				want = []any{c.final, 200.0, nil, lqTime}
				switch c.final {
				case "FAILED":
					want[1], want[2] = 400.0, "Payment failed"
				case "EXPIRED":
					want[1], want[2] = 400.0, "Payment expired"
				}
			}
			if diff := cmp.Diff(want, []any{got["transferStatus"], got["transferStatusCode"], got["transferErrorMsg"], lqMask(got["finalStatusTime"])}); diff != "" {
				t.Errorf("%s at %v: status, code, message, finalStatusTime (-want +got):\n%s", c.key, step.at, diff)
			}
			if step.at == 180*time.Second {
				// finalStatusTime is when it got there on the virtual clock.
				at, err := time.Parse("2006-01-02 15:04:05 GMT-07:00", fmt.Sprint(got["finalStatusTime"]))
				if off := at.Sub(t0); err != nil || off < c.at-time.Second || off > c.at+2*time.Second {
					t.Errorf("%s: finalStatusTime %v is not creation + %v", c.key, got["finalStatusTime"], c.at)
				}
				if c.final == "SETTLED" && c.body["paymentMethod"] == "PAY_CASH" {
					if v, _ := lqAt(got, "transferDetails.payCash.paymentTime").(string); !regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`).MatchString(v) {
						t.Errorf("%s: paymentTime %q once paid", c.key, v)
					}
				}
			}
		}
	}

	// One callback each, signed, sent at the virtual time of the change.
	byKey := map[string][]lqEvent{}
	for _, ev := range lqEvents(t, rv) {
		key := fmt.Sprint(ev.Data.ChargeDetails["idempotencyKey"])
		byKey[key] = append(byKey[key], ev)
	}
	for _, c := range cases {
		evs := byKey[c.key]
		if diff := cmp.Diff([]string{c.event + " " + c.key + " " + c.final}, lqSummary(evs)); diff != "" {
			t.Errorf("%s: callbacks (-want +got):\n%s", c.key, diff)
			continue
		}
		ts, err := lqVerify(evs[0].signature, evs[0].raw, m.secret)
		if off := time.Unix(ts, 0).Sub(t0); err != nil || off < c.at-time.Second || off > c.at+2*time.Second {
			t.Errorf("%s: signature timestamp %d (creation + %v), want creation + %v: %v", c.key, ts, off, c.at, err)
		}
	}
	received := rv.Received()
	for i, ev := range lqEvents(t, rv) {
		if want := "/" + fmt.Sprint(ev.Data.ChargeDetails["idempotencyKey"]); received[i].Path != want {
			t.Errorf("callback sent to %s, want the payment's callbackUrl %s", received[i].Path, want)
		}
	}
}

// lqCheckBRCode checks a Pix BR Code's frame independently: EMV TLV fields
// ending with a CRC-16/CCITT-FALSE of everything before it, "6304" included.
func lqCheckBRCode(t *testing.T, code string) {
	t.Helper()
	fields := map[string]string{}
	for rest := code; rest != ""; {
		n, err := strconv.Atoi(rest[2:min(4, len(rest))])
		if len(rest) < 4 || err != nil || len(rest) < 4+n {
			t.Errorf("BR Code %q: bad TLV at %q", code, rest)
			return
		}
		fields[rest[:2]], rest = rest[4:4+n], rest[4+n:]
	}
	crc := uint16(0xFFFF)
	for _, b := range []byte(code[:len(code)-4]) {
		crc ^= uint16(b) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	if want := fmt.Sprintf("%04X", crc); fields["63"] != want || fields["00"] != "01" || fields["58"] != "BR" || fields["54"] != "1500.00" {
		t.Errorf("BR Code %q: CRC %s (want %s), format %s, country %s, amount %s", code, fields["63"], want, fields["00"], fields["58"], fields["54"])
	}
}

func TestLiquidoLocalMethodPages(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := lqDefault

	t.Run("the boleto PDF", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/boleto", lqWith(lqLocal(key, "BR", "BOLETO"), "amount", 123456))
		r := s.call(t, m, http.MethodGet, "/v1/payments/files/boleto/pdf/"+key, nil)
		lqReplyDiff(t, "PDF link", r, http.StatusOK, `{"path":"<varies>"}`, "path")
		path, _ := r.json(t)["path"].(string)
		if !regexp.MustCompile(`^` + regexp.QuoteMeta(s.base) + `/liquido/files/boleto/[0-9a-f-]{36}\.pdf$`).MatchString(path) {
			t.Fatalf("path %q is not a PDF file of this server", path)
		}
		// The file needs no credentials: it is a link for the payer.
		resp, err := httpClient.Get(path)
		if err != nil {
			t.Fatal(err)
		}
		var pdf bytes.Buffer
		_, err = pdf.ReadFrom(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("GET %s: HTTP %d, Content-Type %q, %v", path, resp.StatusCode, resp.Header.Get("Content-Type"), err)
		}
		b := pdf.Bytes()
		if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("%%EOF")) {
			t.Errorf("not a PDF: starts %q, ends %q", b[:min(len(b), 8)], b[max(0, len(b)-8):])
		}
		if !bytes.Contains(b, []byte("R$ 1.234,56")) {
			t.Errorf("the boleto does not show its amount")
		}
		// Not a boleto; no payment; no file.
		s.post(t, m, "/v1/payments/charges/oxxo", lqLocal(key+"-oxxo", "MX", "OXXO"))
		p := "/v1/payments/files/boleto/pdf/" + key + "-oxxo"
		lqReplyDiff(t, "PDF of an OXXO payment", s.call(t, m, http.MethodGet, p, nil), http.StatusBadRequest,
			lqSpring(400, p, "Payment "+key+"-oxxo is not a BOLETO payment"))
		p = "/v1/payments/files/boleto/pdf/" + key + "-none"
		lqReplyDiff(t, "PDF of no payment", s.call(t, m, http.MethodGet, p, nil), http.StatusNotFound,
			lqSpring(404, p, "No payment found with idempotencyKey "+key+"-none"))
		if p := lqPage(t, http.MethodGet, s.base+"/liquido/files/boleto/nope.pdf", nil); p.code != http.StatusNotFound {
			t.Errorf("an unknown file: HTTP %d", p.code)
		}
	})

	t.Run("the PSE bank list", func(t *testing.T) {
		t.Parallel()
		r := s.call(t, m, http.MethodGet, "/v1/payments/charges/pse/banks", nil)
		if r.code != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("HTTP %d, Content-Type %q", r.code, r.header.Get("Content-Type"))
		}
		// The field names the Magento plugin reads from data[] (reference §4).
		var got struct {
			Data []map[string]string `json:"data"`
		}
		if err := json.Unmarshal(r.body, &got); err != nil || len(got.Data) < 10 {
			t.Fatalf("banks: %v %s", err, r.body)
		}
		codes := map[string]string{}
		for _, b := range got.Data {
			if len(b) != 2 || !regexp.MustCompile(`^\d+$`).MatchString(b["financial_institution_code"]) || b["financial_institution_name"] == "" {
				t.Errorf("bank entry %v", b)
			}
			if _, dup := codes[b["financial_institution_code"]]; dup {
				t.Errorf("code %s listed twice", b["financial_institution_code"])
			}
			codes[b["financial_institution_code"]] = b["financial_institution_name"]
		}
		if codes["1007"] != "BANCOLOMBIA" {
			t.Errorf("1007 is %q, want BANCOLOMBIA", codes["1007"])
		}
	})

	t.Run("paying on the payment page", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		// A dynamic Pix code's location is the payment page (reference §6).
		pix := lqKey(t, "pix")
		got := s.post(t, m, "/v1/payments/charges/pix", lqWith(lqLocal(pix, "BR", "PIX_DYNAMIC_QR"), "callbackUrl", rv.URL))
		code, _ := lqAt(got, "transferDetails.pix.qrCode").(string)
		host := strings.TrimPrefix(s.base, "http://")
		i := strings.Index(code, host+"/liquido/pay/")
		if i < 0 {
			t.Fatalf("the Pix code %q does not point at this server", code)
		}
		u := "http://" + code[i:i+len(host)+len("/liquido/pay/")+36]
		lqCheckDecisionPage(t, u)
		p := lqPage(t, http.MethodPost, u, url.Values{"decision": {"approve"}})
		if p.code != http.StatusOK || !strings.Contains(p.body, "Payment approved (SETTLED).") {
			t.Errorf("approve: HTTP %d\n%s", p.code, p.body)
		}
		// Nequi without a phone: the payer opens paymentUrl.
		nequi := lqKey(t, "nequi")
		got = s.post(t, m, "/v1/payments/charges/nequi", lqWith(lqLocal(nequi, "CO", "NEQUI"), "callbackUrl", rv.URL))
		u, _ = lqAt(got, "transferDetails.nequi.paymentUrl").(string)
		lqCheckDecisionPage(t, u)
		if p := lqPage(t, http.MethodPost, u, url.Values{"decision": {"decline"}}); p.code != http.StatusOK {
			t.Errorf("decline: HTTP %d", p.code)
		}
		if p := lqPage(t, http.MethodPost, u, url.Values{"decision": {"maybe"}}); p.code != http.StatusBadRequest {
			t.Errorf("a decision that is neither: HTTP %d", p.code)
		}
		for key, want := range map[string][]any{pix: {"SETTLED", 200.0, nil}, nequi: {"FAILED", 400.0, "Payment declined by the payer"}} {
			got := s.payment(t, m, key)
			if diff := cmp.Diff(want, []any{got["transferStatus"], got["transferStatusCode"], got["transferErrorMsg"]}); diff != "" {
				t.Errorf("%s: status, code, message (-want +got):\n%s", key, diff)
			}
		}
		s.advance(t, m, "0s")
		evs := lqSummary(lqEvents(t, rv))
		if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED " + pix + " SETTLED", "CHARGE_FAILED " + nequi + " FAILED"}, evs); diff != "" {
			t.Errorf("callbacks (-want +got):\n%s", diff)
		}
		for _, p := range []string{"/liquido/3ds/nope", "/liquido/checkout/nope", "/liquido/pay/nope"} {
			if r := lqPage(t, http.MethodGet, s.base+p, nil); r.code != http.StatusNotFound || !strings.Contains(r.body, "Unknown or expired payment link.") {
				t.Errorf("%s: HTTP %d", p, r.code)
			}
		}
	})

	t.Run("cancel needs an unpaid voucher", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/bank_transfer", lqLocal(key, "MX", "BANK_TRANSFER"))
		if got := s.post(t, m, "/v1/payments/charges/cancel/"+key, nil); got["transferStatus"] != "CANCELLED" {
			t.Fatalf("cancel: %v", got["transferStatus"])
		}
		// Paid already: refused.
		paid := key + "-paid"
		s.post(t, m, "/v1/payments/charges/card", lqCard(paid, "MX", "4242424242424242"))
		p := "/v1/payments/charges/cancel/" + paid
		lqReplyDiff(t, "cancel a settled card", s.call(t, m, http.MethodPost, p, nil), http.StatusBadRequest,
			lqSpring(400, p, "Payment "+paid+" (CREDIT_CARD) is SETTLED and cannot be cancelled: card payments can be cancelled while AUTHORIZED, other methods while IN_PROGRESS"))
	})
}

package liquido_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLocalMethodsFinaliseOnTheClock(t *testing.T) {
	tests := []struct {
		path, country, method string
		extra                 map[string]any
		detailsKey            string
	}{
		{"pix", "BR", "PIX_DYNAMIC_QR", nil, "pix"},
		{"pix", "BR", "PIX_STATIC_QR", nil, "pix"},
		{"boleto", "BR", "BOLETO", nil, "boleto"},
		{"oxxo", "MX", "OXXO", nil, "oxxo"},
		{"paycash", "MX", "PAY_CASH", map[string]any{"expirationDate": "2024-03-05"}, "payCash"},
		{"paycash", "CO", "PAY_CASH", nil, "payCash"},
		{"bank_transfer", "MX", "BANK_TRANSFER", nil, "bankTransfer"},
		{"bank_transfer", "BR", "BANK_TRANSFER", nil, "bankTransfer"},
		{"pse", "CO", "PSE", map[string]any{"pse": map[string]any{"personType": "NATURAL", "financialInstitutionCode": "1007"}}, "pse"},
		{"nequi", "CO", "NEQUI", map[string]any{"nequi": map[string]any{"phone": "+573123456789"}}, "nequi"},
		{"nequi", "CO", "NEQUI", nil, "nequi"},
	}
	for _, tc := range tests {
		for _, final := range []string{"SETTLED", "FAILED"} {
			name := tc.method + "-" + tc.country + "-" + final
			t.Run(name, func(t *testing.T) {
				e := newEnv(t)
				body := localCharge(name, tc.country, tc.method)
				for k, v := range tc.extra {
					body[k] = v
				}
				delay := 180 * time.Second
				if final == "FAILED" {
					body["description"] = "finalStatus=FAILED;asyncFinalizationDelay=10;"
					delay = 10 * time.Second
				}
				got := e.post(merchantA, "/v1/payments/charges/"+tc.path, body)
				if at(got, "transferStatus") != "IN_PROGRESS" || at(got, "transferStatusCode") != float64(200) ||
					at(got, "paymentMethod") != tc.method || at(got, "finalStatusTime") != nil {
					t.Fatalf("created: %v", got)
				}
				if at(got, "transferDetails."+tc.detailsKey) == nil {
					t.Fatalf("no transferDetails.%s: %v", tc.detailsKey, at(got, "transferDetails"))
				}
				e.advance(merchantA, delay-time.Second)
				if p := e.get(merchantA, "/v1/payments/charges/"+name); at(p, "transferStatus") != "IN_PROGRESS" {
					t.Fatalf("a second early: %v", at(p, "transferStatus"))
				}
				e.advance(merchantA, time.Second)
				p := e.get(merchantA, "/v1/payments/charges/"+name)
				wantCode, wantMsg, wantEvent := float64(200), any(nil), "CHARGE_SUCCEEDED"
				if final == "FAILED" {
					wantCode, wantMsg, wantEvent = 400, "Payment failed", "CHARGE_FAILED"
				}
				finished := fmtTime(t0.Add(delay))
				if at(p, "transferStatus") != final || at(p, "transferStatusCode") != wantCode || at(p, "transferErrorMsg") != wantMsg || at(p, "finalStatusTime") != finished {
					t.Fatalf("finalised: %v %v %v %v", at(p, "transferStatus"), at(p, "transferStatusCode"), at(p, "transferErrorMsg"), at(p, "finalStatusTime"))
				}
				if diff := cmp.Diff([]string{wantEvent + " " + name + " " + final}, e.events("/a")); diff != "" {
					t.Errorf("callbacks (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func fmtTime(t time.Time) string {
	return t.In(time.FixedZone("", -8*3600)).Format("2006-01-02 15:04:05") + " GMT-08:00"
}

func TestLocalMethodFinalStatusesAndCancel(t *testing.T) {
	e := newEnv(t)
	e.post(merchantA, "/v1/payments/charges/oxxo", with(localCharge("cancelled", "MX", "OXXO"), "description", "finalStatus=CANCELLED;asyncFinalizationDelay=5"))
	e.post(merchantA, "/v1/payments/charges/paycash", localCharge("by-api", "MX", "PAY_CASH"))
	got := e.post(merchantA, "/v1/payments/charges/cancel/by-api", nil)
	if at(got, "transferStatus") != "CANCELLED" || at(got, "transferStatusCode") != float64(200) {
		t.Fatalf("cancel: %v", got)
	}
	e.advance(merchantA, 10*time.Minute)
	if p := e.get(merchantA, "/v1/payments/charges/cancelled"); at(p, "transferStatus") != "CANCELLED" {
		t.Fatalf("finalStatus=CANCELLED: %v", at(p, "transferStatus"))
	}
	// The cancelled PayCash did not settle after its 180 s.
	if p := e.get(merchantA, "/v1/payments/charges/by-api"); at(p, "transferStatus") != "CANCELLED" {
		t.Fatalf("cancelled voucher: %v", at(p, "transferStatus"))
	}
	want := []string{"CHARGE_FAILED by-api CANCELLED", "CHARGE_FAILED cancelled CANCELLED"}
	if diff := cmp.Diff(want, e.events("/a")); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

func TestPixCodeIsAValidBRCode(t *testing.T) {
	e := newEnv(t)
	got := e.post(merchantA, "/v1/payments/charges/pix", with(localCharge("pix-1", "BR", "PIX_DYNAMIC_QR"), "amount", 12345))
	code, _ := at(got, "transferDetails.pix.qrCode").(string)
	if at(got, "transferDetails.pix.qrCodeType") != "DYNAMIC" || at(got, "transferDetails.pix.expirationTime") != "2024-03-02 12:00:00 UTC" {
		t.Fatalf("pix details: %v", at(got, "transferDetails.pix"))
	}
	fields := parseTLV(t, code)
	if fields["00"] != "01" || fields["01"] != "12" || fields["53"] != "986" || fields["54"] != "123.45" || fields["58"] != "BR" {
		t.Fatalf("BR Code fields %v", fields)
	}
	account := parseTLV(t, fields["26"])
	if account["00"] != "br.gov.bcb.pix" || !strings.Contains(account["25"], "/liquido/pay/") {
		t.Fatalf("merchant account %v", account)
	}
	// CRC16/CCITT-FALSE over everything up to and including "6304",
	// computed here independently.
	body, crc := code[:len(code)-4], code[len(code)-4:]
	if !strings.HasSuffix(body, "6304") {
		t.Fatalf("no CRC field at the end: %s", code)
	}
	if want := fmt.Sprintf("%04X", crcCCITT(body)); crc != want {
		t.Fatalf("CRC %s, want %s", crc, want)
	}
	if crcCCITT("123456789") != 0x29B1 {
		t.Fatal("the test's CRC is wrong on the standard check value")
	}
	// The code's location is the payment page: opening it and approving pays.
	u := e.srv.URL[len("http://"):]
	if !strings.HasPrefix(account["25"], u) {
		t.Fatalf("location %q is not on this server", account["25"])
	}
	if code, _, _ := e.page(http.MethodGet, "http://"+account["25"]+"?outcome=approve", nil); code != http.StatusOK {
		t.Fatalf("pay page: HTTP %d", code)
	}
	if p := e.get(merchantA, "/v1/payments/charges/pix-1"); at(p, "transferStatus") != "SETTLED" {
		t.Fatalf("after paying on the page: %v", at(p, "transferStatus"))
	}
}

func TestPixExpiresWhenItsCodeDoes(t *testing.T) {
	e := newEnv(t)
	body := with(localCharge("pix-exp", "BR", "PIX_DYNAMIC_QR"), "expirationInfo", map[string]any{"expiresAt": t0.Add(time.Minute).Unix()},
		"description", "asyncFinalizationDelay=3600")
	e.post(merchantA, "/v1/payments/charges/pix", body)
	e.advance(merchantA, time.Minute)
	p := e.get(merchantA, "/v1/payments/charges/pix-exp")
	if at(p, "transferStatus") != "EXPIRED" || at(p, "transferErrorMsg") != "Payment expired" {
		t.Fatalf("got %v %v", at(p, "transferStatus"), at(p, "transferErrorMsg"))
	}
	if diff := cmp.Diff([]string{"CHARGE_FAILED pix-exp EXPIRED"}, e.events("/a")); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

// parseTLV reads EMV TLV fields (ID 2, length 2, value).
func parseTLV(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for len(s) > 0 {
		if len(s) < 4 {
			t.Fatalf("truncated TLV %q", s)
		}
		n, err := strconv.Atoi(s[2:4])
		if err != nil || len(s) < 4+n {
			t.Fatalf("bad TLV length in %q", s)
		}
		out[s[:2]] = s[4 : 4+n]
		s = s[4+n:]
	}
	return out
}

func crcCCITT(s string) uint16 {
	crc := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

func TestBoletoLineAndPDF(t *testing.T) {
	e := newEnv(t)
	// Due on 10 March in Brazil (UTC−3).
	due := time.Date(2024, 3, 10, 0, 0, 0, 0, time.FixedZone("BRT", -3*3600))
	body := with(localCharge("bol-1", "BR", "BOLETO"), "amount", 123456, "paymentTerm", map[string]any{"dueDate": due.Unix()})
	got := e.post(merchantA, "/v1/payments/charges/boleto", body)
	line, _ := at(got, "transferDetails.boleto.digitalLine").(string)
	barcode, _ := at(got, "transferDetails.boleto.barcode").(string)
	if at(got, "transferDetails.boleto.dueDate") != "2024-03-10" {
		t.Errorf("dueDate %v", at(got, "transferDetails.boleto.dueDate"))
	}
	if !regexp.MustCompile(`^\d{47}$`).MatchString(line) || !regexp.MustCompile(`^\d{44}$`).MatchString(barcode) {
		t.Fatalf("line %q barcode %q", line, barcode)
	}
	// Checked independently: the three field check digits (modulo 10), the
	// barcode's general digit (modulo 11), due factor and value.
	for _, f := range [][2]int{{0, 9}, {10, 20}, {21, 31}} {
		if want := mod10(line[f[0]:f[1]]); line[f[1]:f[1]+1] != want {
			t.Errorf("field %d-%d check digit %s, want %s", f[0], f[1], line[f[1]:f[1]+1], want)
		}
	}
	if want := mod11(barcode[:4] + barcode[5:]); barcode[4:5] != want {
		t.Errorf("barcode check digit %s, want %s", barcode[4:5], want)
	}
	// Days since 1997-10-07; the factor restarts at 1000 on 2025-02-22.
	days := int(time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC).Sub(time.Date(1997, 10, 7, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	if days > 9999 {
		days -= 9000
	}
	if barcode[5:9] != strconv.Itoa(days) || barcode[9:19] != "0000123456" {
		t.Errorf("factor/value %s %s, want %d 0000123456", barcode[5:9], barcode[9:19], days)
	}
	if line[:4] != barcode[:4] || line[32:33] != barcode[4:5] || line[33:] != barcode[5:19] || line[4:9]+line[10:20]+line[21:31] != barcode[19:] {
		t.Errorf("line %s does not carry barcode %s", line, barcode)
	}

	link := e.get(merchantA, "/v1/payments/files/boleto/pdf/bol-1")
	path, _ := link["path"].(string)
	if !strings.HasPrefix(path, e.srv.URL+"/liquido/files/boleto/") || !strings.HasSuffix(path, ".pdf") {
		t.Fatalf("path %q", path)
	}
	resp, err := http.Get(path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	pdf := buf.Bytes()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("PDF: HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	checkPDF(t, pdf)
	if !bytes.Contains(pdf, []byte("R$ 1.234,56")) || !bytes.Contains(pdf, []byte(line[:5]+"."+line[5:10])) {
		t.Errorf("the PDF does not show the amount and the line")
	}
	// Not a boleto; not a payment.
	e.post(merchantA, "/v1/payments/charges/oxxo", localCharge("ox", "MX", "OXXO"))
	if code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/files/boleto/pdf/ox", nil); code != http.StatusBadRequest {
		t.Errorf("PDF of an OXXO payment: HTTP %d", code)
	}
	if code, _ := e.call(merchantA, http.MethodGet, "/v1/payments/files/boleto/pdf/none", nil); code != http.StatusNotFound {
		t.Errorf("PDF of no payment: HTTP %d", code)
	}
}

func mod10(s string) string {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		p := int(s[i]-'0') * w
		if p > 9 {
			p -= 9
		}
		sum += p
		if w == 2 {
			w = 1
		} else {
			w = 2
		}
	}
	return strconv.Itoa((10 - sum%10) % 10)
}

func mod11(s string) string {
	weights := []int{2, 3, 4, 5, 6, 7, 8, 9}
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += int(s[len(s)-1-i]-'0') * weights[i%8]
	}
	r := 11 - sum%11
	if r == 0 || r == 1 || r > 9 {
		r = 1
	}
	return strconv.Itoa(r)
}

// checkPDF checks a PDF's structure independently: header, trailer, and a
// cross-reference table whose every offset points at its object.
func checkPDF(t *testing.T, pdf []byte) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatalf("not a PDF: %.20q … %q", pdf, pdf[max(0, len(pdf)-10):])
	}
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	lines := strings.Split(string(pdf[xref:]), "\n")
	var first, count int
	if _, err := fmt.Sscanf(lines[1], "%d %d", &first, &count); err != nil || first != 0 || count < 2 {
		t.Fatalf("xref subsection %q", lines[1])
	}
	for i := 1; i < count; i++ {
		entry := lines[2+i]
		if len(entry)+1 != 20 || !strings.HasSuffix(entry, " n ") {
			t.Fatalf("xref entry %d %q is not 20 bytes in use", i, entry)
		}
		off, _ := strconv.Atoi(entry[:10])
		if want := fmt.Sprintf("%d 0 obj", i); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Fatalf("xref entry %d points at %q", i, pdf[off:min(len(pdf), off+10)])
		}
	}
	// The content stream's /Length is right.
	sm := regexp.MustCompile(`(?s)/Length (\d+) >>\nstream\n(.*?)endstream`).FindSubmatch(pdf)
	if sm == nil {
		t.Fatal("no content stream")
	}
	if n, _ := strconv.Atoi(string(sm[1])); n != len(sm[2]) {
		t.Fatalf("stream /Length %d, actual %d", n, len(sm[2]))
	}
}

func TestPSEPaymentURLAppearsAfterAShortDelay(t *testing.T) {
	e := newEnv(t)
	body := with(localCharge("pse-1", "CO", "PSE"), "pse", map[string]any{"personType": "NATURAL", "financialInstitutionCode": "1007"})
	got := e.post(merchantA, "/v1/payments/charges/pse", body)
	if diff := cmp.Diff(map[string]any{"personType": "NATURAL", "financialInstitutionCode": "1007"}, at(got, "transferDetails.pse")); diff != "" {
		t.Fatalf("pse at first (-want +got):\n%s", diff)
	}
	e.advance(merchantA, 4*time.Second)
	if u := at(e.get(merchantA, "/v1/payments/charges/pse-1"), "transferDetails.pse.paymentUrl"); u != nil {
		t.Fatalf("paymentUrl after 4 s: %v", u)
	}
	e.advance(merchantA, time.Second)
	u, _ := at(e.get(merchantA, "/v1/payments/charges/pse-1"), "transferDetails.pse.paymentUrl").(string)
	if !strings.HasPrefix(u, e.srv.URL+"/liquido/pay/") {
		t.Fatalf("paymentUrl after 5 s: %q", u)
	}
	code, _, page := e.page(http.MethodGet, u, nil)
	if code != http.StatusOK || !strings.Contains(page, `id="approve"`) {
		t.Fatalf("pay page: %d", code)
	}
	if code, _, _ := e.page(http.MethodPost, u, url.Values{"decision": {"decline"}}); code != http.StatusOK {
		t.Fatalf("decline: %d", code)
	}
	if p := e.get(merchantA, "/v1/payments/charges/pse-1"); at(p, "transferStatus") != "FAILED" {
		t.Fatalf("after decline: %v", at(p, "transferStatus"))
	}
}

func TestPSEBanks(t *testing.T) {
	e := newEnv(t)
	got := e.get(merchantA, "/v1/payments/charges/pse/banks")
	banks, _ := got["data"].([]any)
	if len(banks) < 10 {
		t.Fatalf("banks: %v", got)
	}
	found := false
	for _, b := range banks {
		if b.(map[string]any)["financial_institution_code"] == "1007" && b.(map[string]any)["financial_institution_name"] == "BANCOLOMBIA" {
			found = true
		}
	}
	if !found {
		t.Errorf("BANCOLOMBIA (1007) is not listed: %v", banks)
	}
}

func TestNequiPushOrPaymentURL(t *testing.T) {
	e := newEnv(t)
	push := e.post(merchantA, "/v1/payments/charges/nequi", with(localCharge("nq-push", "CO", "NEQUI"), "nequi", map[string]any{"phone": "+573123456789"}))
	if diff := cmp.Diff(map[string]any{"phone": "+573123456789"}, at(push, "transferDetails.nequi")); diff != "" {
		t.Errorf("push (-want +got):\n%s", diff)
	}
	qr := e.post(merchantA, "/v1/payments/charges/nequi", localCharge("nq-qr", "CO", "NEQUI"))
	if u, _ := at(qr, "transferDetails.nequi.paymentUrl").(string); !strings.HasPrefix(u, e.srv.URL+"/liquido/pay/") {
		t.Errorf("QR flow paymentUrl %q", u)
	}
}

func TestBankTransferAccount(t *testing.T) {
	e := newEnv(t)
	got := e.post(merchantA, "/v1/payments/charges/bank_transfer", localCharge("spei", "MX", "BANK_TRANSFER"))
	info, _ := at(got, "transferDetails.bankTransfer.bankAccountInfo").(map[string]any)
	acct, _ := info["bankAccountNumber"].(string)
	if info["bankAccountType"] != "CLABE" || info["bankName"] != "ARCUS" || len(acct) != 18 || acct[:3] != "706" {
		t.Fatalf("account %v", info)
	}
	// The CLABE check digit, computed independently.
	w := []int{3, 7, 1}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(acct[i]-'0') * w[i%3] % 10
	}
	if want := strconv.Itoa((10 - sum%10) % 10); acct[17:] != want {
		t.Errorf("CLABE %s check digit, want %s", acct, want)
	}
	if at(got, "transferDetails.bankTransfer.referenceNumber") != "0000001" || at(got, "transferDetails.bankTransfer.expirationTime") != "2024-03-04 04:00:00 GMT-08:00" {
		t.Errorf("reference/expiry %v", at(got, "transferDetails.bankTransfer"))
	}
}

func TestPayCashInColombiaCarriesTheConvenio(t *testing.T) {
	e := newEnv(t)
	got := e.post(merchantA, "/v1/payments/charges/paycash", localCharge("pc-co", "CO", "PAY_CASH"))
	if at(got, "transferDetails.payCash.convenio") != "112766" || len(at(got, "transferDetails.payCash.referenceNumber").(string)) != 13 {
		t.Fatalf("payCash %v", at(got, "transferDetails.payCash"))
	}
	e.advance(merchantA, 180*time.Second)
	if p := e.get(merchantA, "/v1/payments/charges/pc-co"); at(p, "transferDetails.payCash.paymentTime") != "2024-03-01 04:03:00" {
		t.Fatalf("paymentTime %v", at(p, "transferDetails.payCash.paymentTime"))
	}
}

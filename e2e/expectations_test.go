package e2e

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// expectJudged is what the test checks of one reported expectation.
type expectJudged struct {
	Merchant    string `json:"merchant"`
	Expectation string `json:"expectation"`
	Line        int    `json:"line"`
	Met         bool   `json:"met"`
	Seen        string `json:"seen"`
}

type expectJUnit struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Line    int    `xml:"line,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestExpectationsReport loads scenario files stating met and unmet
// expectations of both providers, makes the run, and reads the report as
// JSON and as JUnit XML, from the control plane and from `mockpay
// expectations`, whose exit status says whether all were met.
func TestExpectationsReport(t *testing.T) {
	t.Parallel()
	lp := writeFile(t, "liqpay.yaml", strings.Join([]string{
		"version: 1",
		"provider: liqpay",
		"expect:",
		"  - {order: x-paid, ends: success}", // 4 met
		"  - {order: x-paid, callbacks_delivered: 1}", // 5 met
		"  - {order: x-failed, ends: success}",        // 6 unmet: declined
		"  - {order: x-missing, ends: success}",       // 7 unmet: never made
		"  - {no_bad_signatures: true}",               // 8 unmet: one request was signed wrongly
		"  - {liqpay_version: 3}",                     // 9 met
		"",
	}, "\n"))
	lq := writeFile(t, "liquido.yaml", strings.Join([]string{
		"version: 1",
		"expect:",
		"  - {idempotency_key: xl-1, ends: SETTLED}",                                   // 3 met
		"  - {idempotency_key: xl-1, callbacks_delivered: 1, event: CHARGE_SUCCEEDED}", // 4 met
		"  - {idempotency_key: xl-1, callbacks_delivered: 1, event: CHARGE_FAILED}",    // 5 unmet
		"",
	}, "\n"))
	s := &lqServer{mockpay: start(t, "--scenarios", lp+","+lq), tokens: map[string]string{}}
	rv := newReceiver(t)
	s.do(t, set(payParams("x-paid", "4242424242424242"), "server_url", rv.URL))
	s.do(t, payParams("x-failed", "4000000000000002"))
	wrong := &liqpayclient.Client{BaseURL: s.base, PublicKey: publicKey, PrivateKey: "not-the-key", Encoding: liqpayclient.Go, HTTP: httpClient}
	call(t, wrong, "request", map[string]any{"version": 3, "action": "status", "order_id": "x-paid"})
	lqrv := callbacktest.New(t)
	s.post(t, lqDefault, "/v1/payments/charges/card", lqWith(lqCard("xl-1", "BR", "4242424242424242"), "callbackUrl", lqrv.URL))
	s.mockpay.advance(t, "0s")
	s.advance(t, lqDefault, "0s")

	var rep struct {
		Met, Unmet   int
		Expectations []expectJudged
	}
	if err := json.Unmarshal(s.controlBody(t, "/_mockpay/expectations"), &rep); err != nil {
		t.Fatal(err)
	}
	for i := range rep.Expectations {
		if rep.Expectations[i].Met && rep.Expectations[i].Expectation != "order x-paid ends success" {
			rep.Expectations[i].Seen = "" // checked for the unmet ones and one met one
		}
	}
	want := []expectJudged{
		{publicKey, "order x-paid ends success", 4, true, "payment " + paymentID(t, s, "x-paid") + " is success"},
		{publicKey, "exactly 1 callback delivered for order x-paid", 5, true, ""},
		{publicKey, "order x-failed ends success", 6, false, "payment " + paymentID(t, s, "x-failed") + " is failure"},
		{publicKey, "order x-missing ends success", 7, false, "no payment for order x-missing"},
		{publicKey, "no request with a bad signature", 8, false, ""},
		{publicKey, "every LiqPay request used version 3", 9, true, ""},
		{lqDefault.id, "order xl-1 ends SETTLED", 3, true, ""},
		{lqDefault.id, "exactly 1 CHARGE_SUCCEEDED callback delivered for order xl-1", 4, true, ""},
		{lqDefault.id, "exactly 1 CHARGE_FAILED callback delivered for order xl-1", 5, false, "0 delivered (of 0: 0 pending, 0 failed)"},
	}
	badSeen := ""
	for i, e := range rep.Expectations {
		if e.Expectation == "no request with a bad signature" {
			badSeen = e.Seen
			rep.Expectations[i].Seen = ""
		}
	}
	if diff := cmp.Diff(want, rep.Expectations); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if rep.Met != 5 || rep.Unmet != 4 {
		t.Errorf("met %d, unmet %d; want 5 and 4", rep.Met, rep.Unmet)
	}
	if !strings.HasPrefix(badSeen, "1 of ") || !strings.Contains(badSeen, "req_") {
		t.Errorf("bad signatures seen: %q, want one, by its request id", badSeen)
	}

	// JUnit XML, from the control plane and from the command.
	checkJUnit := func(raw []byte, tests, failures int, failed []string) {
		t.Helper()
		var j expectJUnit
		if err := xml.Unmarshal(raw, &j); err != nil {
			t.Fatalf("JUnit XML does not parse: %v\n%s", err, raw)
		}
		var got []string
		n := 0
		for _, s := range j.Suites {
			n += len(s.Cases)
			for _, c := range s.Cases {
				if c.Failure != nil {
					got = append(got, c.Name)
				}
			}
		}
		sort.Strings(got)
		if j.Tests != tests || j.Failures != failures || n != tests {
			t.Errorf("JUnit: tests=%d failures=%d cases=%d; want %d, %d", j.Tests, j.Failures, n, tests, failures)
		}
		if diff := cmp.Diff(failed, got); diff != "" {
			t.Errorf("failed JUnit cases (-want +got):\n%s", diff)
		}
	}
	lpFailed := []string{
		"no request with a bad signature [liqpay:" + publicKey + "]",
		"order x-failed ends success [liqpay:" + publicKey + "]",
		"order x-missing ends success [liqpay:" + publicKey + "]",
	}
	all := append([]string{"exactly 1 CHARGE_FAILED callback delivered for order xl-1 [liquido:" + lqDefault.id + "]"}, lpFailed...)
	sort.Strings(all)
	checkJUnit(s.controlBody(t, "/_mockpay/expectations?format=junit"), 9, 4, all)

	file := writeFile(t, "report.xml", "")
	code, out, errOut := runMockpay(t, "expectations", "--url", s.base, "--merchant", publicKey, "--junit", file)
	if code != 1 || !strings.Contains(out, "UNMET") || !strings.Contains(out, "3 met, 3 unmet") {
		t.Errorf("mockpay expectations --merchant %s: exit %d, want 1\n%s%s", publicKey, code, out, errOut)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	checkJUnit(raw, 6, 3, lpFailed)

	// Every expectation of the Liquido merchant but one is met; a file of
	// met expectations only exits 0.
	if code, out, errOut := runMockpay(t, "expectations", "--url", s.base, "--merchant", lqDefault.id); code != 1 || !strings.Contains(out, "2 met, 1 unmet") {
		t.Errorf("mockpay expectations --merchant %s: exit %d\n%s%s", lqDefault.id, code, out, errOut)
	}
	ok := &lqServer{mockpay: start(t, "--scenarios", writeFile(t, "ok.yaml", "version: 1\nexpect:\n  - {no_bad_signatures: true}\n")), tokens: map[string]string{}}
	ok.do(t, payParams("ok-1", "4242424242424242"))
	if code, out, errOut := runMockpay(t, "expectations", "--url", ok.base); code != 0 || !strings.Contains(out, "1 met, 0 unmet") {
		t.Errorf("all met: exit %d, want 0\n%s%s", code, out, errOut)
	}
}

// paymentID is the LiqPay payment_id of an order, from its status.
func paymentID(t *testing.T, s *lqServer, order string) string {
	t.Helper()
	got := s.do(t, map[string]any{"version": 3, "action": "status", "order_id": order})
	id, _ := json.Marshal(got["payment_id"])
	return string(id)
}

// `mockpay scenarios validate` checks expect: as strictly as the rest,
// every problem with its position.
func TestValidateExpectations(t *testing.T) {
	t.Parallel()
	good := writeFile(t, "good.yaml", "version: 1\nexpect:\n  - {order: o-1, ends: success}\n  - {idempotency_key: k-1, ends: SETTLED}\n")
	code, out, errOut := runMockpay(t, "scenarios", "validate", good)
	if code != 0 || out != good+": 0 scenarios, 2 expectations, valid\n" {
		t.Errorf("valid file: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	bad := writeFile(t, "bad.yaml", "version: 1\nexpect:\n  - {order: o-1, ends: sucess}\n  - {no_bad_signature: true}\n")
	code, _, errOut = runMockpay(t, "scenarios", "validate", bad)
	want := bad + `:3:24: ends "sucess" is not a known status (`
	want2 := bad + `:4:6: expectation: unknown key "no_bad_signature" (known: callbacks_delivered, ends, event, idempotency_key, liqpay_version, merchant, no_bad_signatures, order, provider)`
	if code != 1 || !strings.HasPrefix(errOut, want) || !strings.HasSuffix(errOut, "\n"+want2+"\n") || strings.Count(errOut, "\n") != 2 {
		t.Errorf("invalid file: exit %d, stderr:\n%s\nwant lines starting %q and %q", code, errOut, want, want2)
	}
}

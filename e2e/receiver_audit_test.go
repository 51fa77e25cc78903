package e2e

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mockpay/mockpay/internal/audit/audittest"
)

// auditJSON is the part of `audit-receiver --json` the tests read.
type auditJSON struct {
	Provider string `json:"provider"`
	Passed   int    `json:"passed"`
	Failed   int    `json:"failed"`
	Results  []struct {
		ID      string `json:"id"`
		Kind    string `json:"kind"`
		Passed  bool   `json:"passed"`
		Did     string `json:"did"`
		Safe    string `json:"safe"`
		Answers []struct {
			Status int    `json:"status"`
			Error  string `json:"error"`
		} `json:"answers"`
	} `json:"results"`
}

// junitDoc is the JUnit XML as a CI tool reads it.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// audit runs the binary's audit-receiver with --json and --junit and
// returns its exit status, its JSON report and its JUnit file read back.
func auditReceiver(t *testing.T, args ...string) (int, auditJSON, junitDoc) {
	t.Helper()
	junit := filepath.Join(t.TempDir(), "audit.xml")
	code, stdout, stderr := run(t, nil, append([]string{"audit-receiver", "--json", "--junit", junit}, args...)...)
	var rep auditJSON
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("audit-receiver %v: exit %d, not JSON: %v\n%s\n%s", args, code, err, stdout, stderr)
	}
	raw, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("JUnit file does not parse: %v\n%s", err, raw)
	}
	return code, rep, doc
}

func failedIDs(rep auditJSON) []string {
	var ids []string
	for _, r := range rep.Results {
		if !r.Passed {
			ids = append(ids, r.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// The audit, run as the binary, finds each planted flaw by the cases meant
// for it, raises no alarm on the careful receivers, exits 1 exactly when a
// case failed, and writes JUnit XML with one testcase per case and a
// failure for each failed one.
func TestAuditReceiverFindsPlantedFlaws(t *testing.T) {
	t.Parallel()
	liqpayOrder := audittest.Order{ID: "o-audit", Amount: 250.5, Currency: "USD"}
	liquidoOrder := audittest.Order{ID: "o-audit", Amount: 25050, Currency: "MXN"}
	tests := []struct {
		provider string
		flaw     audittest.Flaw
		args     []string
		failed   []string
	}{
		{"liqpay", audittest.None, nil, nil},
		{"liqpay", audittest.None, []string{"--version", "7"}, nil},
		{"liqpay", audittest.TrustsUnsigned, nil, []string{"missing-signature"}},
		{"liqpay", audittest.FormatOnly, nil, []string{"foreign-key", "wrong-signature"}},
		{"liqpay", audittest.TrustsOtherMerchants, nil, []string{"foreign-key"}},
		{"liqpay", audittest.ParsesWrongEncoding, nil, []string{"wrong-encoding"}},
		{"liqpay", audittest.BreaksOnOtherOrder, nil, []string{"replay-other-order"}},
		{"liqpay", audittest.BreaksOnDuplicate, nil, []string{"duplicate"}},
		{"liqpay", audittest.BreaksOnOutOfOrder, nil, []string{"out-of-order"}},
		{"liqpay", audittest.HangsOnUnknownStatus, nil, []string{"unknown-status-wait_lc", "unknown-status-wait_secure"}},
		{"liqpay", audittest.RejectsEverything, nil, []string{"valid"}},
		{"liquido", audittest.None, nil, nil},
		{"liquido", audittest.TrustsUnsigned, nil, []string{"missing-signature"}},
		{"liquido", audittest.FormatOnly, nil, []string{"foreign-key", "wrong-signature"}},
		{"liquido", audittest.ParsesWrongEncoding, nil, []string{"wrong-encoding"}},
		{"liquido", audittest.BreaksOnOtherOrder, nil, []string{"replay-other-order"}},
		{"liquido", audittest.BreaksOnStale, nil, []string{"stale-timestamp"}},
		{"liquido", audittest.BreaksOnDuplicate, nil, []string{"duplicate"}},
		{"liquido", audittest.BreaksOnOutOfOrder, nil, []string{"out-of-order"}},
		{"liquido", audittest.HangsOnUnknownStatus, nil, []string{"unknown-status-CHARGED_BACK"}},
		{"liquido", audittest.RejectsEverything, nil, []string{"valid"}},
	}
	for _, tt := range tests {
		name := tt.provider + "/" + string(tt.flaw)
		if tt.flaw == audittest.None {
			name += "/careful"
		}
		if len(tt.args) > 0 {
			name += "/v7"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := []string{"--provider", tt.provider, "--order", "o-audit", "--timeout", "500ms"}
			var srv *httptest.Server
			if tt.provider == "liqpay" {
				srv = httptest.NewServer(audittest.LiqPay("shop_pub_1", "shop-private-1", liqpayOrder, tt.flaw))
				args = append(args, "--merchant", "shop_pub_1", "--private-key", "shop-private-1", "--amount", "250.50", "--currency", "USD")
			} else {
				srv = httptest.NewServer(audittest.Liquido("shop-secret-1", liquidoOrder, tt.flaw))
				args = append(args, "--merchant", "shop-client-1", "--client-secret", "shop-secret-1", "--amount", "25050", "--currency", "MXN")
			}
			defer srv.Close()
			code, rep, doc := auditReceiver(t, append(append(args, tt.args...), "--url", srv.URL+"/callback")...)
			if diff := cmp.Diff(tt.failed, failedIDs(rep)); diff != "" {
				t.Fatalf("failed cases (-want +got):\n%s\n%+v", diff, rep)
			}
			wantCode := 0
			if len(tt.failed) > 0 {
				wantCode = 1
			}
			if code != wantCode {
				t.Errorf("exit status %d, want %d", code, wantCode)
			}
			// The JUnit file says the same: one testcase per case, a
			// failure (with a message) exactly for the failed ones.
			if len(doc.Suites) != 1 || doc.Tests != len(rep.Results) || doc.Failures != len(tt.failed) ||
				doc.Suites[0].Tests != len(rep.Results) || doc.Suites[0].Failures != len(tt.failed) {
				t.Fatalf("JUnit counts: %+v", doc)
			}
			var junitFailed []string
			for i, c := range doc.Suites[0].Cases {
				if c.Name != rep.Results[i].ID || c.Classname != "audit."+tt.provider+"."+rep.Results[i].Kind || c.Time == "" {
					t.Errorf("testcase %d: %+v, want %s", i, c, rep.Results[i].ID)
				}
				if c.Failure != nil {
					if c.Failure.Message == "" || c.Failure.Text == "" {
						t.Errorf("testcase %s: a failure without a message: %+v", c.Name, c.Failure)
					}
					junitFailed = append(junitFailed, c.Name)
				}
			}
			sort.Strings(junitFailed)
			if diff := cmp.Diff(tt.failed, junitFailed); diff != "" {
				t.Errorf("JUnit failures (-want +got):\n%s", diff)
			}
		})
	}
}

// The README's four receivers (examples/receivers) pass the whole audit,
// run as the binary against each one running as its own process.
func TestAuditReceiverPassesTheReadmeReceivers(t *testing.T) {
	t.Parallel()
	for _, rc := range readmeReceivers(t) {
		t.Run(rc.name, func(t *testing.T) {
			t.Parallel()
			url, out := rc.start(t, "receiver-key-"+rc.name)

			code, rep, doc := auditReceiver(t, "--provider", "liqpay", "--url", url, "--private-key", "receiver-key-"+rc.name)
			if code != 0 || rep.Failed != 0 || doc.Failures != 0 || len(rep.Results) != 10 {
				t.Fatalf("the README's %s receiver: exit %d, failed %v\n%+v\nreceiver output:\n%s", rc.name, code, failedIDs(rep), rep, out.String())
			}
			// Not vacuous: the must cases were refused with a 4xx, the
			// genuine one accepted.
			for _, r := range rep.Results {
				st := r.Answers[0].Status
				switch {
				case r.ID == "valid" && (st < 200 || st > 299):
					t.Errorf("valid answered %d", st)
				case r.Kind == "must" && r.ID != "valid" && (st < 400 || st > 499):
					t.Errorf("%s answered %d, want 4xx", r.ID, st)
				}
			}
			// Signed with another key than the receiver's, the genuine
			// callback is refused: the audit really signs with --private-key.
			code, rep, _ = auditReceiver(t, "--provider", "liqpay", "--url", url, "--private-key", "some-other-key")
			if code != 1 || !slices.Contains(failedIDs(rep), "valid") {
				t.Errorf("with the wrong key: exit %d, failed %v", code, failedIDs(rep))
			}
		})
	}
}

// Usage errors exit 2 and say what is wrong.
func TestAuditReceiverUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--url", "http://127.0.0.1:1/"},
		{"--provider", "stripe", "--url", "http://127.0.0.1:1/"},
		{"--provider", "liqpay"},
		{"--provider", "liqpay", "--url", "not a url"},
		{"--provider", "liquido", "--url", "http://127.0.0.1:1/", "--private-key", "k"},
		{"--provider", "liqpay", "--url", "http://127.0.0.1:1/", "--amount", "1.234"},
		{"--provider", "liqpay", "--url", "http://127.0.0.1:1/", "--no-such-flag"},
	} {
		code, stdout, stderr := run(t, nil, append([]string{"audit-receiver"}, args...)...)
		if code != 2 || stdout != "" || stderr == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}

// POST /_mockpay/audit runs the same audit from the control plane, signed
// with the keys of a merchant the server holds — here one made at run time,
// so the keys cannot be the built-in ones.
func TestControlPlaneAuditSignsWithTheMerchantsKeys(t *testing.T) {
	t.Parallel()
	m := start(t)
	mm := m.makeMerchant(t, "", map[string]any{"liqpay": map[string]any{}})
	order := audittest.Order{ID: "o-ctl", Amount: 100, Currency: "UAH"}
	careful := httptest.NewServer(audittest.LiqPay(mm.LiqPay.PublicKey, mm.LiqPay.PrivateKey, order, audittest.None))
	defer careful.Close()
	flawed := httptest.NewServer(audittest.LiqPay(mm.LiqPay.PublicKey, mm.LiqPay.PrivateKey, order, audittest.TrustsUnsigned))
	defer flawed.Close()
	liquido := httptest.NewServer(audittest.Liquido("sandbox-client-secret", audittest.Order{ID: "o-ctl", Amount: 10000, Currency: "BRL"}, audittest.BreaksOnDuplicate))
	defer liquido.Close()

	report := func(body map[string]any) auditJSON {
		t.Helper()
		code, got := m.ctl(t, http.MethodPost, "/_mockpay/audit", "", body)
		if code != http.StatusOK {
			t.Fatalf("POST /_mockpay/audit %v: HTTP %d %v", body, code, got)
		}
		raw, _ := json.Marshal(got)
		var rep auditJSON
		if err := json.Unmarshal(raw, &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	base := map[string]any{"provider": "liqpay", "merchant": mm.LiqPay.PublicKey, "order": "o-ctl", "timeout_ms": 1000}
	with := func(k string, v any) map[string]any {
		out := map[string]any{k: v}
		for bk, bv := range base {
			if _, ok := out[bk]; !ok {
				out[bk] = bv
			}
		}
		return out
	}
	if rep := report(with("url", careful.URL)); rep.Failed != 0 || len(rep.Results) != 10 {
		t.Errorf("careful receiver: failed %v", failedIDs(rep))
	}
	if rep := report(with("url", flawed.URL)); !cmp.Equal(failedIDs(rep), []string{"missing-signature"}) {
		t.Errorf("trusts-unsigned receiver: failed %v", failedIDs(rep))
	}
	// Another merchant's keys (the built-in one's) sign a callback the
	// careful receiver refuses: the merchant named really chooses the keys.
	if rep := report(map[string]any{"provider": "liqpay", "url": careful.URL, "order": "o-ctl"}); !slices.Contains(failedIDs(rep), "valid") {
		t.Errorf("built-in merchant's keys against the made merchant's receiver: failed %v", failedIDs(rep))
	}
	if rep := report(map[string]any{"provider": "liquido", "url": liquido.URL, "order": "o-ctl"}); !cmp.Equal(failedIDs(rep), []string{"duplicate"}) {
		t.Errorf("liquido breaks-on-duplicate: failed %v", failedIDs(rep))
	}

	// JUnit XML on request.
	raw, _ := json.Marshal(with("url", flawed.URL))
	resp, err := httpClient.Post(m.base+"/_mockpay/audit?format=junit", "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	xmlBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var doc junitDoc
	if err := xml.Unmarshal(xmlBody, &doc); err != nil || resp.StatusCode != http.StatusOK || doc.Tests != 10 || doc.Failures != 1 {
		t.Errorf("?format=junit: HTTP %d, %v, %+v\n%s", resp.StatusCode, err, doc, xmlBody)
	}

	// The request's own mistakes are 4xx with the control plane's error shape.
	for _, tc := range []struct {
		body any
		code int
	}{
		{map[string]any{"provider": "stripe", "url": careful.URL}, http.StatusBadRequest},
		{map[string]any{"provider": "liqpay"}, http.StatusBadRequest},
		{map[string]any{"provider": "liqpay", "url": careful.URL, "timeout_ms": 60000}, http.StatusBadRequest},
		{map[string]any{"provider": "liqpay", "url": careful.URL, "surprise": 1}, http.StatusBadRequest},
		{"not json", http.StatusBadRequest},
		{map[string]any{"provider": "liqpay", "url": careful.URL, "merchant": "no-such-merchant"}, http.StatusNotFound},
	} {
		code, got := m.ctl(t, http.MethodPost, "/_mockpay/audit", "", tc.body)
		if code != tc.code || got["error"] == nil {
			t.Errorf("%v: HTTP %d %v, want %d with an error", tc.body, code, got, tc.code)
		}
	}
}

// The default output is a table for people: a line per case, and for a
// failed one what a safe receiver does.
func TestAuditReceiverPrintsATable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(audittest.Liquido("sandbox-client-secret",
		audittest.Order{ID: "mockpay-audit-order", Amount: 10000, Currency: "BRL"}, audittest.TrustsUnsigned))
	defer srv.Close()
	code, stdout, _ := run(t, nil, "audit-receiver", "--provider", "liquido", "--url", srv.URL)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	for _, want := range []string{
		"RESULT  KIND    CASE",
		"FAIL    must    missing-signature            answered 200",
		"PASS    must    valid ",
		"PASS    advice  stale-timestamp ",
		"FAIL missing-signature: the body without a Liquido-Signature header.\n  A safe receiver refuses a callback with no signature (4xx).",
		"9 passed, 1 failed",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, stdout)
		}
	}
}

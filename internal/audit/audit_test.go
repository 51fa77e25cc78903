package audit_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mockpay/mockpay/internal/audit"
	"github.com/mockpay/mockpay/internal/audit/audittest"
	"github.com/mockpay/mockpay/internal/junit"
)

// Each planted flaw is found by the cases meant for it, and only by them;
// the careful receivers pass everything.
func TestAuditFindsEveryPlantedFlaw(t *testing.T) {
	t.Parallel()
	liqpayOrder := audittest.Order{ID: "order-1", Amount: 100, Currency: "UAH"}
	liquidoOrder := audittest.Order{ID: "order-1", Amount: 10000, Currency: "BRL"}
	tests := []struct {
		provider string
		flaw     audittest.Flaw
		version  int
		failed   []string
	}{
		{"liqpay", audittest.None, 3, nil},
		{"liqpay", audittest.None, 7, nil},
		{"liqpay", audittest.TrustsUnsigned, 3, []string{"missing-signature"}},
		{"liqpay", audittest.FormatOnly, 3, []string{"wrong-signature", "foreign-key"}},
		{"liqpay", audittest.TrustsOtherMerchants, 3, []string{"foreign-key"}},
		{"liqpay", audittest.ParsesWrongEncoding, 3, []string{"wrong-encoding"}},
		{"liqpay", audittest.BreaksOnOtherOrder, 3, []string{"replay-other-order"}},
		{"liqpay", audittest.BreaksOnDuplicate, 3, []string{"duplicate"}},
		{"liqpay", audittest.BreaksOnOutOfOrder, 3, []string{"out-of-order"}},
		{"liqpay", audittest.HangsOnUnknownStatus, 3, []string{"unknown-status-wait_secure", "unknown-status-wait_lc"}},
		{"liqpay", audittest.RejectsEverything, 3, []string{"valid"}},
		{"liquido", audittest.None, 0, nil},
		{"liquido", audittest.TrustsUnsigned, 0, []string{"missing-signature"}},
		{"liquido", audittest.FormatOnly, 0, []string{"wrong-signature", "foreign-key"}},
		{"liquido", audittest.ParsesWrongEncoding, 0, []string{"wrong-encoding"}},
		{"liquido", audittest.BreaksOnOtherOrder, 0, []string{"replay-other-order"}},
		{"liquido", audittest.BreaksOnStale, 0, []string{"stale-timestamp"}},
		{"liquido", audittest.BreaksOnDuplicate, 0, []string{"duplicate"}},
		{"liquido", audittest.BreaksOnOutOfOrder, 0, []string{"out-of-order"}},
		{"liquido", audittest.HangsOnUnknownStatus, 0, []string{"unknown-status-CHARGED_BACK"}},
		{"liquido", audittest.RejectsEverything, 0, []string{"valid"}},
	}
	for _, tt := range tests {
		t.Run(tt.provider+"/"+string(tt.flaw), func(t *testing.T) {
			t.Parallel()
			var srv *httptest.Server
			if tt.provider == "liqpay" {
				srv = httptest.NewServer(audittest.LiqPay("sandbox_i00000000", "sandbox_private_key", liqpayOrder, tt.flaw))
			} else {
				srv = httptest.NewServer(audittest.Liquido("sandbox-client-secret", liquidoOrder, tt.flaw))
			}
			defer srv.Close()
			rep, err := audit.Run(context.Background(), audit.Config{
				Provider: tt.provider, URL: srv.URL, Order: "order-1", Version: tt.version, Timeout: 300 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, r := range rep.Results {
				if !r.Passed {
					failed = append(failed, r.ID)
				}
			}
			if diff := cmp.Diff(tt.failed, failed); diff != "" {
				var out bytes.Buffer
				_ = rep.WriteTable(&out)
				t.Errorf("failed cases (-want +got):\n%s\n%s", diff, out.String())
			}
			if rep.OK() != (len(tt.failed) == 0) || rep.Failed != len(tt.failed) || rep.Passed+rep.Failed != len(rep.Results) {
				t.Errorf("counts: ok=%v passed=%d failed=%d of %d", rep.OK(), rep.Passed, rep.Failed, len(rep.Results))
			}
		})
	}
}

func TestJUnitReadsBack(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(audittest.LiqPay("sandbox_i00000000", "sandbox_private_key",
		audittest.Order{ID: "mockpay-audit-order", Amount: 100, Currency: "UAH"}, audittest.TrustsUnsigned))
	defer srv.Close()
	rep, err := audit.Run(context.Background(), audit.Config{Provider: "liqpay", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []junit.Case `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if doc.Tests != 10 || doc.Failures != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 10 {
		t.Fatalf("tests=%d failures=%d:\n%s", doc.Tests, doc.Failures, buf.String())
	}
	for _, c := range doc.Suites[0].Cases {
		if (c.Failure != nil) != (c.Name == "missing-signature") {
			t.Errorf("case %s failure=%+v", c.Name, c.Failure)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []audit.Config{
		{URL: "http://127.0.0.1:1/"},
		{Provider: "stripe", URL: "http://127.0.0.1:1/"},
		{Provider: "liqpay"},
		{Provider: "liqpay", URL: "ftp://x/"},
		{Provider: "liquido", URL: "http://x/", Timeout: time.Hour},
		{Provider: "liqpay", URL: "http://x/", Version: 5},
	} {
		if _, err := audit.Run(context.Background(), c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		provider, in string
		want         int64
		ok           bool
	}{
		{"liqpay", "100", 10000, true},
		{"liqpay", "100.5", 10050, true},
		{"liqpay", "0.01", 1, true},
		{"liqpay", "1.234", 0, false},
		{"liqpay", "0", 0, false},
		{"liqpay", "-1", 0, false},
		{"liqpay", ".5", 0, false},
		{"liqpay", "1e3", 0, false},
		{"liquido", "10050", 10050, true},
		{"liquido", "100.50", 0, false},
		{"liquido", "0", 0, false},
	}
	for _, tt := range tests {
		got, err := audit.ParseAmount(tt.provider, tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseAmount(%s, %q) = %d, %v", tt.provider, tt.in, got, err)
		}
	}
}

// The README's case table names every case the audit runs.
func TestReadmeListsEveryCase(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Receiver audit\n")
	if !ok {
		t.Fatal(`README.md has no "## Receiver audit" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for _, provider := range audit.Providers {
		srv := httptest.NewServer(http.NotFoundHandler())
		rep, err := audit.Run(context.Background(), audit.Config{Provider: provider, URL: srv.URL})
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Results {
			id := r.ID
			if strings.HasPrefix(id, "unknown-status-") {
				id = "unknown-status-…"
				if !strings.Contains(section, strings.TrimPrefix(r.ID, "unknown-status-")) {
					t.Errorf("README's Receiver audit section does not name the status of %s", r.ID)
				}
			}
			if !strings.Contains(section, "| `"+id+"` | "+string(r.Kind)+" |") {
				t.Errorf("README's Receiver audit table has no row for %s (%s)", id, r.Kind)
			}
		}
	}
}

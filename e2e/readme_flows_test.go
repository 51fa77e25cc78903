package e2e

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// readmeShellBlock is the first ```sh block after heading in README.md.
func readmeShellBlock(t *testing.T, readme, heading string) string {
	t.Helper()
	i := strings.Index(readme, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README has no %q", heading)
	}
	rest := readme[i:]
	j := strings.Index(rest, "```sh\n")
	k := strings.Index(rest[j+6:], "\n```\n")
	if j < 0 || k < 0 {
		t.Fatalf("README's %q has no sh block", heading)
	}
	return rest[j+6 : j+6+k]
}

// The README's prepare/DCC, subscription and secured-payment examples run,
// one after the other as a reader would paste them, against the binary and
// take the path the README promises.
func TestReadmeLiqPayFlowExamples(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "openssl", "base64", "sed", "date"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipUnlessCI(t, "the README's examples need %s, which is not installed: %v", tool, err)
		}
	}
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	m := start(t)
	var script []string
	for _, h := range []string{"### Prepare and DCC", "### Subscriptions", "### Secured payment"} {
		script = append(script, readmeShellBlock(t, readme, h))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-c", strings.ReplaceAll(strings.Join(script, "\n"), "http://127.0.0.1:8470", m.base))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's examples failed: %v\n%s", err, out)
	}
	var got []string
	for _, match := range regexp.MustCompile(`"status":"([a-z_0-9]+)"`).FindAllStringSubmatch(string(out), -1) {
		got = append(got, match[1])
	}
	want := []string{
		"prepared", "success", // DCC quote, DCC payment
		"subscribed", "subscribed", "unsubscribed", // subscribe, subscribe_update, unsubscribe
		"wait_lc", "success", // confirmed
		"wait_lc", "dispute", "reversed", // disputed, resolved for the customer
		"wait_lc", "success", // the date passed
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses the README's examples answered (-want +got):\n%s\noutput:\n%s", diff, out)
	}
	for _, s := range []string{`"dcc_allowed":[{"amount":3.5984,"rate":27.7905,"commission":0.0,"currency":"USD"}]`,
		`"amount_debit":3.5984`, `"currency_debit":"USD"`} {
		if !strings.Contains(string(out), s) {
			t.Errorf("the DCC example's output lacks %s", s)
		}
	}
	// The month the subscription example advanced charged one regular payment.
	checkFields(t, "regular payment", map[string]any{"action": "regular", "status": "success", "amount": num("120.0")},
		m.do(t, map[string]any{"version": 3, "action": "status", "payment_id": 2100000003}))
}

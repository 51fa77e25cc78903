package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The README's expectations and bundle examples run as a reader would
// paste them, against the binary, and answer what the README says.
func TestReadmeExpectationsAndBundleExamples(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "openssl", "base64"} {
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
	script := readmeShellBlock(t, readme, "### Expectations") + "\n" + readmeShellBlock(t, readme, "## Run bundles and replay")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-c", strings.ReplaceAll(script, "http://127.0.0.1:8470", m.base))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's examples failed: %v\n%s", err, out)
	}
	// The control plane indents its JSON; compare it compacted.
	compact := strings.ReplaceAll(regexp.MustCompile(`\n\s*`).ReplaceAllString(string(out), ""), `": `, `":`)
	for _, want := range []string{
		`"status":"success"`,
		`"expectation":"order readme-expect-1 ends success","met":true`,
		`"expectation":"order readme-expect-2 ends success","met":false,"seen":"no payment for order readme-expect-2"`,
		`"met":3,"unmet":1`,
		`<testsuites name="mockpay expectations" tests="4" failures="1"><testsuite name="ci-expect" tests="4" failures="1">`,
	} {
		if !strings.Contains(compact, want) {
			t.Errorf("the output lacks %s:\n%s", want, out)
		}
	}
	har, err := os.ReadFile(filepath.Join(dir, "mockpay-run.har"))
	if err != nil {
		t.Fatal(err)
	}
	checkHAR(t, har)
}

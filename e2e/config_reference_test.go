package e2e

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The README's configuration reference lists exactly the flags the built
// binary accepts (as `mockpay help` prints them), with their environment
// twins, in the same order.
func TestReadmeConfigurationReferenceMatchesTheBinary(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary, "help").Output()
	if err != nil {
		t.Fatalf("mockpay help: %v", err)
	}
	helpRow := regexp.MustCompile(`(?m)^\s+(--[a-z-]+)\s+(MOCKPAY_[A-Z_]+)\s`)
	var binaryFlags []string
	for _, m := range helpRow.FindAllStringSubmatch(string(out), -1) {
		binaryFlags = append(binaryFlags, m[1]+" "+m[2])
	}
	if len(binaryFlags) == 0 {
		t.Fatalf("no flags in mockpay help:\n%s", out)
	}

	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Configuration reference\n")
	if !ok {
		t.Fatal(`README has no "## Configuration reference"`)
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	readmeRow := regexp.MustCompile("(?m)^\\| `(--[a-z-]+)` \\| `(MOCKPAY_[A-Z_]+)` \\|")
	var readmeFlags []string
	for _, m := range readmeRow.FindAllStringSubmatch(section, -1) {
		readmeFlags = append(readmeFlags, m[1]+" "+m[2])
	}
	if diff := cmp.Diff(binaryFlags, readmeFlags); diff != "" {
		t.Errorf("flags of the binary vs the README's configuration reference (-binary +README):\n%s", diff)
	}
}

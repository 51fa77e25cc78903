package scenarios_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/scenarios"
)

// vocab is a tiny hand-built provider vocabulary (STYLE §7): the loader's
// behaviour does not depend on LiqPay's real words, and short lists keep
// the expected messages readable.
var vocab = []scenarios.Vocabulary{
	{
		Provider: "acme",
		Statuses: []string{"success", "failure", "otp_verify", "processing"},
		Actions:  []string{"pay", "hold", "refund"},
	},
	{Provider: "zeta", Statuses: []string{"paid"}},
}

// doc joins lines into a file, so line N of the file is argument N and the
// expected positions can be read off the test case.
func doc(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// header is the usual start of a file: lines 1–3, scenarios from line 4.
func header(lines ...string) string {
	return doc(append([]string{"version: 1", "provider: acme", "scenarios:"}, lines...)...)
}

// positioned turns Parse's error into "line:column: message" lines, after
// checking that it is an Errors naming file.
func positioned(t *testing.T, file string, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var es scenarios.Errors
	if !errors.As(err, &es) {
		t.Fatalf("Parse returned %T (%v), want scenarios.Errors", err, err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		if e.File != file {
			t.Errorf("error %q names file %q, want %q", e.Msg, e.File, file)
		}
		out[i] = fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
	}
	return out
}

// newEngine is an engine over vocab that logs nowhere.
func newEngine() *scenarios.Engine {
	return scenarios.NewEngine(slog.New(slog.NewTextHandler(io.Discard, nil)), vocab)
}

// mustParse parses a file that must be valid.
func mustParse(t *testing.T, name, data string) *scenarios.Set {
	t.Helper()
	set, err := scenarios.Parse(name, []byte(data), vocab)
	if err != nil {
		t.Fatalf("Parse(%s):\n%v", name, err)
	}
	return set
}

// decided names the scenario Decide picked, "" for none.
func decided(e *scenarios.Engine, tenant string, r scenarios.Request) string {
	if sc := e.Decide(tenant, r); sc != nil {
		return sc.Name
	}
	return ""
}

// regexByText compares compiled expressions by their source.
var regexByText = cmp.Comparer(func(a, b *regexp.Regexp) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.String() == b.String()
})

func ptr[T any](v T) *T { return &v }

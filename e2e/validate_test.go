package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// `mockpay scenarios validate FILE…` prints each valid file on stdout and
// every problem on stderr as file:line:column: message, one a line, so an
// editor or a CI annotation can jump to it (the issue: "on a set of broken
// files prints the exact positions").

// valLiqPayStatuses is LiqPay's status list as the loader prints it
// (reference liqpay.md §5.1, then seed 000's dispute).
const valLiqPayStatuses = "success, failure, error, reversed, subscribed, unsubscribed, sandbox, " +
	"3ds_verify, otp_verify, cvv_verify, sender_verify, receiver_verify, phone_verify, ivr_verify, pin_verify, " +
	"captcha_verify, password_verify, senderapp_verify, p24_verify, mp_verify, wait_qr, wait_sender, hold_wait, " +
	"wait_accept, wait_secure, wait_compensation, wait_lc, wait_reserve, wait_card, invoice_wait, cash_wait, " +
	"prepared, processing, try_again, dispute"

const valScenarioKeys = "description, match, name, outcome, provider, times"

// valFiles are scenario files by name: the text, and the lines validate
// prints for it after "path:" (on stdout when valid, else on stderr).
var valFiles = map[string]struct {
	text string
	want []string
}{
	"valid.yaml": {
		text: `version: 1
provider: liqpay
scenarios:
  - name: declined
    match: {card: "4000000000000002"}
    outcome: {status: failure, code: limit}
  - name: lost-answer
    match: {amount: {min: 1000}}
    outcome:
      status: success
      fault: {type: reset, processed: true}
`,
		want: []string{" 2 scenarios, valid"},
	},
	"typos.yaml": {
		text: `version: 1
provider: liqpay
scenarios:
  - name: otp-then-fail
    mach: {card: "4000000000003089"}
    outcome:
      status: otp_verify
      confirm:
        - when: {otp: "000000"}
          status: failure
          mesage: wrong code
  - name: otp-then-fail
    outcome: {status: sucess}
`,
		want: []string{
			`5:5: scenario: unknown key "mach" (known: ` + valScenarioKeys + `)`,
			`11:11: confirm: unknown key "mesage" (known: code, message, status, then, when)`,
			`12:5: scenario name "otp-then-fail" is already used on line 4`,
			`13:23: status "sucess" is not a liqpay status (` + valLiqPayStatuses + `)`,
		},
	},
	"faults.yaml": {
		text: `version: 2
provider: liqpay
scenarios:
  - name: gateway
    outcome:
      fault: {type: http}
  - name: late-callbacks
    outcome:
      status: success
      delay: 2 seconds
      callbacks:
        url: "ftp://merchant.example/cb"
        signature: forged
`,
		want: []string{
			`1:1: version 2 is newer than this mockpay reads (1)`,
			`6:14: an http fault needs a status`,
			`10:14: delay must be a duration such as 500ms, 90s or 1h`,
			`12:14: url "ftp://merchant.example/cb" is not an http(s) URL`,
			`13:20: signature "forged" is not wrong or foreign`,
		},
	},
	"syntax.yaml": {
		text: `version: 1
provider: liqpay
scenarios:
  - name: a: b
    outcome: {status: success}
`,
		want: []string{`4:3: mapping values are not allowed in this context`},
	},
	"minimal.yml": {
		text: `version: 1
scenarios:
  - name: everything-fails
    provider: liqpay
    outcome: {status: failure, code: limit}
`,
		want: []string{" 1 scenarios, valid"},
	},
}

// valWrite writes the named valFiles into dir (relative names may hold
// folders) and returns their paths in the order given.
func valWrite(t *testing.T, dir string, names ...string) []string {
	t.Helper()
	paths := make([]string, len(names))
	for i, name := range names {
		f, ok := valFiles[filepath.Base(name)]
		if !ok {
			t.Fatalf("no fixture %s", name)
		}
		paths[i] = filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(paths[i]), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(paths[i], []byte(f.text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

// valExpect is what validate prints for the file at path: its lines, each
// prefixed with the path as given.
func valExpect(path string) []string {
	var out []string
	for _, line := range valFiles[filepath.Base(path)].want {
		out = append(out, path+":"+line)
	}
	return out
}

// valLines splits output into lines; no output is no lines.
func valLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// valCheck compares a run's exit status and output lines.
func valCheck(t *testing.T, code int, stdout, stderr string, wantCode int, wantOut, wantErr []string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("exit status %d, want %d", code, wantCode)
	}
	if diff := cmp.Diff(wantOut, valLines(stdout)); diff != "" {
		t.Errorf("stdout lines (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantErr, valLines(stderr)); diff != "" {
		t.Errorf("stderr lines (-want +got):\n%s", diff)
	}
}

func TestScenariosValidateReportsEveryPosition(t *testing.T) {
	t.Parallel()
	paths := valWrite(t, t.TempDir(), "typos.yaml", "valid.yaml", "faults.yaml", "syntax.yaml")
	code, stdout, stderr := run(t, nil, append([]string{"scenarios", "validate"}, paths...)...)
	var wantErr []string
	for _, p := range []string{paths[0], paths[2], paths[3]} {
		wantErr = append(wantErr, valExpect(p)...)
	}
	valCheck(t, code, stdout, stderr, 1, valExpect(paths[1]), wantErr)
}

func TestScenariosValidateAllValid(t *testing.T) {
	t.Parallel()
	paths := valWrite(t, t.TempDir(), "valid.yaml", "minimal.yml")
	code, stdout, stderr := run(t, nil, append([]string{"scenarios", "validate"}, paths...)...)
	valCheck(t, code, stdout, stderr, 0, append(valExpect(paths[0]), valExpect(paths[1])...), nil)
}

func TestScenariosValidateUsage(t *testing.T) {
	t.Parallel()
	usage := []string{"usage: mockpay scenarios validate FILE…"}
	tests := []struct {
		name string
		args []string
	}{
		{"no files", []string{"scenarios", "validate"}},
		{"no subcommand", []string{"scenarios"}},
		{"an unknown subcommand", []string{"scenarios", "check", "x.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := run(t, nil, tt.args...)
			valCheck(t, code, stdout, stderr, 2, nil, usage)
		})
	}
}

func TestScenariosValidateMissingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	valid := valWrite(t, dir, "valid.yaml")[0]
	code, stdout, stderr := run(t, nil, "scenarios", "validate", missing, valid)
	valCheck(t, code, stdout, stderr, 1, valExpect(valid),
		[]string{"scenarios " + missing + ": stat " + missing + ": no such file or directory"})
}

// A folder argument stands for the scenario files in it; other files are
// not scenario files.
func TestScenariosValidateFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	paths := valWrite(t, dir, "valid.yaml", "typos.yaml", "minimal.yml")
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("# not scenarios\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, nil, "scenarios", "validate", dir)
	// Files in name order: minimal.yml, typos.yaml, valid.yaml.
	valCheck(t, code, stdout, stderr, 1, append(valExpect(paths[2]), valExpect(paths[0])...), valExpect(paths[1]))
}

// serve loads a scenario folder recursively; validate must check the same
// files, or a folder that validates clean can still stop the server.
func TestScenariosValidateFolderFindsWhatServeLoads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	paths := valWrite(t, dir, "valid.yaml", filepath.Join("liqpay", "typos.yaml"))

	code, _, serveErr := run(t, nil, "serve", "--addr", "127.0.0.1:0", "--scenarios", dir)
	if code != 2 {
		t.Fatalf("serve with a broken nested file: exit status %d, want 2; stderr:\n%s", code, serveErr)
	}
	if diff := cmp.Diff(valExpect(paths[1]), valLines(serveErr)); diff != "" {
		t.Errorf("serve's stderr lines (-want +got):\n%s", diff)
	}

	code, stdout, stderr := run(t, nil, "scenarios", "validate", dir)
	valCheck(t, code, stdout, stderr, 1, valExpect(paths[0]), valExpect(paths[1]))
}

// serve refuses broken scenario files before it listens, with the same
// positioned lines validate prints and exit status 2.
func TestServeRefusesBrokenScenarioFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	paths := valWrite(t, dir, "typos.yaml", "valid.yaml", "faults.yaml")
	tests := []struct {
		name  string
		flag  string
		files []string // whose errors stderr holds, in order
	}{
		{"one broken file", paths[0], paths[:1]},
		{"a valid and two broken files", strings.Join(paths, ","), []string{paths[0], paths[2]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var want []string
			for _, p := range tt.files {
				want = append(want, valExpect(p)...)
			}
			code, stdout, stderr := run(t, nil, "serve", "--addr", "127.0.0.1:0", "--scenarios", tt.flag)
			valCheck(t, code, stdout, stderr, 2, nil, want)
		})
	}
}

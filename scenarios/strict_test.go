package scenarios_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/scenarios"
)

// The promise is that nothing a user writes silently does nothing.
// These files each hold one thing the loader would otherwise drop or bend;
// each must be an error at the position of that thing. Where the loader
// has no message for it yet, only the position is checked.
func TestParseRejectsWhatItWouldIgnore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		at   string // line:column of the error
		msg  string // the whole message, when one exists for the case
	}{
		{
			name: "fractional times is not truncated to a whole number",
			file: header("  - name: a", "    times: 1.5", "    outcome: {status: success}"),
			at:   "5:12", msg: "times must be a whole number from 1 to 1073741824",
		},
		{
			name: "fractional version is not truncated to a whole number",
			file: doc("version: 1.5", "provider: acme", "scenarios: []"),
			at:   "1:10", msg: "version must be a whole number from 1 to 1000",
		},
		{
			name: "fractional duplicate is not truncated to a whole number",
			file: header("  - name: a", "    outcome: {status: success, callbacks: {duplicate: 2.5}}"),
			at:   "5:55", msg: "duplicate must be a whole number from 0 to 100",
		},
		{
			name: "a repeated path in match fields is not overwritten",
			file: header("  - name: a", "    match:", `      fields: {a: "1", a: "2"}`, "    outcome: {status: success}"),
			at:   "6:24",
		},
		{
			name: "a repeated field in confirm when is not overwritten",
			file: header("  - name: a", "    outcome:", "      status: otp_verify",
				`      confirm: [{when: {otp: "1", otp: "2"}, status: success}]`),
			at: "7:35",
		},
		{
			name: "order_id and idempotencyKey together do not overwrite each other",
			file: header("  - name: a", "    match: {order_id: a, idempotencyKey: b}", "    outcome: {status: success}"),
			at:   "5:26",
		},
		{
			name: "a duration on a reset fault is not ignored",
			file: header("  - name: a", "    outcome:", "      fault: {type: reset, duration: 5s}"),
			at:   "6:28",
		},
		{
			name: "a duration on an http fault is not ignored",
			file: header("  - name: a", "    outcome:", "      fault: {type: http, status: 502, duration: 5s}"),
			at:   "6:40",
		},
		{
			name: "processed false on a slow fault is not overridden",
			file: header("  - name: a", "    outcome:", "      fault: {type: slow, duration: 5s, processed: false}"),
			at:   "6:41",
		},
		{
			name: "a second YAML document is not ignored",
			file: header("  - name: a", "    outcome: {status: success}", "---", "  - name: b", "    outcome: {status: failure}"),
			at:   "6:1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set, err := scenarios.Parse("f.yaml", []byte(tt.file), vocab)
			if err == nil {
				t.Fatalf("Parse accepted the file (%d scenarios), want an error at %s\nfile:\n%s", len(set.Scenarios), tt.at, tt.file)
			}
			got := positioned(t, "f.yaml", err)
			for _, line := range got {
				if line == tt.at+": "+tt.msg || (tt.msg == "" && strings.HasPrefix(line, tt.at+": ")) {
					return
				}
			}
			want := tt.at + ": " + tt.msg
			if tt.msg == "" {
				want = tt.at + ": …"
			}
			t.Errorf("no error %q among:\n%q", want, got)
		})
	}
}

// One mistake is one error: a second message about the same mistake sends
// the reader looking for a problem that is not there.
func TestParseOneMistakeOneError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		want []string
	}{
		{
			name: "two unnamed scenarios are not duplicates of each other",
			file: header("  - outcome: {status: success}", "  - outcome: {status: failure}"),
			want: []string{"4:5: scenario needs a name", "5:5: scenario needs a name"},
		},
		{
			name: "a bad regex is not also a missing regex",
			file: header("  - name: a", "    match:", `      description: {regex: "gift["}`, "    outcome: {status: success}"),
			want: []string{"6:28: description.regex: error parsing regexp: missing closing ]: `[`"},
		},
		{
			name: "a misspelt http fault type does not also complain about its status",
			file: header("  - name: a", "    outcome:", "      fault: {type: htp, status: 502}"),
			want: []string{`6:21: fault.type "htp" is not http, reset, hang or slow`},
		},
		{
			name: "an empty action is not also an unknown action",
			file: header("  - name: a", "    match:", "      action:", "    outcome: {status: success}"),
			want: []string{"6:14: action must be a text"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := scenarios.Parse("f.yaml", []byte(tt.file), vocab)
			if diff := cmp.Diff(tt.want, positioned(t, "f.yaml", err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nfile:\n%s", diff, tt.file)
			}
		})
	}
}

// yaml.v3 reports some syntax errors on the line where the enclosing block
// starts, counted from 0, and some with no line at all. The loader passes
// that on, so the position points at a line with nothing wrong on it.
// yaml.v3 gives no column, so only the line is checked.
func TestParseSyntaxErrorLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		line int // where the mistake is
	}{
		{
			name: "an under-indented key",
			file: header("  - name: a", "    outcome:", "      status: success", "     code: x"),
			line: 7,
		},
		{
			name: "an unclosed flow list",
			file: doc("version: 1", "provider: [acme", "scenarios: []"),
			line: 2,
		},
		{
			name: "a list item inside a mapping",
			file: doc("version: 1", "- provider: acme"),
			line: 2,
		},
		{
			name: "an alias to an unknown anchor",
			file: header("  - name: a", "    outcome: {status: success, fields: {a: *nope}}"),
			line: 5,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := scenarios.Parse("f.yaml", []byte(tt.file), vocab)
			var es scenarios.Errors
			if !errors.As(err, &es) || len(es) != 1 {
				t.Fatalf("Parse: %v, want one syntax error", err)
			}
			if es[0].Line != tt.line {
				t.Errorf("syntax error %q on line %d, want line %d\nfile:\n%s", es[0].Error(), es[0].Line, tt.line, tt.file)
			}
		})
	}
}

// The same file must get the same message on every run, or editors and CI
// annotations flicker. LiqPay's Vocabulary builds its action list by ranging
// over maps, and the loader prints the list in the order it is given.
func TestParseLiqPayUnknownActionMessageIsStable(t *testing.T) {
	t.Parallel()
	file := doc("version: 1", "provider: liqpay", "scenarios:", "  - name: a", "    match: {action: payy}", "    outcome: {status: success}")
	var first string
	for i := range 10 {
		_, err := scenarios.Parse("f.yaml", []byte(file), []scenarios.Vocabulary{liqpay.Vocabulary()})
		if err == nil {
			t.Fatal("Parse accepted action payy")
		}
		if i == 0 {
			first = err.Error()
			continue
		}
		if got := err.Error(); got != first {
			t.Fatalf("parse %d gave another message for the same file:\n%s\nfirst:\n%s", i+1, got, first)
		}
	}
}

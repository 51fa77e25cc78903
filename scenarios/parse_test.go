package scenarios_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/scenarios"
)

// errorCase is one broken file and every error Parse must report for it,
// as "line:column: message". FuzzParse seeds its corpus from these.
type errorCase struct {
	name string
	file string
	want []string
}

const (
	matchKeys     = "action, amount, bin, card, country, currency, description, fields, idempotencyKey, last4, merchant, method, order_id, phone"
	outcomeKeys   = "callbacks, code, confirm, delay, fault, fields, message, status, then"
	faultKeys     = "body, content_type, duration, processed, status, type"
	callbackKeys  = "before_response, delay, drop, duplicate, signature, status, unordered, url"
	scenarioKeys  = "description, match, name, outcome, provider, times"
	acmeStatuses  = "success, failure, otp_verify, processing"
	durationHint  = "must be a duration such as 500ms, 90s or 1h"
	stringMatchIs = "write a text, a list of texts, or {regex: …}"
)

var errorCases = []errorCase{
	// Unknown keys, so a typo never silently does nothing.
	{
		name: "unknown key at the top level",
		file: doc("version: 1", "provider: acme", "scenario: []", "scenarios: []"),
		want: []string{`3:1: file: unknown key "scenario" (known: expect, provider, scenarios, version)`},
	},
	{
		name: "unknown key in a scenario",
		file: header("  - name: a", "    tims: 2", "    outcome: {status: success}"),
		want: []string{`5:5: scenario: unknown key "tims" (known: ` + scenarioKeys + `)`},
	},
	{
		name: "misspelt outcome is unknown and the outcome missing",
		file: header("  - name: a", "    outcom: {status: success}"),
		want: []string{
			`4:5: scenario "a" needs an outcome`,
			`5:5: scenario: unknown key "outcom" (known: ` + scenarioKeys + `)`,
		},
	},
	{
		name: "unknown key in match",
		file: header("  - name: a", "    match:", `      crad: "4242424242424242"`, "    outcome: {status: success}"),
		want: []string{`6:7: match: unknown key "crad" (known: ` + matchKeys + `)`},
	},
	{
		name: "unknown key in outcome",
		file: header("  - name: a", "    outcome:", "      status: failure", "      mesage: declined"),
		want: []string{`7:7: outcome: unknown key "mesage" (known: ` + outcomeKeys + `)`},
	},
	{
		name: "unknown key in fault",
		file: header("  - name: a", "    outcome:", "      fault:", "        type: reset", "        proccessed: true"),
		want: []string{`8:9: fault: unknown key "proccessed" (known: ` + faultKeys + `)`},
	},
	{
		name: "unknown key in a single callbacks rule",
		file: header("  - name: a", "    outcome:", "      status: success", "      callbacks:", "        dorp: true"),
		want: []string{`8:9: callbacks: unknown key "dorp" (known: ` + callbackKeys + `)`},
	},
	{
		name: "unknown key in a list of callbacks rules",
		file: header("  - name: a", "    outcome:", "      status: success", "      callbacks:", "        - status: success", "          dorp: true"),
		want: []string{`9:11: callbacks: unknown key "dorp" (known: ` + callbackKeys + `)`},
	},
	{
		name: "unknown key in a then step",
		file: header("  - name: a", "    outcome:", "      status: processing", "      then:",
			"        - after: 1m", "          status: success", "          reason: paid"),
		want: []string{`10:11: then: unknown key "reason" (known: after, code, message, status)`},
	},
	{
		name: "unknown key in a confirm rule",
		file: header("  - name: a", "    outcome:", "      status: otp_verify", "      confirm:",
			`        - when: {otp: "123456"}`, "          status: success", "          than: []"),
		want: []string{`10:11: confirm: unknown key "than" (known: code, message, status, then, when)`},
	},
	{
		name: "unknown key in an amount range",
		file: header("  - name: a", "    match:", "      amount: {minimum: 1}", "    outcome: {status: success}"),
		want: []string{`6:16: amount: unknown key "minimum" (known: max, min)`},
	},

	// The top level.
	{
		name: "missing version",
		file: doc("provider: acme", "scenarios: []"),
		want: []string{`1:1: version is missing (write version: 1)`},
	},
	{
		name: "version newer than this build",
		file: doc("version: 2", "provider: acme", "scenarios: []"),
		want: []string{`1:1: version 2 is newer than this mockpay reads (1)`},
	},
	{
		name: "version zero",
		file: doc("version: 0", "provider: acme", "scenarios: []"),
		want: []string{`1:10: version must be a whole number from 1 to 1000`},
	},
	{
		name: "version as a word",
		file: doc("version: one", "provider: acme", "scenarios: []"),
		want: []string{`1:10: version must be a whole number from 1 to 1000`},
	},
	{
		name: "missing scenarios",
		file: doc("version: 1", "provider: acme"),
		want: []string{`1:1: scenarios is missing`},
	},
	{
		name: "scenarios is a mapping",
		file: doc("version: 1", "provider: acme", "scenarios:", "  name: a"),
		want: []string{`4:3: scenarios must be a list`},
	},
	{
		name: "scenarios is empty",
		file: doc("version: 1", "provider: acme", "scenarios:"),
		want: []string{`3:11: scenarios must be a list`},
	},
	{
		name: "the file is a list",
		file: doc("- version: 1"),
		want: []string{`1:1: file must be a mapping`},
	},
	{
		name: "duplicate key at the top level",
		file: doc("version: 1", "provider: acme", "scenarios: []", "provider: zeta"),
		want: []string{`4:1: file: "provider" given twice`},
	},

	// Scenarios.
	{
		name: "missing name",
		file: header("  - description: no name", "    outcome: {status: success}"),
		want: []string{`4:5: scenario needs a name`},
	},
	{
		name: "duplicate name names the first line",
		file: header("  - name: a", "    outcome: {status: success}", "  - name: b", "    outcome: {status: success}",
			"  - name: a", "    outcome: {status: failure}"),
		want: []string{`8:5: scenario name "a" is already used on line 4`},
	},
	{
		name: "missing outcome",
		file: header("  - name: a"),
		want: []string{`4:5: scenario "a" needs an outcome`},
	},
	{
		name: "missing provider",
		file: doc("version: 1", "scenarios:", "  - name: a", "    outcome: {status: success}"),
		want: []string{`3:5: scenario "a" needs a provider (acme, zeta), here or at the top of the file`},
	},
	{
		name: "unknown provider at the top",
		file: doc("version: 1", "provider: acmee", "scenarios: []"),
		want: []string{`2:11: unknown provider "acmee" (known: acme, zeta)`},
	},
	{
		name: "unknown provider in a scenario",
		file: header("  - name: a", "    provider: zetta", "    outcome: {status: paid}"),
		want: []string{`5:15: unknown provider "zetta" (known: acme, zeta)`},
	},
	{
		name: "a scenario's provider decides its statuses",
		file: header("  - name: a", "    provider: zeta", "    outcome: {status: success}"),
		want: []string{`6:23: status "success" is not a zeta status (paid)`},
	},
	{
		name: "duplicate key in a scenario",
		file: header("  - name: a", "    name: b", "    outcome: {status: success}"),
		want: []string{`5:5: scenario: "name" given twice`},
	},
	{
		name: "duplicate key in an outcome",
		file: header("  - name: a", "    outcome:", "      status: success", "      status: failure"),
		want: []string{`7:7: outcome: "status" given twice`},
	},
	{
		name: "duplicate key in match",
		file: header("  - name: a", `    match: {card: "1", card: "2"}`, "    outcome: {status: success}"),
		want: []string{`5:24: match: "card" given twice`},
	},
	{
		name: "times zero",
		file: header("  - name: a", "    times: 0", "    outcome: {status: success}"),
		want: []string{`5:12: times must be a whole number from 1 to 1073741824`},
	},
	{
		name: "times as a word",
		file: header("  - name: a", "    times: many", "    outcome: {status: success}"),
		want: []string{`5:12: times must be a whole number from 1 to 1073741824`},
	},
	{
		name: "a scenario that is a text",
		file: header("  - just a text"),
		want: []string{`4:5: scenario must be a mapping`},
	},

	// The provider's vocabulary.
	{
		name: "status not in the vocabulary",
		file: header("  - name: a", "    outcome:", "      status: sucess"),
		want: []string{`6:15: status "sucess" is not a acme status (` + acmeStatuses + `)`},
	},
	{
		name: "statuses of then, confirm and callbacks are checked too",
		file: header("  - name: a", "    outcome:", "      status: otp_verify",
			"      then: [{after: 1m, status: faild}]",
			"      confirm: [{status: sucess}]",
			"      callbacks: {status: procesing}"),
		want: []string{
			`7:34: status "faild" is not a acme status (` + acmeStatuses + `)`,
			`8:26: status "sucess" is not a acme status (` + acmeStatuses + `)`,
			`9:27: status "procesing" is not a acme status (` + acmeStatuses + `)`,
		},
	},
	{
		name: "action not in the vocabulary",
		file: header("  - name: a", "    match:", "      action: payy", "    outcome: {status: success}"),
		want: []string{`6:15: action "payy" is not one of hold, pay, refund`},
	},
	{
		name: "action in a list not in the vocabulary",
		file: header("  - name: a", "    match:", "      action: [pay, holdd]", "    outcome: {status: success}"),
		want: []string{`6:21: action "holdd" is not one of hold, pay, refund`},
	},

	// Matchers.
	{
		name: "unknown key in a regex matcher",
		file: header("  - name: a", "    match:", `      card: {regexp: "^4"}`, "    outcome: {status: success}"),
		want: []string{
			`6:13: card: ` + stringMatchIs,
			`6:14: card: unknown key "regexp" (known: regex)`,
		},
	},
	{
		name: "an empty list matches nothing",
		file: header("  - name: a", "    match:", "      currency: []", "    outcome: {status: success}"),
		want: []string{`6:17: currency: an empty list matches nothing`},
	},
	{
		name: "a list inside a list",
		file: header("  - name: a", "    match:", `      card: [["4242"]]`, "    outcome: {status: success}"),
		want: []string{`6:14: card must be a text`},
	},
	{
		name: "an empty matcher",
		file: header("  - name: a", "    match:", "      card:", "    outcome: {status: success}"),
		want: []string{`6:12: card must be a text`},
	},
	{
		name: "an empty mapping as a matcher",
		file: header("  - name: a", "    match:", "      phone: {}", "    outcome: {status: success}"),
		want: []string{`6:14: phone: ` + stringMatchIs},
	},
	{
		name: "amount min above max",
		file: header("  - name: a", "    match:", "      amount: {min: 100, max: 10}", "    outcome: {status: success}"),
		want: []string{`6:15: amount: min is above max`},
	},
	{
		name: "amount as a word",
		file: header("  - name: a", "    match:", "      amount: ten", "    outcome: {status: success}"),
		want: []string{`6:15: amount must be a number`},
	},
	{
		name: "amount bound as a word",
		file: header("  - name: a", "    match:", "      amount: {max: lots}", "    outcome: {status: success}"),
		want: []string{`6:21: amount.max must be a number`},
	},
	{
		name: "match is a list",
		file: header("  - name: a", "    match: [card]", "    outcome: {status: success}"),
		want: []string{`5:12: match must be a mapping`},
	},
	{
		name: "match fields is a list",
		file: header("  - name: a", "    match:", "      fields: [a.b]", "    outcome: {status: success}"),
		want: []string{`6:15: fields must map field paths to values`},
	},
	{
		name: "match fields value is empty",
		file: header("  - name: a", "    match:", "      fields: {a.b: }", "    outcome: {status: success}"),
		want: []string{`6:21: fields.a.b must be a text`},
	},

	// Outcomes.
	{
		name: "outcome is a text",
		file: header("  - name: a", "    outcome: success"),
		want: []string{`5:14: outcome must be a mapping`},
	},
	{
		name: "outcome fields is a list",
		file: header("  - name: a", "    outcome:", "      fields: [a, b]"),
		want: []string{`6:15: fields must map field names to values`},
	},
	{
		name: "bad duration",
		file: header("  - name: a", "    outcome:", "      status: success", "      delay: 5 seconds"),
		want: []string{`7:14: delay ` + durationHint},
	},
	{
		name: "negative duration",
		file: header("  - name: a", "    outcome:", "      status: success", "      delay: -1s"),
		want: []string{`7:14: delay ` + durationHint},
	},
	{
		name: "then is a mapping",
		file: header("  - name: a", "    outcome:", "      status: processing", "      then: {after: 1m, status: success}"),
		want: []string{`7:13: then must be a list of {after, status}`},
	},
	{
		name: "then step without status",
		file: header("  - name: a", "    outcome:", "      status: processing", "      then: [{after: 1m}]"),
		want: []string{`7:14: each then step needs after and status`},
	},
	{
		name: "then step with a bad after",
		file: header("  - name: a", "    outcome:", "      status: processing", "      then: [{after: soon, status: success}]"),
		want: []string{`7:22: after ` + durationHint},
	},
	{
		name: "then step is a text",
		file: header("  - name: a", "    outcome:", "      status: processing", "      then: [soon]"),
		want: []string{`7:14: then must be a mapping`},
	},
	{
		name: "confirm is a mapping",
		file: header("  - name: a", "    outcome:", "      status: otp_verify", "      confirm: {status: success}"),
		want: []string{`7:16: confirm must be a list of {when, status}`},
	},
	{
		name: "confirm rule without status",
		file: header("  - name: a", "    outcome:", "      status: otp_verify", `      confirm: [{when: {otp: "1"}}]`),
		want: []string{`7:17: each confirm rule needs a status`},
	},
	{
		name: "confirm when is a list",
		file: header("  - name: a", "    outcome:", "      status: otp_verify", "      confirm: [{when: [otp], status: success}]"),
		want: []string{`7:24: when must map field paths to values`},
	},

	// Faults.
	{
		name: "fault without type",
		file: header("  - name: a", "    outcome:", "      fault:", "        processed: true"),
		want: []string{`7:9: fault needs a type: http, reset, hang or slow`},
	},
	{
		name: "fault of an unknown type",
		file: header("  - name: a", "    outcome:", "      fault:", "        type: timeout"),
		want: []string{`7:15: fault.type "timeout" is not http, reset, hang or slow`},
	},
	{
		name: "http fault without status",
		file: header("  - name: a", "    outcome:", "      fault:", "        type: http"),
		want: []string{`7:9: an http fault needs a status`},
	},
	{
		name: "http fault status out of range",
		file: header("  - name: a", "    outcome:", "      fault:", "        type: http", "        status: 99"),
		want: []string{`8:17: fault.status must be a whole number from 100 to 599`},
	},
	{
		name: "status on a reset fault",
		file: header("  - name: a", "    outcome:", "      fault:", "        type: reset", "        status: 502"),
		want: []string{`7:9: status, body and content_type belong to http faults`},
	},
	{
		name: "body on a slow fault",
		file: header("  - name: a", "    outcome:", "      fault:", "        type: slow", "        body: x"),
		want: []string{`7:9: status, body and content_type belong to http faults`},
	},
	{
		name: "fault duration over 10m",
		file: header("  - name: a", "    outcome:", "      fault:", "        type: hang", "        duration: 11m"),
		want: []string{`8:9: fault.duration is capped at 10m`},
	},
	{
		name: "fault processed not a boolean",
		file: header("  - name: a", "    outcome:", "      fault: {type: reset, processed: maybe}"),
		want: []string{`6:39: fault.processed must be true or false`},
	},
	{
		name: "fault is a text",
		file: header("  - name: a", "    outcome:", "      fault: reset"),
		want: []string{`6:14: fault must be a mapping`},
	},

	// Callbacks.
	{
		name: "callback url with another scheme",
		file: header("  - name: a", "    outcome:", "      status: success", `      callbacks: {url: "ftp://example.com/cb"}`),
		want: []string{`7:24: url "ftp://example.com/cb" is not an http(s) URL`},
	},
	{
		name: "callback url without scheme",
		file: header("  - name: a", "    outcome:", "      status: success", `      callbacks: {url: "localhost:8080/cb"}`),
		want: []string{`7:24: url "localhost:8080/cb" is not an http(s) URL`},
	},
	{
		name: "callback signature neither wrong nor foreign",
		file: header("  - name: a", "    outcome:", "      status: success", "      callbacks: {signature: bad}"),
		want: []string{`7:30: signature "bad" is not wrong or foreign`},
	},
	{
		name: "callback duplicate over 100",
		file: header("  - name: a", "    outcome:", "      status: success", "      callbacks: {duplicate: 101}"),
		want: []string{`7:30: duplicate must be a whole number from 0 to 100`},
	},
	{
		name: "callback drop not a boolean",
		file: header("  - name: a", "    outcome:", "      status: success", "      callbacks: {drop: maybe}"),
		want: []string{`7:25: drop must be true or false`},
	},
	{
		name: "callback delay negative",
		file: header("  - name: a", "    outcome:", "      status: success", "      callbacks: {delay: -5s}"),
		want: []string{`7:26: callbacks.delay ` + durationHint},
	},
	{
		name: "callbacks is a text",
		file: header("  - name: a", "    outcome:", "      status: success", "      callbacks: true"),
		want: []string{`7:18: callbacks must be a rule or a list of rules`},
	},

	// YAML itself. yaml.v3 gives syntax errors a line but no column; the
	// loader points at the line's first character.
	{
		name: "syntax error: a second colon",
		file: header("  - name: a: b", "    outcome: {status: success}"),
		want: []string{`4:3: mapping values are not allowed in this context`},
	},
	{
		name: "syntax error: an unterminated quote",
		file: header("  - name: a", `    outcome: {status: "success}`),
		want: []string{`5:5: found unexpected end of stream`},
	},
	{
		name: "syntax error: a character that starts no token",
		file: header("  - name: a", "    outcome: {status: success}", "  - name: @b"),
		want: []string{`6:3: found character that cannot start any token`},
	},
	{
		name: "empty file",
		file: "",
		want: []string{`1:1: empty file: want version and scenarios`},
	},
	{
		name: "only comments",
		file: doc("# nothing yet", "# still nothing"),
		want: []string{`1:1: empty file: want version and scenarios`},
	},
	{
		name: "only a document marker",
		file: doc("---"),
		want: []string{`2:1: file must be a mapping`},
	},
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set, err := scenarios.Parse("f.yaml", []byte(tt.file), vocab)
			if set != nil {
				t.Errorf("Parse returned a set along with errors")
			}
			if diff := cmp.Diff(tt.want, positioned(t, "f.yaml", err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nfile:\n%s", diff, tt.file)
			}
		})
	}
}

func TestParseFileSize(t *testing.T) {
	t.Parallel()
	// A file of exactly 1 MiB is read (here: comments only, so empty);
	// one byte more is refused before parsing.
	fill := func(n int) []byte {
		b := []byte(strings.Repeat("#"+strings.Repeat(" ", 62)+"\n", n/64))
		return append(b, strings.Repeat("#", n-len(b))...)
	}
	tests := []struct {
		name string
		size int
		want []string
	}{
		{"exactly 1 MiB is read", scenarios.MaxFileSize, []string{"1:1: empty file: want version and scenarios"}},
		{"one byte over 1 MiB is refused", scenarios.MaxFileSize + 1, []string{"1:1: file larger than 1 MiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := fill(tt.size)
			if len(data) != tt.size {
				t.Fatalf("fixture is %d bytes, want %d", len(data), tt.size)
			}
			_, err := scenarios.Parse("f.yaml", data, vocab)
			if diff := cmp.Diff(tt.want, positioned(t, "f.yaml", err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// A file with several mistakes reports all of them, sorted by position,
// even when the loader notices them out of order (a missing name is found
// after the scenario's inner errors).
func TestParseReportsEveryErrorInOrder(t *testing.T) {
	t.Parallel()
	const path = "testdata/broken/many.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = scenarios.Parse(path, data, vocab)
	want := []string{
		`7:7: match: unknown key "crad" (known: ` + matchKeys + `)`,
		`8:15: amount: min is above max`,
		`10:15: status "failed" is not a acme status (` + acmeStatuses + `)`,
		`11:14: delay ` + durationHint,
		`12:5: scenario needs a name`,
		`14:14: an http fault needs a status`,
		`16:22: signature "bogus" is not wrong or foreign`,
		`17:16: url "ftp://example.com" is not an http(s) URL`,
		`18:5: scenario name "declined" is already used on line 5`,
		`19:12: times must be a whole number from 1 to 1073741824`,
	}
	if diff := cmp.Diff(want, positioned(t, path, err)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	// The error text is what the CLI prints: one file:line:column line each.
	if got := strings.Count(err.Error(), "\n") + 1; got != len(want) {
		t.Errorf("Error() has %d lines, want %d:\n%s", got, len(want), err)
	}
	if first := strings.SplitN(err.Error(), "\n", 2)[0]; first != path+":"+want[0] {
		t.Errorf("first line of Error() = %q, want %q", first, path+":"+want[0])
	}
}

func TestParseBrokenFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want []string
	}{
		{"syntax.yaml", []string{`4:3: mapping values are not allowed in this context`}},
		{"future.yaml", []string{
			`1:1: version 2 is newer than this mockpay reads (1)`,
			`3:12: scenarios must be a list`,
		}},
		{"types.yaml", []string{
			`5:12: match must be a mapping`,
			`7:13: then must be a list of {after, status}`,
			`8:16: confirm must be a list of {when, status}`,
			`9:18: callbacks must be a rule or a list of rules`,
			`10:15: fields must map field names to values`,
			`11:5: scenario must be a mapping`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", "broken", tt.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = scenarios.Parse(path, data, vocab)
			if diff := cmp.Diff(tt.want, positioned(t, path, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseValidFile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/valid/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := mustParse(t, "full.yaml", string(data))
	texts := func(s ...string) *scenarios.StringMatch { return &scenarios.StringMatch{Any: s} }
	re := func(s string) *scenarios.StringMatch { return &scenarios.StringMatch{Regex: regexp.MustCompile(s)} }
	want := &scenarios.Set{
		Name:   "full.yaml",
		Source: "file",
		Scenarios: []*scenarios.Scenario{
			{
				Name:        "big-otp",
				Description: "large card payments need an OTP",
				Provider:    "acme",
				Times:       3,
				Line:        5,
				Match: scenarios.Match{
					Merchant:    texts("shop-1"),
					Action:      texts("pay", "hold"),
					Method:      texts("card"),
					BIN:         texts("424242"),
					Last4:       re("^42"),
					Amount:      &scenarios.AmountMatch{Min: ptr(100.0), Max: ptr(500.5)},
					Currency:    texts("UAH"),
					Country:     texts("UA", "PL"),
					OrderID:     re("^big-"),
					Description: texts("gift"),
					Phone:       texts("380950000000"),
					Fields:      map[string]*scenarios.StringMatch{"rro_info.items.0.id": texts("7")},
				},
				Outcome: scenarios.Outcome{
					Status:  "otp_verify",
					Code:    "otp",
					Message: "enter the code",
					Fields:  map[string]any{"paytype": "card", "amount_debit": 100.5, "is_3ds": false},
					Delay:   250 * time.Millisecond,
					Confirm: []scenarios.ConfirmRule{
						{
							When:    map[string]*scenarios.StringMatch{"otp": texts("000000")},
							Status:  "failure",
							Code:    "wrong_otp",
							Message: "wrong code",
						},
						{
							Status: "processing",
							Then:   []scenarios.Transition{{After: 90 * time.Second, Status: "success"}},
						},
					},
					Then: []scenarios.Transition{
						{After: 15 * time.Minute, Status: "failure", Code: "expired", Message: "not confirmed in time"},
					},
					Callbacks: []scenarios.CallbackRule{
						{
							Status:         "success",
							Delay:          2 * time.Second,
							Duplicate:      2,
							Unordered:      true,
							BeforeResponse: true,
							Signature:      scenarios.SignatureForeign,
							URL:            "https://merchant.example/callback",
						},
						{Drop: true},
					},
				},
			},
			{
				Name:     "lost-answer",
				Provider: "zeta",
				Line:     52,
				Match: scenarios.Match{
					Card:   texts("4000000000000002"),
					Amount: &scenarios.AmountMatch{Exact: ptr(10.0)},
				},
				Outcome: scenarios.Outcome{
					Status: "paid",
					Fault: &scenarios.Fault{
						Kind: scenarios.FaultHTTP, Status: 502, Body: "<h1>bad gateway</h1>",
						ContentType: "text/html", Processed: true,
					},
				},
			},
			{
				Name:     "slow",
				Provider: "acme",
				Line:     59,
				Match:    scenarios.Match{OrderID: texts("abc")},
				Outcome: scenarios.Outcome{
					// A slow answer is the real one: always processed.
					Fault:     &scenarios.Fault{Kind: scenarios.FaultSlow, Duration: 10 * time.Minute, Processed: true},
					Callbacks: []scenarios.CallbackRule{{Drop: true}},
				},
			},
		},
	}
	if diff := cmp.Diff(want, got, regexByText); diff != "" {
		t.Errorf("parsed set (-want +got):\n%s", diff)
	}
}

// Small valid files: what each form of a value turns into.
func TestParseValidForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		match string // the match: line's value
		want  scenarios.Match
	}{
		{"an unquoted number is a text as written", "{last4: 0042}",
			scenarios.Match{Last4: &scenarios.StringMatch{Any: []string{"0042"}}}},
		{"an order_id", "{order_id: [a, b]}",
			scenarios.Match{OrderID: &scenarios.StringMatch{Any: []string{"a", "b"}}}},
		{"an amount bound alone", "{amount: {max: 5}}",
			scenarios.Match{Amount: &scenarios.AmountMatch{Max: ptr(5.0)}}},
		{"an amount min equal to max", "{amount: {min: 5, max: 5}}",
			scenarios.Match{Amount: &scenarios.AmountMatch{Min: ptr(5.0), Max: ptr(5.0)}}},
		{"an empty match", "{}", scenarios.Match{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := mustParse(t, "f.yaml", header("  - name: a", "    match: "+tt.match, "    outcome: {status: success}"))
			if diff := cmp.Diff(tt.want, set.Scenarios[0].Match, regexByText); diff != "" {
				t.Errorf("match (-want +got):\n%s", diff)
			}
		})
	}
}

// Every fault type and duration bound the loader accepts.
func TestParseValidFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault string
		want  scenarios.Fault
	}{
		{"{type: reset}", scenarios.Fault{Kind: scenarios.FaultReset}},
		{"{type: reset, processed: true}", scenarios.Fault{Kind: scenarios.FaultReset, Processed: true}},
		{"{type: hang, duration: 10m}", scenarios.Fault{Kind: scenarios.FaultHang, Duration: 10 * time.Minute}},
		{"{type: slow, duration: 1.5s}", scenarios.Fault{Kind: scenarios.FaultSlow, Duration: 1500 * time.Millisecond, Processed: true}},
		{"{type: http, status: 429}", scenarios.Fault{Kind: scenarios.FaultHTTP, Status: 429}},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			t.Parallel()
			set := mustParse(t, "f.yaml", header("  - name: a", "    outcome: {fault: "+tt.fault+"}"))
			if diff := cmp.Diff(&tt.want, set.Scenarios[0].Outcome.Fault); diff != "" {
				t.Errorf("fault (-want +got):\n%s", diff)
			}
		})
	}
}

// LiqPay's own defaults load with LiqPay's vocabulary: the embedded file
// and the provider's words agree.
func TestParseLiqPayDefaults(t *testing.T) {
	t.Parallel()
	set, err := scenarios.Parse("defaults.yaml", liqpay.TestCardScenarios(), []scenarios.Vocabulary{liqpay.Vocabulary()})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Scenarios) == 0 {
		t.Fatal("no default scenarios")
	}
}

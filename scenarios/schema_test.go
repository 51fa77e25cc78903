package scenarios_test

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/scenarios"
)

// schema.json is for editors; the loader is the truth. These tests ask the
// loader what it accepts — through its own error messages — and hold the
// schema to it, so the two cannot drift.

// readSchema decodes schema.json.
func readSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("schema.json is not JSON: %v", err)
	}
	return s
}

// at follows a JSON pointer ("#/$defs/match") within the schema.
func at(t *testing.T, schema map[string]any, pointer string) map[string]any {
	t.Helper()
	cur := schema
	for _, part := range strings.Split(strings.TrimPrefix(pointer, "#"), "/")[1:] {
		next, ok := cur[part].(map[string]any)
		if !ok {
			t.Fatalf("schema has nothing at %s (stopped at %q)", pointer, part)
		}
		cur = next
	}
	return cur
}

var knownRE = regexp.MustCompile(`unknown key "zzz" \(known: ([^)]*)\)`)

// loaderKeys parses file, which has the unknown key zzz in one object, and
// returns the keys the loader's error lists as known there.
func loaderKeys(t *testing.T, file string) []string {
	t.Helper()
	_, err := scenarios.Parse("f.yaml", []byte(file), vocab)
	if err == nil {
		t.Fatalf("the loader accepted key zzz in:\n%s", file)
	}
	m := knownRE.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("no unknown-key error for zzz:\n%v\nfile:\n%s", err, file)
	}
	return strings.Split(m[1], ", ")
}

// objects are the mappings of the format: where the schema describes each,
// and a file with the unknown key zzz in it.
var objects = []struct {
	name, pointer, file string
}{
	{"file", "#", doc("version: 1", "provider: acme", "zzz: 1", "scenarios: []")},
	{"scenario", "#/$defs/scenario", header("  - name: a", "    zzz: 1", "    outcome: {status: success}")},
	{"match", "#/$defs/match", header("  - name: a", "    match: {zzz: 1}", "    outcome: {status: success}")},
	{"amount", "#/$defs/amountRange", header("  - name: a", "    match: {amount: {min: 1, zzz: 1}}", "    outcome: {status: success}")},
	{"regex", "#/$defs/regex", header("  - name: a", "    match: {card: {regex: x, zzz: 1}}", "    outcome: {status: success}")},
	{"outcome", "#/$defs/outcome", header("  - name: a", "    outcome: {status: success, zzz: 1}")},
	{"then", "#/$defs/then", header("  - name: a", "    outcome: {status: processing, then: [{after: 1m, status: success, zzz: 1}]}")},
	{"confirm", "#/$defs/confirm", header("  - name: a", "    outcome: {status: otp_verify, confirm: [{status: success, zzz: 1}]}")},
	{"fault", "#/$defs/fault", header("  - name: a", "    outcome: {fault: {type: reset, zzz: 1}}")},
	{"expectation", "#/$defs/expectation", doc("version: 1", "expect:", "  - {no_bad_signatures: true, zzz: 1}")},
	{"callbacks", "#/$defs/callbacks", header("  - name: a", "    outcome: {status: success, callbacks: {zzz: 1}}")},
}

func TestSchemaKeysAreTheLoaders(t *testing.T) {
	t.Parallel()
	schema := readSchema(t)
	for _, o := range objects {
		t.Run(o.name, func(t *testing.T) {
			def := at(t, schema, o.pointer)
			props, _ := def["properties"].(map[string]any)
			var keys []string
			for k := range props {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if diff := cmp.Diff(loaderKeys(t, o.file), keys); diff != "" {
				t.Errorf("%s: properties of %s (-loader +schema):\n%s", o.name, o.pointer, diff)
			}
			if def["additionalProperties"] != false {
				t.Errorf("%s: the loader rejects unknown keys, the schema at %s does not say additionalProperties: false", o.name, o.pointer)
			}
		})
	}
}

// Every object with properties in the schema is one the test above holds
// to the loader, and every $ref points somewhere.
func TestSchemaHasNoUncheckedObjects(t *testing.T) {
	t.Parallel()
	schema := readSchema(t)
	checked := map[string]bool{}
	for _, o := range objects {
		checked[o.pointer] = true
	}
	var walk func(pointer string, v any)
	walk = func(pointer string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				at(t, schema, ref)
			}
			if _, ok := v["properties"]; ok && !checked[pointer] && !strings.Contains(pointer, "/allOf/") {
				t.Errorf("schema object %s has properties the loader is not asked about", pointer)
			}
			for k, child := range v {
				walk(pointer+"/"+k, child)
			}
		case []any:
			for i, child := range v {
				walk(pointer+"/"+strconv.Itoa(i), child)
			}
		}
	}
	walk("#", schema)
	if got := schema["$schema"]; got != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", got)
	}
}

// The schema's enums and version are the loader's, read off its messages.
func TestSchemaEnumsAreTheLoaders(t *testing.T) {
	t.Parallel()
	schema := readSchema(t)
	enum := func(pointer string) []string {
		var out []string
		for _, v := range at(t, schema, pointer)["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	// "is not http, reset, hang or slow" → [http reset hang slow]
	listed := func(file, after string) []string {
		_, err := scenarios.Parse("f.yaml", []byte(file), vocab)
		if err == nil {
			t.Fatalf("the loader accepted:\n%s", file)
		}
		_, list, ok := strings.Cut(err.Error(), after)
		if !ok {
			t.Fatalf("no %q in %v", after, err)
		}
		return strings.Split(strings.Replace(list, " or ", ", ", 1), ", ")
	}
	tests := []struct {
		name, pointer string
		loader        []string
	}{
		{"fault.type", "#/$defs/fault/properties/type",
			listed(header("  - name: a", "    outcome: {fault: {type: zzz}}"), `fault.type "zzz" is not `)},
		{"signature", "#/$defs/callbacks/properties/signature",
			listed(header("  - name: a", "    outcome: {callbacks: {signature: zzz}}"), `signature "zzz" is not `)},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.loader, enum(tt.pointer)); diff != "" {
			t.Errorf("%s enum (-loader +schema):\n%s", tt.name, diff)
		}
	}
	if got := at(t, schema, "#/properties/version")["const"]; got != float64(scenarios.FormatVersion) {
		t.Errorf("schema version const = %v, want FormatVersion %d", got, scenarios.FormatVersion)
	}
}

// The schema's duration pattern accepts what the loader accepts: Go's
// durations, never negative.
func TestSchemaDurationPattern(t *testing.T) {
	t.Parallel()
	pattern := at(t, readSchema(t), "#/$defs/duration")["pattern"].(string)
	re, err := regexp.Compile(pattern)
	if err != nil {
		t.Fatalf("duration pattern %q: %v", pattern, err)
	}
	samples := []string{
		"0", "500ms", "90s", "1h", "1h30m", "1.5s", ".5s", "5.s", "+5s", "10m", "1us", "1µs", "1μs", "1ns",
		"", "-1s", "5", "5 s", "5sec", "1d", "s", ".s", "1h-30m", "0s", "00", "1.5.5s", "+",
	}
	for _, s := range samples {
		d, err := time.ParseDuration(s)
		loader := err == nil && d >= 0
		if got := re.MatchString(s); got != loader {
			t.Errorf("duration %q: schema accepts = %v, loader accepts = %v", s, got, loader)
		}
	}
}

package config_test

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/config"
)

// yamlKeys walks a struct type's yaml tags and returns every key a config
// file can hold, dotted, with [] for list elements: liqpay.merchants[].public_key.
func yamlKeys(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		key := prefix + name
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			out = append(out, yamlKeys(ft, key+".")...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			out = append(out, yamlKeys(ft.Elem(), key+"[].")...)
		default:
			out = append(out, key)
		}
	}
	return out
}

// referenceSection is the README's "## Configuration reference" section.
func referenceSection(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(readme), "\n## Configuration reference\n")
	if !ok {
		t.Fatal(`README has no "## Configuration reference" section`)
	}
	if end := strings.Index(sec, "\n## "); end >= 0 {
		sec = sec[:end]
	}
	return sec
}

// tableRows are the cells of the markdown table rows under a line
// starting with header, up to the first line that is not a table row.
func tableRows(t *testing.T, section, header string) [][]string {
	t.Helper()
	i := strings.Index(section, "\n"+header)
	if i < 0 {
		t.Fatalf("the configuration reference has no table starting %q", header)
	}
	var rows [][]string
	for n, line := range strings.Split(section[i+1:], "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		if n < 2 { // header and separator
			continue
		}
		var cells []string
		for _, c := range strings.Split(strings.Trim(line, "|"), "|") {
			cells = append(cells, strings.TrimSpace(c))
		}
		rows = append(rows, cells)
	}
	return rows
}

var code = regexp.MustCompile("`([^`]*)`")

// codeOf is the first `code` span of a cell, or "" (a dash).
func codeOf(cell string) string {
	if m := code.FindStringSubmatch(cell); m != nil {
		return m[1]
	}
	return ""
}

// The README's flag table lists exactly the flags serve has, each with its
// environment twin and, where the file has one, its config key.
func TestReferenceFlagTableMatchesTheFlags(t *testing.T) {
	keys := yamlKeys(reflect.TypeOf(config.Config{}), "")
	type row struct{ Flag, Env, Key string }
	var want, got []row
	for _, f := range config.Flags() {
		want = append(want, row{"--" + f.Name, f.Env, ""})
	}
	for _, cells := range tableRows(t, referenceSection(t), "| flag | environment | config key |") {
		if len(cells) < 3 {
			t.Fatalf("short row %v", cells)
		}
		r := row{codeOf(cells[0]), codeOf(cells[1]), codeOf(cells[2])}
		if r.Key != "" && !slices.Contains(keys, r.Key) {
			t.Errorf("%s: config key %q is not a key of the config file", r.Flag, r.Key)
		}
		r.Key = ""
		got = append(got, r)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README flag table vs config.Flags() (-code +README):\n%s", diff)
	}
}

// The README's key table lists exactly the keys of the config file, in the
// order of the Config struct.
func TestReferenceKeyTableMatchesTheConfigStruct(t *testing.T) {
	want := yamlKeys(reflect.TypeOf(config.Config{}), "")
	var got []string
	for _, cells := range tableRows(t, referenceSection(t), "| config key |") {
		got = append(got, codeOf(cells[0]))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README key table vs the Config struct's yaml tags (-code +README):\n%s", diff)
	}
}

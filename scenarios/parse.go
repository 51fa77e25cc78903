package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Error is one problem in a scenario file, with its position.
type Error struct {
	File         string
	Line, Column int
	Msg          string
}

func (e Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// Errors is every problem found in a file, in file order.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Vocabulary is what a provider tells the loader about itself, so a typo in
// a status or an action is an error at load time, not a silent no-match.
type Vocabulary struct {
	Provider string
	Statuses []string // every status an outcome may name
	Actions  []string // every action or payment method a match may name
	// DefaultActions are the actions a scenario without match.action
	// applies to (the charges): a status query or a refund is matched only
	// by a scenario that names it. Empty means every action.
	DefaultActions []string
}

// MaxFileSize bounds a scenario file; real ones are a few kilobytes.
const MaxFileSize = 1 << 20

// Parse reads one scenario file. vocab lists the providers scenarios may
// name. It returns every problem found, not just the first.
func Parse(file string, data []byte, vocab []Vocabulary) (*Set, error) {
	if len(data) > MaxFileSize {
		return nil, Errors{{File: file, Line: 1, Column: 1, Msg: "file larger than 1 MiB"}}
	}
	p := &parser{file: file, vocab: map[string]Vocabulary{}}
	for _, v := range vocab {
		p.vocab[v.Provider] = v
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{File: file, Line: 1, Column: 1, Msg: "empty file: want version and scenarios"}}
		}
		return nil, Errors{p.syntaxError(data, err)}
	}
	// One file, one document: a second one after "---" would otherwise be
	// ignored without a word.
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, Errors{p.syntaxError(data, err)}
		}
		return nil, Errors{{File: file, Line: max(next.Line, 1), Column: max(next.Column, 1),
			Msg: "a second YAML document: a scenario file holds one (remove the ---)"}}
	}
	if p.aliases(&root); len(p.errs) > 0 {
		return nil, p.sorted()
	}
	set := &Set{Name: file, Source: "file"}
	p.top(&root, set)
	if len(p.errs) > 0 {
		return nil, p.sorted()
	}
	return set, nil
}

// maxErrors bounds the report: past it, one more line says how many were left out.
const maxErrors = 100

func (p *parser) sorted() Errors {
	sort.SliceStable(p.errs, func(i, j int) bool {
		a, b := p.errs[i], p.errs[j]
		return a.Line < b.Line || (a.Line == b.Line && a.Column < b.Column)
	})
	if len(p.errs) > maxErrors {
		last := p.errs[maxErrors-1]
		more := len(p.errs) - maxErrors
		p.errs = append(p.errs[:maxErrors:maxErrors], Error{File: p.file, Line: last.Line, Column: last.Column,
			Msg: fmt.Sprintf("… and %d more errors", more)})
	}
	return p.errs
}

// aliases rejects YAML anchors' aliases: the loader reads values where they
// stand, and a clear error beats a misleading "must be a text".
func (p *parser) aliases(n *yaml.Node) {
	if n.Kind == yaml.AliasNode {
		p.errorf(n, "aliases (*%s) are not supported in scenario files: write the value out", n.Value)
		return
	}
	for _, c := range n.Content {
		p.aliases(c)
	}
}

type parser struct {
	file  string
	vocab map[string]Vocabulary
	errs  Errors
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError places a YAML syntax error. yaml.v3 names the line where the
// enclosing block starts, not where the mistake is; the mistake is on the
// first line whose inclusion makes the file fail the same way, so short
// files are searched for it.
func (p *parser) syntaxError(data []byte, err error) Error {
	line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	// The mistake is at or after the line yaml.v3 names (where its block
	// starts); each step re-parses a prefix, so the search is kept to
	// files of a sensible size.
	if len(lines) <= maxSearchLines && len(data) <= maxSearchBytes {
		for k := max(line, 1); k <= len(lines); k++ {
			if _, prefixMsg, failed := parseFails(bytes.Join(lines[:k], nil)); failed && prefixMsg == msg {
				line = k
				break
			}
		}
	}
	col := 1
	if line-1 < len(lines) {
		text := lines[line-1]
		col = len(text) - len(bytes.TrimLeft(text, " \t")) + 1
	}
	return Error{File: p.file, Line: line, Column: col, Msg: msg}
}

// maxSearchLines and maxSearchBytes bound the search for a syntax error's
// line: real scenario files are far smaller.
const (
	maxSearchLines = 1000
	maxSearchBytes = 64 << 10
)

// parseFails reports whether data fails to parse as YAML, and how.
func parseFails(data []byte) (int, string, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return 0, "", false
		}
		if err != nil {
			if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
				line, _ := strconv.Atoi(m[1])
				return line, m[2], true
			}
			return 1, strings.TrimPrefix(err.Error(), "yaml: "), true
		}
	}
}

func (p *parser) errorf(n *yaml.Node, format string, a ...any) {
	p.errs = append(p.errs, Error{File: p.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, a...)})
}

// fields walks a mapping: each known key goes to its handler; unknown and
// repeated keys are errors, so a typo never silently does nothing.
func (p *parser) fields(n *yaml.Node, what string, handlers map[string]func(*yaml.Node)) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping", what)
		return nil
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := seen[k.Value]; dup {
			p.errorf(k, "%s: %q given twice", what, k.Value)
			continue
		}
		seen[k.Value] = k
		h, ok := handlers[k.Value]
		if !ok {
			p.errorf(k, "%s: unknown key %q (known: %s)", what, k.Value, keyList(handlers))
			continue
		}
		h(v)
	}
	return seen
}

func keyList(m map[string]func(*yaml.Node)) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func (p *parser) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, "%s must be a text", what)
		return ""
	}
	return n.Value
}

func (p *parser) boolean(n *yaml.Node, what string) bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		p.errorf(n, "%s must be true or false", what)
	}
	return b
}

func (p *parser) integer(n *yaml.Node, what string, min, max int) int {
	var v int
	// The tag check keeps 1.5 from being quietly cut to 1.
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil || v < min || v > max {
		p.errorf(n, "%s must be a whole number from %d to %d", what, min, max)
	}
	return v
}

func (p *parser) number(n *yaml.Node, what string) *float64 {
	var v float64
	if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil || v != v {
		p.errorf(n, "%s must be a number", what)
		return nil
	}
	return &v
}

// duration reads "90s", "1h30m" (virtual or real time, by context).
func (p *parser) duration(n *yaml.Node, what string) time.Duration {
	d, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || d < 0 {
		p.errorf(n, "%s must be a duration such as 500ms, 90s or 1h", what)
		return 0
	}
	return d
}

// file reads the top level: version, an optional default provider, scenarios.
func (p *parser) top(root *yaml.Node, set *Set) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	var version int
	var provider string
	var list, expect *yaml.Node
	keys := p.fields(doc, "file", map[string]func(*yaml.Node){
		"version":   func(n *yaml.Node) { version = p.integer(n, "version", 1, 1000) },
		"provider":  func(n *yaml.Node) { provider = p.provider(n) },
		"scenarios": func(n *yaml.Node) { list = n },
		"expect":    func(n *yaml.Node) { expect = n }, // expect.go
	})
	if keys == nil {
		return
	}
	if _, ok := keys["version"]; !ok {
		p.errorf(doc, "version is missing (write version: %d)", FormatVersion)
	} else if version > FormatVersion {
		p.errorf(keys["version"], "version %d is newer than this mockpay reads (%d)", version, FormatVersion)
	}
	if expect != nil {
		defer func() { set.Expect = p.expectations(expect, provider, set.Scenarios) }()
	}
	if list == nil {
		if expect == nil { // a file of expectations alone needs no scenarios
			p.errorf(doc, "scenarios is missing")
		}
		return
	}
	if list.Kind != yaml.SequenceNode {
		p.errorf(list, "scenarios must be a list")
		return
	}
	names := map[string]int{}
	for _, n := range list.Content {
		sc := p.scenario(n, provider)
		if sc == nil {
			continue
		}
		if line, dup := names[sc.Name]; dup && sc.Name != "" {
			p.errorf(n, "scenario name %q is already used on line %d", sc.Name, line)
		}
		names[sc.Name] = n.Line
		set.Scenarios = append(set.Scenarios, sc)
	}
}

func (p *parser) provider(n *yaml.Node) string {
	v := p.str(n, "provider")
	if _, ok := p.vocab[v]; v != "" && !ok {
		p.errorf(n, "unknown provider %q (known: %s)", v, p.providers())
	}
	return v
}

func (p *parser) providers() string {
	var out []string
	for k := range p.vocab {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func (p *parser) scenario(n *yaml.Node, provider string) *Scenario {
	sc := &Scenario{Provider: provider, Line: n.Line}
	var matchNode, outcomeNode *yaml.Node
	keys := p.fields(n, "scenario", map[string]func(*yaml.Node){
		"name":        func(v *yaml.Node) { sc.Name = p.str(v, "name") },
		"description": func(v *yaml.Node) { sc.Description = p.str(v, "description") },
		"provider":    func(v *yaml.Node) { sc.Provider = p.provider(v) },
		"times":       func(v *yaml.Node) { sc.Times = p.integer(v, "times", 1, 1<<30) },
		"match":       func(v *yaml.Node) { matchNode = v },
		"outcome":     func(v *yaml.Node) { outcomeNode = v },
	})
	if keys == nil {
		return nil
	}
	if sc.Name == "" {
		p.errorf(n, "scenario needs a name")
	}
	if sc.Provider == "" {
		p.errorf(n, "scenario %q needs a provider (%s), here or at the top of the file", sc.Name, p.providers())
	}
	vocab := p.vocab[sc.Provider]
	if matchNode != nil {
		sc.Match = p.match(matchNode, vocab)
	}
	if outcomeNode == nil {
		p.errorf(n, "scenario %q needs an outcome", sc.Name)
	} else {
		sc.Outcome = p.outcome(outcomeNode, vocab)
	}
	return sc
}

package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
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

func (p *parser) match(n *yaml.Node, vocab Vocabulary) Match {
	var m Match
	sm := func(dst **StringMatch, what string, allowed []string) func(*yaml.Node) {
		return func(v *yaml.Node) { *dst = p.stringMatch(v, what, allowed) }
	}
	keys := p.fields(n, "match", map[string]func(*yaml.Node){
		"merchant":       sm(&m.Merchant, "merchant", nil),
		"action":         sm(&m.Action, "action", vocab.Actions),
		"method":         sm(&m.Method, "method", nil),
		"card":           sm(&m.Card, "card", nil),
		"bin":            sm(&m.BIN, "bin", nil),
		"last4":          sm(&m.Last4, "last4", nil),
		"currency":       sm(&m.Currency, "currency", nil),
		"country":        sm(&m.Country, "country", nil),
		"order_id":       sm(&m.OrderID, "order_id", nil),
		"idempotencyKey": sm(&m.OrderID, "idempotencyKey", nil),
		"description":    sm(&m.Description, "description", nil),
		"phone":          sm(&m.Phone, "phone", nil),
		"amount":         func(v *yaml.Node) { m.Amount = p.amountMatch(v) },
		"fields":         func(v *yaml.Node) { m.Fields = p.matchMap(v, "fields") },
	})
	if keys["order_id"] != nil && keys["idempotencyKey"] != nil {
		p.errorf(keys["idempotencyKey"], "order_id and idempotencyKey name the same field: give one")
	}
	return m
}

// matchMap reads {path: matcher, …}, refusing a path given twice.
func (p *parser) matchMap(v *yaml.Node, what string) map[string]*StringMatch {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, "%s must map field paths to values", what)
		return nil
	}
	out := map[string]*StringMatch{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := v.Content[i]
		if _, dup := out[k.Value]; dup {
			p.errorf(k, "%s: %q given twice", what, k.Value)
			continue
		}
		out[k.Value] = p.stringMatch(v.Content[i+1], what+"."+k.Value, nil)
	}
	return out
}

// stringMatch reads a text, a list of texts (any of them), or {regex: …}.
func (p *parser) stringMatch(n *yaml.Node, what string, allowed []string) *StringMatch {
	m := &StringMatch{}
	check := func(v *yaml.Node) {
		if allowed != nil && v.Value != "" && !contains(allowed, v.Value) {
			p.errorf(v, "%s %q is not one of %s", what, v.Value, strings.Join(sortedCopy(allowed), ", "))
		}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		m.Any = []string{p.str(n, what)}
		check(n)
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			p.errorf(n, "%s: an empty list matches nothing", what)
		}
		for _, v := range n.Content {
			m.Any = append(m.Any, p.str(v, what))
			check(v)
		}
	case yaml.MappingNode:
		keys := p.fields(n, what, map[string]func(*yaml.Node){
			"regex": func(v *yaml.Node) {
				re, err := regexp.Compile(p.str(v, what+".regex"))
				if err != nil {
					p.errorf(v, "%s.regex: %v", what, err)
					return
				}
				m.Regex = re
			},
		})
		if keys != nil && keys["regex"] == nil {
			p.errorf(n, "%s: write a text, a list of texts, or {regex: …}", what)
		}
	default:
		p.errorf(n, "%s: write a text, a list of texts, or {regex: …}", what)
	}
	return m
}

func sortedCopy(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (p *parser) amountMatch(n *yaml.Node) *AmountMatch {
	m := &AmountMatch{}
	if n.Kind == yaml.ScalarNode {
		m.Exact = p.number(n, "amount")
		return m
	}
	p.fields(n, "amount", map[string]func(*yaml.Node){
		"min": func(v *yaml.Node) { m.Min = p.number(v, "amount.min") },
		"max": func(v *yaml.Node) { m.Max = p.number(v, "amount.max") },
	})
	if m.Min != nil && m.Max != nil && *m.Min > *m.Max {
		p.errorf(n, "amount: min is above max")
	}
	return m
}

func (p *parser) status(n *yaml.Node, vocab Vocabulary) string {
	s := p.str(n, "status")
	if s != "" && vocab.Statuses != nil && !contains(vocab.Statuses, s) {
		p.errorf(n, "status %q is not a %s status (%s)", s, vocab.Provider, strings.Join(vocab.Statuses, ", "))
	}
	return s
}

func (p *parser) outcome(n *yaml.Node, vocab Vocabulary) Outcome {
	var o Outcome
	p.fields(n, "outcome", map[string]func(*yaml.Node){
		"status":  func(v *yaml.Node) { o.Status = p.status(v, vocab) },
		"code":    func(v *yaml.Node) { o.Code = p.str(v, "code") },
		"message": func(v *yaml.Node) { o.Message = p.str(v, "message") },
		"fields": func(v *yaml.Node) {
			var f map[string]any
			if v.Kind != yaml.MappingNode || v.Decode(&f) != nil {
				p.errorf(v, "fields must map field names to values")
				return
			}
			o.Fields = f
		},
		"then":      func(v *yaml.Node) { o.Then = p.transitions(v, vocab) },
		"confirm":   func(v *yaml.Node) { o.Confirm = p.confirmRules(v, vocab) },
		"delay":     func(v *yaml.Node) { o.Delay = p.duration(v, "delay") },
		"fault":     func(v *yaml.Node) { o.Fault = p.fault(v) },
		"callbacks": func(v *yaml.Node) { o.Callbacks = p.callbackRules(v, vocab) },
	})
	return o
}

func (p *parser) transitions(n *yaml.Node, vocab Vocabulary) []Transition {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "then must be a list of {after, status}")
		return nil
	}
	var out []Transition
	for _, v := range n.Content {
		var t Transition
		keys := p.fields(v, "then", map[string]func(*yaml.Node){
			"after":   func(x *yaml.Node) { t.After = p.duration(x, "after") },
			"status":  func(x *yaml.Node) { t.Status = p.status(x, vocab) },
			"code":    func(x *yaml.Node) { t.Code = p.str(x, "code") },
			"message": func(x *yaml.Node) { t.Message = p.str(x, "message") },
		})
		if keys != nil && (keys["after"] == nil || keys["status"] == nil) {
			p.errorf(v, "each then step needs after and status")
		}
		out = append(out, t)
	}
	return out
}

func (p *parser) confirmRules(n *yaml.Node, vocab Vocabulary) []ConfirmRule {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "confirm must be a list of {when, status}")
		return nil
	}
	var out []ConfirmRule
	for _, v := range n.Content {
		var r ConfirmRule
		keys := p.fields(v, "confirm", map[string]func(*yaml.Node){
			"when":    func(x *yaml.Node) { r.When = p.matchMap(x, "when") },
			"status":  func(x *yaml.Node) { r.Status = p.status(x, vocab) },
			"code":    func(x *yaml.Node) { r.Code = p.str(x, "code") },
			"message": func(x *yaml.Node) { r.Message = p.str(x, "message") },
			"then":    func(x *yaml.Node) { r.Then = p.transitions(x, vocab) },
		})
		if keys != nil && keys["status"] == nil {
			p.errorf(v, "each confirm rule needs a status")
		}
		out = append(out, r)
	}
	return out
}

func (p *parser) fault(n *yaml.Node) *Fault {
	f := &Fault{}
	keys := p.fields(n, "fault", map[string]func(*yaml.Node){
		"type": func(v *yaml.Node) {
			f.Kind = FaultKind(p.str(v, "fault.type"))
			switch f.Kind {
			case FaultHTTP, FaultReset, FaultHang, FaultSlow:
			default:
				p.errorf(v, "fault.type %q is not http, reset, hang or slow", f.Kind)
			}
		},
		"status":       func(v *yaml.Node) { f.Status = p.integer(v, "fault.status", 100, 599) },
		"body":         func(v *yaml.Node) { f.Body = p.str(v, "fault.body") },
		"content_type": func(v *yaml.Node) { f.ContentType = p.str(v, "fault.content_type") },
		"duration":     func(v *yaml.Node) { f.Duration = p.duration(v, "fault.duration") },
		"processed":    func(v *yaml.Node) { f.Processed = p.boolean(v, "fault.processed") },
	})
	if keys == nil {
		return nil
	}
	if keys["type"] == nil {
		p.errorf(n, "fault needs a type: http, reset, hang or slow")
	}
	if f.Kind == FaultHTTP && keys["status"] == nil {
		p.errorf(n, "an http fault needs a status")
	}
	known := f.Kind == FaultHTTP || f.Kind == FaultReset || f.Kind == FaultHang || f.Kind == FaultSlow
	if known && f.Kind != FaultHTTP && (keys["status"] != nil || keys["body"] != nil || keys["content_type"] != nil) {
		p.errorf(n, "status, body and content_type belong to http faults")
	}
	if (f.Kind == FaultHTTP || f.Kind == FaultReset) && keys["duration"] != nil {
		p.errorf(keys["duration"], "duration belongs to hang and slow faults")
	}
	if f.Kind == FaultSlow && keys["processed"] != nil && !f.Processed {
		p.errorf(keys["processed"], "a slow fault's answer is the real one, so it is always processed: remove processed: false")
	}
	if f.Duration > 10*time.Minute {
		p.errorf(keys["duration"], "fault.duration is capped at 10m")
	}
	// A slow answer is the real answer, trickling: the request was carried
	// out, whatever processed says.
	if f.Kind == FaultSlow {
		f.Processed = true
	}
	return f
}

func (p *parser) callbackRules(n *yaml.Node, vocab Vocabulary) []CallbackRule {
	if n.Kind == yaml.MappingNode {
		// One rule for every callback may be written without the list.
		n = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}, Line: n.Line, Column: n.Column}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "callbacks must be a rule or a list of rules")
		return nil
	}
	var out []CallbackRule
	for _, v := range n.Content {
		var r CallbackRule
		p.fields(v, "callbacks", map[string]func(*yaml.Node){
			"status":          func(x *yaml.Node) { r.Status = p.status(x, vocab) },
			"drop":            func(x *yaml.Node) { r.Drop = p.boolean(x, "drop") },
			"delay":           func(x *yaml.Node) { r.Delay = p.duration(x, "callbacks.delay") },
			"duplicate":       func(x *yaml.Node) { r.Duplicate = p.integer(x, "duplicate", 0, 100) },
			"unordered":       func(x *yaml.Node) { r.Unordered = p.boolean(x, "unordered") },
			"before_response": func(x *yaml.Node) { r.BeforeResponse = p.boolean(x, "before_response") },
			"signature": func(x *yaml.Node) {
				r.Signature = SignatureFault(p.str(x, "signature"))
				if r.Signature != SignatureWrong && r.Signature != SignatureForeign {
					p.errorf(x, "signature %q is not wrong or foreign", r.Signature)
				}
			},
			"url": func(x *yaml.Node) {
				r.URL = p.str(x, "url")
				if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					p.errorf(x, "url %q is not an http(s) URL", r.URL)
				}
			},
		})
		out = append(out, r)
	}
	return out
}

package scenarios

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

func (p *parser) status(n *yaml.Node, vocab Vocabulary) string {
	s := p.str(n, "status")
	if s != "" && vocab.Statuses != nil && !slices.Contains(vocab.Statuses, s) {
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

// list parses a sequence, item making one element of each entry; anything
// but a sequence is the error mustBe.
func list[T any](p *parser, n *yaml.Node, mustBe string, item func(v *yaml.Node) T) []T {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s", mustBe)
		return nil
	}
	var out []T
	for _, v := range n.Content {
		out = append(out, item(v))
	}
	return out
}

func (p *parser) transitions(n *yaml.Node, vocab Vocabulary) []Transition {
	return list(p, n, "then must be a list of {after, status}", func(v *yaml.Node) Transition {
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
		return t
	})
}

func (p *parser) confirmRules(n *yaml.Node, vocab Vocabulary) []ConfirmRule {
	return list(p, n, "confirm must be a list of {when, status}", func(v *yaml.Node) ConfirmRule {
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
		return r
	})
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
	return list(p, n, "callbacks must be a rule or a list of rules", func(v *yaml.Node) CallbackRule {
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
		return r
	})
}

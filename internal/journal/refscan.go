package journal

import (
	"encoding/json"

	"github.com/mockpay/mockpay/internal/jsonscan"
)

// The journal reads a handful of top-level fields (refDoc) of up to three
// JSON documents per request. encoding/json, decoding into refDoc, was 6–9 %
// of a request's CPU and a quarter of the journal's allocations
// (docs/benchmarks.md). scanRefs reads the same fields in one pass without
// reflection, for the documents it can read exactly as encoding/json would;
// it hands anything unusual (an escape or a non-ASCII byte in a field name
// or in a value it keeps, very deep nesting) back to encoding/json, and
// FuzzScanRefsMatchesDecoding holds the two to the same answers.

// refField is the index of a field of refDoc in refScanner.vals.
type refField int

const (
	fieldPaymentID refField = iota
	fieldOrderID
	fieldIdempotencyKey
	fieldReferenceID
	fieldAction
	fieldResult
	fieldErrCode
	fieldCount
	fieldNone refField = -1
)

// refFieldNames are refDoc's JSON names, by refField.
var refFieldNames = [fieldCount]string{"payment_id", "order_id", "idempotencyKey", "referenceId", "action", "result", "err_code"}

// maxScanDepth is how deep scanRefs follows nesting before handing the
// document to encoding/json (whose own limit is 10,000).
const maxScanDepth = 512

// scanVerdict is how a scan ended.
type scanVerdict int

const (
	scanOK       scanVerdict = iota
	scanInvalid              // not a valid JSON value: object would return nil
	scanFallback             // valid or not, only encoding/json can tell the answer
)

// scanRefs reads what object reads of b, which starts with '{'. ok is false
// when only encoding/json can answer.
func scanRefs(b []byte) (d *refDoc, ok bool) {
	s := refScanner{b: b}
	_, v := s.object(0, 1, true)
	switch v {
	case scanInvalid:
		return nil, true
	case scanFallback:
		return nil, false
	}
	d = &refDoc{}
	for f, val := range s.vals {
		if val == nil {
			continue
		}
		set := &d.PaymentID
		switch refField(f) {
		case fieldOrderID:
			set = &d.OrderID
		case fieldIdempotencyKey:
			set = &d.IdempotencyKey
		case fieldReferenceID:
			set = &d.ReferenceID
		case fieldAction:
			set = &d.Action
		case fieldResult:
			set = &d.Result
		case fieldErrCode:
			set = &d.ErrCode
		}
		*set = val
	}
	return d, true
}

// refScanner validates a JSON value and keeps the top-level refDoc fields:
// a string, a json.Number, or nil for any other value (which is how refDoc's
// readers treat a bool, an object, a list or null alike).
type refScanner struct {
	b    []byte
	vals [fieldCount]any
}

// object reads the object at i ('{'); top says its fields are refDoc's.
func (s *refScanner) object(i, depth int, top bool) (int, scanVerdict) {
	if depth > maxScanDepth {
		return i, scanFallback
	}
	i = jsonscan.Space(s.b, i+1)
	if i < len(s.b) && s.b[i] == '}' {
		return i + 1, scanOK
	}
	for {
		if i >= len(s.b) || s.b[i] != '"' {
			return i, scanInvalid
		}
		kEnd, plain, v := s.str(i)
		if v != scanOK {
			return kEnd, v
		}
		field := fieldNone
		if top {
			if !plain {
				// An escaped or non-ASCII name may still name a field
				// (encoding/json unescapes and folds it).
				return kEnd, scanFallback
			}
			field = refFieldOf(s.b[i+1 : kEnd-1])
		}
		i = jsonscan.Space(s.b, kEnd)
		if i >= len(s.b) || s.b[i] != ':' {
			return i, scanInvalid
		}
		i = jsonscan.Space(s.b, i+1)
		if field == fieldNone {
			i, v = s.value(i, depth)
		} else {
			i, v = s.keep(i, depth, field)
		}
		if v != scanOK {
			return i, v
		}
		i = jsonscan.Space(s.b, i)
		if i >= len(s.b) {
			return i, scanInvalid
		}
		switch s.b[i] {
		case '}':
			return i + 1, scanOK
		case ',':
			i = jsonscan.Space(s.b, i+1)
		default:
			return i, scanInvalid
		}
	}
}

// keep reads a top-level field's value and keeps it (the last one wins, as
// with encoding/json).
func (s *refScanner) keep(i, depth int, f refField) (int, scanVerdict) {
	if i < len(s.b) && s.b[i] == '"' {
		end, plain, v := s.str(i)
		if v != scanOK {
			return end, v
		}
		if !plain {
			return end, scanFallback // escapes, or bytes encoding/json may replace
		}
		s.vals[f] = string(s.b[i+1 : end-1])
		return end, scanOK
	}
	if i < len(s.b) && (s.b[i] == '-' || isDigit(s.b[i])) {
		end, v := s.number(i)
		if v == scanOK {
			s.vals[f] = json.Number(s.b[i:end])
		}
		return end, v
	}
	end, v := s.value(i, depth)
	s.vals[f] = nil
	return end, v
}

// value validates the value at i.
func (s *refScanner) value(i, depth int) (int, scanVerdict) {
	if i >= len(s.b) {
		return i, scanInvalid
	}
	switch c := s.b[i]; {
	case c == '{':
		return s.object(i, depth+1, false)
	case c == '[':
		return s.array(i, depth+1)
	case c == '"':
		end, _, v := s.str(i)
		return end, v
	case c == '-' || isDigit(c):
		return s.number(i)
	case c == 't':
		return s.literal(i, "true")
	case c == 'f':
		return s.literal(i, "false")
	case c == 'n':
		return s.literal(i, "null")
	}
	return i, scanInvalid
}

func (s *refScanner) array(i, depth int) (int, scanVerdict) {
	if depth > maxScanDepth {
		return i, scanFallback
	}
	i = jsonscan.Space(s.b, i+1)
	if i < len(s.b) && s.b[i] == ']' {
		return i + 1, scanOK
	}
	for {
		var v scanVerdict
		i, v = s.value(i, depth)
		if v != scanOK {
			return i, v
		}
		i = jsonscan.Space(s.b, i)
		if i >= len(s.b) {
			return i, scanInvalid
		}
		switch s.b[i] {
		case ']':
			return i + 1, scanOK
		case ',':
			i = jsonscan.Space(s.b, i+1)
		default:
			return i, scanInvalid
		}
	}
}

func (s *refScanner) literal(i int, word string) (int, scanVerdict) {
	end, ok := jsonscan.Literal(s.b, i, word)
	return end, verdict(ok)
}

// str validates the string at i ('"') and returns its end (after the
// closing quote); plain is true when it holds neither an escape nor a byte
// outside ASCII, so that its text is its value.
func (s *refScanner) str(i int) (end int, plain bool, v scanVerdict) {
	end, escaped, nonASCII, ok := jsonscan.String(s.b, i)
	return end, !escaped && !nonASCII, verdict(ok)
}

func (s *refScanner) number(i int) (int, scanVerdict) {
	end, ok := jsonscan.Number(s.b, i)
	return end, verdict(ok)
}

func verdict(ok bool) scanVerdict {
	if ok {
		return scanOK
	}
	return scanInvalid
}

// refFieldOf names the refDoc field an ASCII name stands for, compared as
// encoding/json compares a name with a struct's fields: exactly, or else
// ignoring case.
func refFieldOf(name []byte) refField {
	for f, want := range refFieldNames {
		if len(name) == len(want) && equalFoldASCII(name, want) {
			return refField(f)
		}
	}
	return fieldNone
}

func equalFoldASCII(a []byte, b string) bool {
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

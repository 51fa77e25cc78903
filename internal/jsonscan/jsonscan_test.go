package jsonscan

import (
	"encoding/json"
	"testing"
)

// Each piece, alone as a document, is valid exactly when encoding/json
// says so, and ends where the document does.
func TestPiecesAgreeWithEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`"plain"`, `"é"`, `"a\"b"`, `"\u00e9"`, `"\u00g9"`, `"\x"`, "\"tab\there\"", `"unterminated`, `"\`,
		`0`, `-0`, `12`, `012`, `1.`, `1.5`, `-`, `1e`, `1e+5`, `1E-05`, `-0.0e0`, `.5`, `+1`,
		`true`, `false`, `null`, `tru`, `nul`,
	} {
		b := []byte(doc)
		var end int
		var ok bool
		switch b[0] {
		case '"':
			end, _, _, ok = String(b, 0)
		case 't':
			end, ok = Literal(b, 0, "true")
		case 'f':
			end, ok = Literal(b, 0, "false")
		case 'n':
			end, ok = Literal(b, 0, "null")
		default:
			end, ok = Number(b, 0)
		}
		got := ok && Space(b, end) == len(b)
		if want := json.Valid(b); got != want {
			t.Errorf("%s: valid %v (end %d), encoding/json says %v", doc, got, end, want)
		}
	}
}

func TestStringTellsEscapesAndNonASCII(t *testing.T) {
	for _, tc := range []struct {
		doc               string
		escaped, nonASCII bool
	}{
		{`"abc"`, false, false}, {`"a\nb"`, true, false}, {`"café"`, false, true}, {`"\u00e9é"`, true, true},
	} {
		_, esc, non, ok := String([]byte(tc.doc), 0)
		if !ok || esc != tc.escaped || non != tc.nonASCII {
			t.Errorf("%s: escaped %v nonASCII %v ok %v", tc.doc, esc, non, ok)
		}
	}
}

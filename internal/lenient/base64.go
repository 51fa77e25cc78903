package lenient

import (
	"encoding/base64"
	"strings"
)

// encodings are the base64 alphabets LiqPay's data is read in: clients pad
// or not, and some use the URL alphabet.
var encodings = []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}

// Base64 decodes s in the first of the four base64 alphabets (standard or
// URL, padded or not) that reads it, after dropping spaces, tabs and line
// breaks (SDKs wrap long data).
func Base64(s string) ([]byte, error) {
	if strings.ContainsAny(s, " \t\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, s)
	}
	var err error
	for _, enc := range encodings {
		var raw []byte
		if raw, err = enc.DecodeString(s); err == nil {
			return raw, nil
		}
	}
	return nil, err
}

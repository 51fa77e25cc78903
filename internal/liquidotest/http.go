package liquidotest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// NewRequest builds a request to a Liquido endpoint as the SDKs send one:
// body goes as is when it is a string or []byte, JSON-encoded otherwise, and
// any body is sent as application/json; a nil body sends none. Both test
// suites use it, so a malformed body is spelled the same way in each.
func NewRequest(method, url string, body any) (*http.Request, error) {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

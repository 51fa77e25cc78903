// Package bundle is the file format of a run bundle: one merchant's run
// exported as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/),
// so browser devtools and HAR viewers open it, with mockpay's own data in
// "_"-prefixed fields, which HAR reserves for custom data and viewers
// ignore. GET /_mockpay/bundle writes one; `mockpay replay` reads it back.
package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Format and Version identify mockpay's extension (log._mockpay); a
// later build that changes its shape bumps Version.
const (
	Format  = "mockpay-bundle"
	Version = 1
)

// HAR is the whole file.
type HAR struct {
	Log Log `json:"log"`
}

// Log is HAR's log object.
type Log struct {
	Version string  `json:"version"` // "1.2"
	Creator Creator `json:"creator"`
	Pages   []any   `json:"pages"`
	Entries []Entry `json:"entries"`
	Comment string  `json:"comment,omitempty"`
	Mockpay *Run    `json:"_mockpay"`
}

// Creator names the program that wrote the file.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Entry is one request and its answer.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"` // ISO 8601 with milliseconds
	Time            float64  `json:"time"`            // ms
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	Cache           struct{} `json:"cache"`
	Timings         Timings  `json:"timings"`
	// Mockpay is the journal's own view of the exchange.
	Mockpay EntryExtra `json:"_mockpay"`
}

// EntryExtra is what the journal knows beyond HTTP.
type EntryExtra struct {
	ID        string          `json:"id"`
	VirtualAt time.Time       `json:"virtual_at,omitzero"`
	Route     string          `json:"route"`
	Action    string          `json:"action,omitempty"`
	Refs      []string        `json:"refs,omitempty"`
	Error     bool            `json:"error,omitempty"`
	ErrorCode string          `json:"error_code,omitempty"`
	Data      json.RawMessage `json:"request_data,omitempty"` // LiqPay's data, decoded (cards masked)
	Truncated bool            `json:"truncated,omitempty"`    // the journal kept only the start of a body
}

// NameValue is a header, query parameter or form field.
type NameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Request is HAR's request object.
type Request struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []NameValue `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	QueryString []NameValue `json:"queryString"`
	PostData    *PostData   `json:"postData,omitempty"`
	HeadersSize int         `json:"headersSize"` // -1: not known
	BodySize    int         `json:"bodySize"`
}

// PostData is a request body.
type PostData struct {
	MimeType string      `json:"mimeType"`
	Params   []NameValue `json:"params"`
	Text     string      `json:"text"`
}

// Response is HAR's response object.
type Response struct {
	Status      int         `json:"status"` // 0: no answer (a scripted dropped connection)
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []NameValue `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	Content     Content     `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
}

// Content is a response body.
type Content struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
}

// Timings splits Entry.Time; mockpay measures only the whole.
type Timings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// Run is mockpay's extension: what a replay needs beyond the exchanges.
type Run struct {
	Format         string    `json:"format"`  // Format
	Version        int       `json:"version"` // Version
	MockpayVersion string    `json:"mockpay_version"`
	Provider       string    `json:"provider"`
	Merchant       string    `json:"merchant"`
	Tenant         string    `json:"tenant"`
	Seed           int64     `json:"seed"`
	ExportedAt     time.Time `json:"exported_at"` // wall time
	VirtualNow     time.Time `json:"virtual_now"` // the merchant's clock at export
	// MerchantConfig is the merchant's configuration (config.LiqPayMerchant
	// or config.LiquidoMerchant): a replay must check its signatures.
	MerchantConfig json.RawMessage `json:"merchant_config"`
	// Made is set when the merchant was made through the control plane
	// (it is then in State's merchants part).
	Made       bool              `json:"made,omitempty"`
	Scenarios  []Scenarios       `json:"scenarios"`
	ClockMoves json.RawMessage   `json:"clock_moves"` // []ledger.Move
	Callbacks  json.RawMessage   `json:"callbacks"`   // []callback.Callback, with attempts
	State      json.RawMessage   `json:"state"`       // a state document (internal/state) of this merchant only
	Notes      map[string]string `json:"notes,omitempty"`
}

// Scenarios is one scenario set in force for the merchant.
type Scenarios struct {
	Name     string `json:"name"`
	Source   string `json:"source"` // default, file or runtime
	Merchant string `json:"merchant,omitempty"`
	// YAML is a file set's text as read at export (empty for default sets,
	// whose text is built into mockpay, and runtime sets, which are in
	// State's scenarios part).
	YAML string `json:"yaml,omitempty"`
}

// MaxSize bounds a bundle read back; a merchant's journal is capped, so
// real ones are far smaller.
const MaxSize = 256 << 20

// Read decodes and checks a bundle.
func Read(r io.Reader) (*HAR, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, errors.New("bundle larger than 256 MiB")
	}
	var h HAR
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("not a HAR file: %w", err)
	}
	run := h.Log.Mockpay
	switch {
	case h.Log.Version != "1.2":
		return nil, fmt.Errorf("HAR version %q, want 1.2", h.Log.Version)
	case run == nil:
		return nil, errors.New("a HAR file without log._mockpay: not a mockpay bundle (export one with mockpay bundle)")
	case run.Format != Format:
		return nil, fmt.Errorf("log._mockpay.format %q, want %q", run.Format, Format)
	case run.Version != Version:
		return nil, fmt.Errorf("bundle version %d, this build reads version %d", run.Version, Version)
	case run.Provider != "liqpay" && run.Provider != "liquido", run.Merchant == "":
		return nil, errors.New("log._mockpay names no merchant")
	case run.Tenant != run.Provider+":"+run.Merchant:
		return nil, fmt.Errorf("log._mockpay.tenant %q is not %s:%s", run.Tenant, run.Provider, run.Merchant)
	case len(run.State) == 0:
		return nil, errors.New("log._mockpay.state is missing")
	}
	return &h, nil
}

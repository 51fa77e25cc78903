// Package journal records every request mockpay answers and its response,
// per merchant, for the control plane's GET /_mockpay/journal and a
// payment's timeline. Card numbers are masked and CVVs removed before an
// entry is stored (package redact), in its bodies, headers, path and refs;
// credentials in headers are masked and headers named like a CVV dropped.
// Each merchant keeps its newest Max entries (1,000 by default); requests no
// merchant could be found for share one more such bucket.
package journal

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockpay/mockpay/internal/redact"
)

// DefaultMax is how many entries a merchant keeps when Options.Max is zero.
const DefaultMax = 1000

// Entry is one request and its response.
type Entry struct {
	ID        string    `json:"id"` // "req_" and a zero-padded sequence: ids sort in arrival order
	At        time.Time `json:"at"` // wall time the request arrived
	VirtualAt time.Time `json:"virtual_at,omitzero"`
	Provider  string    `json:"provider"` // liqpay, liquido, or "" for a path of neither
	Merchant  string    `json:"merchant,omitempty"`
	Tenant    string    `json:"tenant,omitempty"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Query     string    `json:"query,omitempty"`
	// Route is the route template that matched, or "unmatched".
	Route  string `json:"route"`
	Action string `json:"action,omitempty"` // LiqPay's action; Liquido's route
	// Refs are the payment ids and order ids the request or its answer
	// names; a payment's timeline selects by them.
	Refs              []string        `json:"refs,omitempty"`
	RequestHeaders    http.Header     `json:"request_headers"`
	RequestBody       string          `json:"request_body,omitempty"`
	RequestData       json.RawMessage `json:"request_data,omitempty"` // LiqPay's data, decoded
	RequestTruncated  bool            `json:"request_truncated,omitempty"`
	Status            int             `json:"status"` // 0: no answer (a scripted dropped connection)
	ResponseHeaders   http.Header     `json:"response_headers,omitempty"`
	ResponseBody      string          `json:"response_body,omitempty"`
	ResponseTruncated bool            `json:"response_truncated,omitempty"`
	DurationMS        float64         `json:"duration_ms"`
	// Error is set for a 4xx/5xx, for no answer at all, and for LiqPay's
	// HTTP 200 answers with "result":"error"; ErrorCode says which.
	Error     bool   `json:"error"`
	ErrorCode string `json:"error_code,omitempty"`
	Unmatched bool   `json:"unmatched"`
}

// Filter selects entries for List; zero fields match everything.
type Filter struct {
	Tenants   []string // any of these (nil: every tenant)
	Provider  string
	Path      string // prefix
	Status    int
	Errors    bool
	Unmatched bool
	Problems  bool      // errors or unmatched
	Since     time.Time // wall time
	Ref       string    // names this payment or order id (masked as Refs are: MaskRef)
}

func (f Filter) matches(e *Entry) bool {
	switch {
	case f.Provider != "" && e.Provider != f.Provider,
		f.Path != "" && !strings.HasPrefix(e.Path, f.Path),
		f.Status != 0 && e.Status != f.Status,
		f.Errors && !e.Error,
		f.Unmatched && !e.Unmatched,
		f.Problems && !e.Error && !e.Unmatched,
		!f.Since.IsZero() && e.At.Before(f.Since),
		f.Ref != "" && !slices.Contains(e.Refs, f.Ref):
		return false
	}
	return true
}

// MaskRef is a payment reference as entries store it in Refs: card
// numbers in it masked (an order id "o-4242424242424242" is kept as
// "o-424242******4242"), as in the stored bodies. List matches a
// Filter.Ref through it, so a ref given in clear still finds its entries.
func MaskRef(ref string) string { return redact.Text(ref) }

// Journal holds the entries; it is safe for concurrent use.
type Journal struct {
	max int

	mu      sync.Mutex
	seq     uint64
	tenants map[string][]*Entry // oldest first; "" for requests of no merchant
}

// New returns an empty journal keeping max entries per merchant (DefaultMax
// when max <= 0).
func New(max int) *Journal {
	if max <= 0 {
		max = DefaultMax
	}
	return &Journal{max: max, tenants: map[string][]*Entry{}}
}

// Max reports the per-merchant cap.
func (j *Journal) Max() int { return j.max }

// Add stores e, giving it its id, and forgets the merchant's oldest entry
// beyond the cap.
func (j *Journal) Add(e *Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.ID = formatID(j.seq)
	list := j.tenants[e.Tenant]
	if len(list) >= j.max {
		list[0] = nil
		list = list[1:]
	}
	j.tenants[e.Tenant] = append(list, e)
}

// List returns the entries f selects, newest first, from offset on, at most
// limit, with how many matched in all. Entries are never modified once
// added, so the pointers are safe to encode.
func (j *Journal) List(f Filter, offset, limit int) ([]*Entry, int) {
	f.Ref = MaskRef(f.Ref)
	j.mu.Lock()
	var match []*Entry
	visit := func(list []*Entry) {
		for _, e := range list {
			if f.matches(e) {
				match = append(match, e)
			}
		}
	}
	if f.Tenants != nil {
		for _, t := range f.Tenants {
			visit(j.tenants[t])
		}
	} else {
		for _, list := range j.tenants {
			visit(list)
		}
	}
	j.mu.Unlock()
	slices.SortFunc(match, func(a, b *Entry) int { return cmp.Compare(b.ID, a.ID) })
	total := len(match)
	match = match[min(offset, total):]
	return match[:min(limit, len(match))], total
}

// Get returns one entry by id.
func (j *Journal) Get(id string) (*Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, list := range j.tenants {
		for _, e := range list {
			if e.ID == id {
				return e, true
			}
		}
	}
	return nil, false
}

// Clear forgets the entries of tenants (every tenant when nil) and reports
// how many it forgot.
func (j *Journal) Clear(tenants []string) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	if tenants == nil {
		for _, list := range j.tenants {
			n += len(list)
		}
		j.tenants = map[string][]*Entry{}
		return n
	}
	for _, t := range tenants {
		n += len(j.tenants[t])
		delete(j.tenants, t)
	}
	return n
}

// ResetTenant forgets one tenant's entries ("" forgets every entry).
func (j *Journal) ResetTenant(tenant string) {
	if tenant == "" {
		j.Clear(nil)
		return
	}
	j.Clear([]string{tenant})
}

func formatID(seq uint64) string {
	var digits [20]byte
	n := strconv.AppendUint(digits[:0], seq, 10)
	var b strings.Builder // one allocation: every request gets an id
	b.Grow(len("req_") + max(12, len(n)))
	b.WriteString("req_")
	for range 12 - len(n) {
		b.WriteByte('0')
	}
	b.Write(n)
	return b.String()
}

package callback

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// StatePart saves and restores a Dispatcher's callbacks in a state file
// (internal/state.Part): every callback it still keeps, pending ones with
// their schedule, finished ones with their delivery log.
type StatePart struct {
	D *Dispatcher
	// Clock gives a tenant's scheduler; a tenant it does not know (nil)
	// had its merchant removed, and its callbacks are dropped.
	Clock func(tenant string) Scheduler
	// Signer rebuilds a Request.Sign from its SignSpec, by provider.
	Signer func(provider, tenant, spec string) func(at time.Time, body []byte) http.Header
}

// dispatcherState is the dispatcher's section of the state file.
type dispatcherState struct {
	Seq       uint64        `json:"seq"`
	Callbacks []recordState `json:"callbacks"` // enqueue order
}

type recordState struct {
	Seq       uint64            `json:"seq"`
	ID        string            `json:"id"`
	Tenant    string            `json:"tenant"`
	Provider  string            `json:"provider"`
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Header    http.Header       `json:"header"`
	SignSpec  string            `json:"sign_spec,omitempty"`
	Body      []byte            `json:"body"`
	OrderKey  string            `json:"order_key,omitempty"`
	Unordered bool              `json:"unordered,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
	Timeout   time.Duration     `json:"timeout"`
	Backoff   []time.Duration   `json:"backoff"`
	Created   time.Time         `json:"created"`
	FirstDue  time.Time         `json:"first_due"`
	Status    Status            `json:"status"`
	Queued    bool              `json:"queued,omitempty"`
	Next      time.Time         `json:"next,omitzero"`
	Tries     int               `json:"tries"`
	Numbered  int               `json:"numbered"`
	Attempts  []attemptState    `json:"attempts"`
}

type attemptState struct {
	Number     int           `json:"number"`
	At         time.Time     `json:"at"`
	Manual     bool          `json:"manual,omitempty"`
	ReqHeader  http.Header   `json:"request_header,omitempty"`
	Status     int           `json:"status,omitempty"`
	RespHeader http.Header   `json:"response_header,omitempty"`
	RespBody   string        `json:"response_body,omitempty"`
	Truncated  bool          `json:"truncated,omitempty"`
	Duration   time.Duration `json:"duration"`
	Err        string        `json:"error,omitempty"`
}

// Snapshot saves every callback kept. An attempt in flight is saved as not
// yet made: after a restore it is made again (a receiver may then see it
// twice, as webhook receivers must expect anyway).
func (p StatePart) Snapshot() (json.RawMessage, error) {
	d := p.D
	d.mu.Lock()
	st := dispatcherState{Seq: d.seq, Callbacks: []recordState{}}
	var recs []*record
	for _, t := range d.tenants {
		for _, r := range t.records {
			if !r.forgotten {
				recs = append(recs, r)
			}
		}
	}
	slices.SortFunc(recs, func(a, b *record) int { return cmp.Compare(a.seq, b.seq) })
	for _, r := range recs {
		rs := recordState{
			Seq: r.seq, ID: r.id, Tenant: r.t.name, Provider: r.provider, URL: r.url, Method: r.method,
			Header: r.header, SignSpec: r.signSpec, Body: r.body, OrderKey: r.orderKey, Unordered: r.unordered,
			Labels: r.labels, Timeout: r.policy.Timeout, Backoff: r.policy.Backoff, Created: r.created,
			FirstDue: r.firstDue, Status: r.status, Queued: r.queued, Next: r.next,
			Tries: r.tries, Numbered: r.numbered, Attempts: make([]attemptState, len(r.attempts)),
		}
		if r.status == StatusPending {
			rs.Tries, rs.Numbered = max(r.tries-r.running, 0), max(r.numbered-r.running, len(r.attempts))
		}
		for i, a := range r.attempts {
			rs.Attempts[i] = attemptState{Number: a.number, At: a.at, Manual: a.manual, ReqHeader: a.reqHeader,
				Status: a.status, RespHeader: a.respHeader, RespBody: a.respBody, Truncated: a.truncated,
				Duration: a.duration, Err: a.err}
		}
		st.Callbacks = append(st.Callbacks, rs)
	}
	d.mu.Unlock()
	return json.Marshal(st)
}

// Restore adds the saved callbacks to an empty dispatcher and re-arms the
// pending ones on their tenants' clocks: a scheduled retry at its time
// (at once if that passed while mockpay was stopped), a callback that was
// in flight at once, one waiting its turn behind another of its order key
// when that one finishes.
func (p StatePart) Restore(raw json.RawMessage) error {
	var st dispatcherState
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("callbacks: %w", err)
	}
	d := p.D
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.byID) > 0 {
		return fmt.Errorf("callbacks: restoring into a dispatcher that already has callbacks")
	}
	d.seq = max(d.seq, st.Seq)
	var pending []*record
	for _, rs := range st.Callbacks {
		var sched Scheduler
		if p.Clock != nil {
			sched = p.Clock(rs.Tenant)
		}
		if sched == nil {
			d.log.Warn("callback of an unknown tenant dropped on restore", "id", rs.ID, "tenant", rs.Tenant)
			continue
		}
		r := &record{
			seq: rs.Seq, id: rs.ID, provider: rs.Provider, url: rs.URL, method: rs.Method,
			header: rs.Header, signSpec: rs.SignSpec, body: rs.Body, orderKey: rs.OrderKey, unordered: rs.Unordered,
			labels: rs.Labels, policy: Policy{Timeout: rs.Timeout, Backoff: rs.Backoff}.orDefault(d.policy),
			sched: sched, created: rs.Created, firstDue: rs.FirstDue, status: rs.Status,
			tries: rs.Tries, numbered: rs.Numbered,
		}
		if r.header == nil {
			r.header = http.Header{}
		}
		if r.signSpec != "" && p.Signer != nil {
			r.sign = p.Signer(r.provider, rs.Tenant, r.signSpec)
		}
		for _, a := range rs.Attempts {
			r.attempts = append(r.attempts, attempt{number: a.Number, at: a.At, manual: a.Manual, reqHeader: a.ReqHeader,
				status: a.Status, respHeader: a.RespHeader, respBody: a.RespBody, truncated: a.Truncated,
				duration: a.Duration, err: a.Err})
		}
		t := d.tenant(rs.Tenant)
		r.t = t
		d.byID[r.id] = r
		t.records = append(t.records, r)
		d.seq = max(d.seq, r.seq)
		if r.status != StatusPending {
			d.finished(r)
			continue
		}
		if rs.Queued && r.orderKey != "" && !r.unordered {
			t.queues[r.orderKey] = append(t.queues[r.orderKey], r)
			r.queued = true
		}
		r.next = rs.Next
		pending = append(pending, r)
	}
	for _, r := range pending {
		if r.queued && r.t.queues[r.orderKey][0] != r {
			r.next = time.Time{}
			continue // its turn comes when the one before it finishes
		}
		at := r.next
		if at.IsZero() {
			at = r.firstDue
			if r.tries > 0 {
				at = r.sched.Now() // it was in flight when saved
			}
		}
		r.next = time.Time{}
		if !d.closed {
			d.schedule(r, at)
		}
	}
	for _, t := range d.tenants {
		d.retain(t)
	}
	return nil
}

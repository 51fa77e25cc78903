package callback

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreTiming leaves out what depends on the machine rather than the code.
var ignoreTiming = cmpopts.IgnoreFields(Attempt{}, "DurationMS", "ResponseHeader")

func TestDeliveredOn2xx(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		wantBody string
	}{
		{"200 with a body", http.StatusOK, "ok"},
		{"201", http.StatusCreated, "ok"},
		{"204 without a body", http.StatusNoContent, ""},
		{"299, the last 2xx", 299, "ok"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock(t)
			d := newDispatcher(t, Options{})
			rc := newReceiver(t, statuses(tc.status))
			header := http.Header{
				"Content-Type":      {"application/x-www-form-urlencoded"},
				"Liquido-Signature": {"sig-123"},
			}
			id := d.Enqueue(clk, Request{
				Tenant:   "liqpay:sandbox_i00000000",
				Provider: "liqpay",
				URL:      rc.URL + "/merchant/callback",
				Header:   header,
				Body:     []byte("data=eyJhIjoxfQ%3D%3D&signature=abc"),
				OrderKey: "order-1",
				Labels:   map[string]string{"order_id": "order-1", "status": "success"},
			})
			settle(t, d, "liqpay:sandbox_i00000000")

			reqs := rc.requests()
			if len(reqs) != 1 {
				t.Fatalf("receiver got %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.Method != http.MethodPost || got.Path != "/merchant/callback" {
				t.Errorf("receiver got %s %s, want POST /merchant/callback", got.Method, got.Path)
			}
			for k, v := range header {
				if diff := cmp.Diff(v, got.Header.Values(k)); diff != "" {
					t.Errorf("header %s (-sent +received):\n%s", k, diff)
				}
			}
			if got.Body != "data=eyJhIjoxfQ%3D%3D&signature=abc" {
				t.Errorf("receiver got body %q", got.Body)
			}

			want := Callback{
				ID:          id,
				Tenant:      "liqpay:sandbox_i00000000",
				Provider:    "liqpay",
				URL:         rc.URL + "/merchant/callback",
				Method:      http.MethodPost,
				Header:      header,
				Body:        "data=eyJhIjoxfQ%3D%3D&signature=abc",
				OrderKey:    "order-1",
				Labels:      map[string]string{"order_id": "order-1", "status": "success"},
				Status:      StatusDelivered,
				CreatedAt:   t0,
				MaxAttempts: 8,
				Attempts: []Attempt{{
					Number:         1,
					At:             t0,
					URL:            rc.URL + "/merchant/callback",
					Method:         http.MethodPost,
					Header:         header,
					Body:           "data=eyJhIjoxfQ%3D%3D&signature=abc",
					ResponseStatus: tc.status,
					ResponseBody:   tc.wantBody,
				}},
			}
			if diff := cmp.Diff(want, get(t, d, id), ignoreTiming); diff != "" {
				t.Errorf("callback (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnqueueCopiesTheRequest(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{})
	rc := newReceiver(t, statuses(200))
	header := http.Header{"X-A": {"1"}}
	body := []byte("original")
	labels := map[string]string{"k": "v"}
	id := d.Enqueue(clk, Request{URL: rc.URL, Header: header, Body: body, Labels: labels, Delay: time.Second})
	header.Set("X-A", "changed")
	copy(body, "CHANGED!")
	labels["k"] = "changed"
	clk.Advance(time.Second)
	settle(t, d, "")

	got := rc.requests()[0]
	if got.Header.Get("X-A") != "1" || got.Body != "original" {
		t.Errorf("receiver got X-A %q body %q, want what was enqueued", got.Header.Get("X-A"), got.Body)
	}
	if cb := get(t, d, id); cb.Labels["k"] != "v" {
		t.Errorf("labels = %v, want k=v", cb.Labels)
	}
}

func TestRetriesFollowTheVirtualClock(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{})
	rc := newReceiver(t, statuses(500, 500, 200))
	id := d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL})

	type step struct {
		advance  time.Duration
		attempts int
		next     time.Time
		status   Status
	}
	steps := []step{
		{0, 1, t0.Add(time.Second), StatusPending},
		{999 * time.Millisecond, 1, t0.Add(time.Second), StatusPending},
		{time.Millisecond, 2, t0.Add(6 * time.Second), StatusPending},
		{4 * time.Second, 2, t0.Add(6 * time.Second), StatusPending},
		{time.Second, 3, time.Time{}, StatusDelivered},
		{time.Hour, 3, time.Time{}, StatusDelivered},
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		settle(t, d, "t")
		cb := get(t, d, id)
		got := step{s.advance, len(cb.Attempts), cb.NextAttemptAt, cb.Status}
		if diff := cmp.Diff(s, got, cmp.AllowUnexported(step{})); diff != "" {
			t.Errorf("after step %d (-want +got):\n%s", i, diff)
		}
	}

	type result struct {
		At     time.Time
		Status int
	}
	var got []result
	for _, a := range get(t, d, id).Attempts {
		got = append(got, result{a.At, a.ResponseStatus})
	}
	want := []result{{t0, 500}, {t0.Add(time.Second), 500}, {t0.Add(6 * time.Second), 200}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attempts (-want +got):\n%s", diff)
	}
	if n := len(rc.requests()); n != 3 {
		t.Errorf("receiver got %d requests, want 3", n)
	}
}

func TestFailuresAreRetriedUntilTheyRunOut(t *testing.T) {
	failing := newReceiver(t, statuses(http.StatusInternalServerError))
	redirecting := newReceiver(t, statuses(http.StatusFound))
	hung := newReceiver(t, statuses(hang))
	tlsOnly := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsOnly.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are the point
	tlsOnly.StartTLS()
	t.Cleanup(tlsOnly.Close)

	tests := []struct {
		name       string
		url        string
		timeout    time.Duration // 5 s when zero: a TLS handshake under -race is slow
		wantStatus int
		wantError  string
	}{
		{"500 every time", failing.URL, 0, 500, ""},
		{"a redirect is not followed", redirecting.URL, 0, 302, ""},
		{"connection refused", refusedURL(t), 0, 0, "connection refused"},
		{"receiver hangs past the timeout", hung.URL, 200 * time.Millisecond, 0, "timeout: no complete answer within 200ms"},
		{"certificate not trusted", tlsOnly.URL, 0, 0, "certificate"},
		{"URL that cannot be parsed", "://no-scheme", 0, 0, "missing protocol scheme"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs logBuffer
			clk := newClock(t)
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			policy := Policy{Timeout: timeout, Backoff: []time.Duration{time.Second, 2 * time.Second}}
			d := newDispatcher(t, Options{Logger: logs.logger(), Policy: policy})
			id := d.Enqueue(clk, Request{Tenant: "t", Provider: "liquido", URL: tc.url, Body: []byte("secret-body")})
			playOut(t, d, clk, "t")

			cb := get(t, d, id)
			if cb.Status != StatusFailed {
				t.Errorf("status = %s, want failed", cb.Status)
			}
			var ats []time.Time
			for _, a := range cb.Attempts {
				ats = append(ats, a.At)
				if a.ResponseStatus != tc.wantStatus || !strings.Contains(a.Error, tc.wantError) ||
					(tc.wantError == "") != (a.Error == "") {
					t.Errorf("attempt %d: status %d error %q, want status %d error containing %q",
						a.Number, a.ResponseStatus, a.Error, tc.wantStatus, tc.wantError)
				}
			}
			want := []time.Time{t0, t0.Add(time.Second), t0.Add(3 * time.Second)}
			if diff := cmp.Diff(want, ats); diff != "" {
				t.Errorf("attempt times (-want +got):\n%s", diff)
			}

			out := logs.String()
			if n := strings.Count(out, `msg="callback attempt"`); n != 3 {
				t.Errorf("logged %d attempts, want 3:\n%s", n, out)
			}
			if !strings.Contains(out, `level=WARN msg="callback failed for good"`) {
				t.Errorf("no warning about the failed callback:\n%s", out)
			}
			if strings.Contains(out, "secret-body") {
				t.Errorf("a body was logged:\n%s", out)
			}
		})
	}
}

func TestAHungReceiverDelaysNothing(t *testing.T) {
	const n = 100
	var arrived atomic.Int32
	release := make(chan struct{})
	rc := newReceiver(t, func(int, received) int {
		arrived.Add(1)
		<-release
		return 200
	})
	clk := newClock(t)
	d := newDispatcher(t, Options{}) // the default 10 s timeout

	start := time.Now()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, OrderKey: strconv.Itoa(i)})
	}
	d.List(Filter{Tenant: "t"})
	get(t, d, ids[0])
	// Typically a millisecond; the bound leaves room for -race on a busy
	// machine and is still a tenth of the timeout the attempts hang in.
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("enqueueing %d callbacks to a hung receiver took %v", n, elapsed)
	} else {
		t.Logf("enqueued %d callbacks to a hung receiver in %v", n, elapsed)
	}

	// All of them reach the receiver at once: no small pool serialises them.
	deadline := time.Now().Add(5 * time.Second)
	for arrived.Load() < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := arrived.Load(); got != n {
		t.Errorf("%d requests hung at the receiver at once, want %d", got, n)
	}
	close(release)
	settle(t, d, "t")
	if got := d.List(Filter{Tenant: "t", Status: StatusDelivered}); len(got) != n {
		t.Errorf("%d delivered, want %d", len(got), n)
	}
}

func TestOrdering(t *testing.T) {
	req := func(body, key string) Request {
		return Request{Tenant: "t", Body: []byte(body), OrderKey: key}
	}
	tests := []struct {
		name  string
		reqs  []Request
		fails map[string]int // body → how many attempts fail before a 200
		steps []time.Duration
		// wantPhases lists what arrived after enqueueing and after each
		// step, sorted: concurrent deliveries arrive in any order.
		wantPhases [][]string
		// wantByKey is the exact arrival order per OrderKey.
		wantByKey map[string][]string
	}{
		{
			name:       "the second waits for the first, through its retries",
			reqs:       []Request{req("a1", "k"), req("a2", "k")},
			fails:      map[string]int{"a1": 2},
			steps:      []time.Duration{time.Second, 5 * time.Second},
			wantPhases: [][]string{{"a1"}, {"a1"}, {"a1", "a2"}},
			wantByKey:  map[string][]string{"k": {"a1", "a1", "a1", "a2"}},
		},
		{
			name: "a head that fails for good lets the next go",
			reqs: []Request{
				{Tenant: "t", Body: []byte("a1"), OrderKey: "k", Policy: Policy{Backoff: []time.Duration{time.Second}}},
				req("a2", "k"),
			},
			fails:      map[string]int{"a1": 99},
			steps:      []time.Duration{time.Second},
			wantPhases: [][]string{{"a1"}, {"a1", "a2"}},
			wantByKey:  map[string][]string{"k": {"a1", "a1", "a2"}},
		},
		{
			name:       "several in a row arrive in order",
			reqs:       []Request{req("a1", "k"), req("a2", "k"), req("a3", "k")},
			wantPhases: [][]string{{"a1", "a2", "a3"}},
			wantByKey:  map[string][]string{"k": {"a1", "a2", "a3"}},
		},
		{
			name:       "different keys are independent",
			reqs:       []Request{req("a1", "k1"), req("b1", "k2"), req("a2", "k1")},
			fails:      map[string]int{"a1": 1},
			steps:      []time.Duration{time.Second},
			wantPhases: [][]string{{"a1", "b1"}, {"a1", "a2"}},
			wantByKey:  map[string][]string{"k1": {"a1", "a1", "a2"}, "k2": {"b1"}},
		},
		{
			name:       "tenants do not share keys",
			reqs:       []Request{req("a1", "k"), {Tenant: "other", Body: []byte("b1"), OrderKey: "k"}},
			fails:      map[string]int{"a1": 1},
			steps:      []time.Duration{time.Second},
			wantPhases: [][]string{{"a1", "b1"}, {"a1"}},
		},
		{
			name:       "unordered skips the queue",
			reqs:       []Request{req("a1", "k"), {Tenant: "t", Body: []byte("a2"), OrderKey: "k", Unordered: true}},
			fails:      map[string]int{"a1": 1},
			steps:      []time.Duration{time.Second},
			wantPhases: [][]string{{"a1", "a2"}, {"a1"}},
		},
		{
			name:       "no key means no order",
			reqs:       []Request{req("a1", ""), req("a2", "")},
			fails:      map[string]int{"a1": 1},
			steps:      []time.Duration{time.Second},
			wantPhases: [][]string{{"a1", "a2"}, {"a1"}},
		},
		{
			name: "a delayed head holds back the next",
			reqs: []Request{
				{Tenant: "t", Body: []byte("a1"), OrderKey: "k", Delay: 10 * time.Second},
				req("a2", "k"),
			},
			steps:      []time.Duration{9 * time.Second, time.Second},
			wantPhases: [][]string{nil, nil, {"a1", "a2"}},
			wantByKey:  map[string][]string{"k": {"a1", "a2"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			seen := map[string]int{}
			rc := newReceiver(t, func(_ int, got received) int {
				mu.Lock()
				defer mu.Unlock()
				seen[got.Body]++
				if seen[got.Body] <= tc.fails[got.Body] {
					return 500
				}
				return 200
			})
			clk := newClock(t)
			d := newDispatcher(t, Options{})
			key := map[string]string{}
			for _, r := range tc.reqs {
				r.URL = rc.URL
				d.Enqueue(clk, r)
				key[string(r.Body)] = r.OrderKey
			}

			var phases [][]string
			done := 0
			record := func() {
				settle(t, d, "")
				all := rc.bodies()
				phase := slices.Clone(all[done:])
				slices.Sort(phase)
				phases = append(phases, phase)
				done = len(all)
			}
			record()
			for _, s := range tc.steps {
				clk.Advance(s)
				record()
			}
			if diff := cmp.Diff(tc.wantPhases, phases, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("arrivals per phase (-want +got):\n%s", diff)
			}
			byKey := map[string][]string{}
			for _, b := range rc.bodies() {
				if k := key[b]; k != "" {
					byKey[k] = append(byKey[k], b)
				}
			}
			if tc.wantByKey != nil {
				if diff := cmp.Diff(tc.wantByKey, byKey); diff != "" {
					t.Errorf("arrival order per key (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestDelay(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{})
	rc := newReceiver(t, statuses(200))
	id := d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Delay: 30 * time.Second})

	settle(t, d, "t")
	if cb := get(t, d, id); cb.Status != StatusPending || !cb.NextAttemptAt.Equal(t0.Add(30*time.Second)) {
		t.Errorf("before the delay: status %s next %v, want pending at t0+30s", cb.Status, cb.NextAttemptAt)
	}
	if next, ok := d.NextAttemptAt("t"); !ok || !next.Equal(t0.Add(30*time.Second)) {
		t.Errorf("NextAttemptAt(t) = %v, %v; want t0+30s", next, ok)
	}
	if next, ok := d.NextAttemptAt("other"); ok {
		t.Errorf("NextAttemptAt(other) = %v, want none", next)
	}
	clk.Advance(29 * time.Second)
	settle(t, d, "t")
	if n := len(rc.requests()); n != 0 {
		t.Fatalf("receiver got %d requests before the delay ran out", n)
	}
	clk.Advance(time.Second)
	settle(t, d, "t")
	cb := get(t, d, id)
	if cb.Status != StatusDelivered || len(cb.Attempts) != 1 || !cb.Attempts[0].At.Equal(t0.Add(30*time.Second)) {
		t.Errorf("after the delay: %+v, want delivered once at t0+30s", cb)
	}
}

func TestRedeliver(t *testing.T) {
	once := Policy{Backoff: []time.Duration{}}
	tests := []struct {
		name       string
		policy     Policy
		statuses   []int // the receiver's answers in turn
		wantStatus Status
		wantNext   time.Time
		want       []int // response status per attempt
	}{
		{"a failed callback is delivered", once, []int{500, 200}, StatusDelivered, time.Time{}, []int{500, 200}},
		{"a delivered callback is sent again", once, []int{200, 200}, StatusDelivered, time.Time{}, []int{200, 200}},
		{"a failing redelivery leaves it delivered", once, []int{200, 500}, StatusDelivered, time.Time{}, []int{200, 500}},
		{"a failed one stays failed if it fails again", once, []int{500}, StatusFailed, time.Time{}, []int{500, 500}},
		{"a pending one keeps its schedule", Policy{}, []int{500}, StatusPending, t0.Add(time.Second), []int{500, 500}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock(t)
			d := newDispatcher(t, Options{})
			rc := newReceiver(t, statuses(tc.statuses...))
			id := d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Policy: tc.policy})
			settle(t, d, "t")
			if _, err := d.Redeliver(id); err != nil {
				t.Fatal(err)
			}
			settle(t, d, "t")

			cb := get(t, d, id)
			var got []int
			for i, a := range cb.Attempts {
				got = append(got, a.ResponseStatus)
				if a.Number != i+1 || a.Redelivery != (i == 1) {
					t.Errorf("attempt %d: number %d redelivery %v", i, a.Number, a.Redelivery)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("attempts (-want +got):\n%s", diff)
			}
			if cb.Status != tc.wantStatus || !cb.NextAttemptAt.Equal(tc.wantNext) {
				t.Errorf("status %s next %v, want %s next %v", cb.Status, cb.NextAttemptAt, tc.wantStatus, tc.wantNext)
			}
		})
	}

	t.Run("an unknown id is an error", func(t *testing.T) {
		d := newDispatcher(t, Options{})
		if _, err := d.Redeliver("cb_nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})

	t.Run("a queued callback goes out of turn and leaves the queue", func(t *testing.T) {
		clk := newClock(t)
		d := newDispatcher(t, Options{})
		rc := newReceiver(t, func(_ int, got received) int {
			if got.Body == "first" {
				return 500
			}
			return 200
		})
		first := d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Body: []byte("first"), OrderKey: "k"})
		second := d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Body: []byte("second"), OrderKey: "k"})
		settle(t, d, "t")
		if _, err := d.Redeliver(second); err != nil {
			t.Fatal(err)
		}
		settle(t, d, "t")
		if cb := get(t, d, second); cb.Status != StatusDelivered {
			t.Errorf("second: %s, want delivered", cb.Status)
		}
		playOut(t, d, clk, "t")
		if cb := get(t, d, first); cb.Status != StatusFailed {
			t.Errorf("first: %s, want failed", cb.Status)
		}
		if n := strings.Count(strings.Join(rc.bodies(), " "), "second"); n != 1 {
			t.Errorf("second was sent %d times, want once: not again when its turn came", n)
		}
	})
}

func TestList(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{Policy: Policy{Backoff: []time.Duration{}}})
	ok := newReceiver(t, statuses(200))
	bad := newReceiver(t, statuses(500))
	enqueue := func(tenant, provider, url string, delay time.Duration, labels map[string]string) string {
		return d.Enqueue(clk, Request{Tenant: tenant, Provider: provider, URL: url, Delay: delay, Labels: labels})
	}
	a1 := enqueue("liqpay:a", "liqpay", ok.URL, 0, map[string]string{"order_id": "o1", "status": "success"})
	a2 := enqueue("liqpay:a", "liqpay", bad.URL, 0, map[string]string{"order_id": "o1", "status": "reversed"})
	a3 := enqueue("liqpay:a", "liqpay", ok.URL, time.Hour, map[string]string{"order_id": "o2", "status": "success"})
	b1 := enqueue("liquido:b", "liquido", ok.URL, 0, map[string]string{"payment_id": "p1"})
	settle(t, d, "")

	tests := []struct {
		name   string
		filter Filter
		want   []string
	}{
		{"everything, oldest first", Filter{}, []string{a1, a2, a3, b1}},
		{"one tenant", Filter{Tenant: "liqpay:a"}, []string{a1, a2, a3}},
		{"unknown tenant", Filter{Tenant: "nobody"}, nil},
		{"one label", Filter{Labels: map[string]string{"order_id": "o1"}}, []string{a1, a2}},
		{"two labels", Filter{Labels: map[string]string{"order_id": "o1", "status": "reversed"}}, []string{a2}},
		{"a label nobody has", Filter{Labels: map[string]string{"payment_id": "o1"}}, nil},
		{"delivered", Filter{Status: StatusDelivered}, []string{a1, b1}},
		{"failed", Filter{Status: StatusFailed}, []string{a2}},
		{"pending", Filter{Status: StatusPending}, []string{a3}},
		{"provider", Filter{Provider: "liquido"}, []string{b1}},
		{"tenant and status", Filter{Tenant: "liqpay:a", Status: StatusDelivered}, []string{a1}},
		{"the newest two", Filter{Limit: 2}, []string{a3, b1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, cb := range d.List(tc.filter) {
				got = append(got, cb.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetentionDropsTheOldestFinished(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{MaxRecordsPerTenant: 3})
	rc := newReceiver(t, statuses(200))
	waiting := d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Delay: time.Hour})
	var delivered []string
	for range 4 {
		delivered = append(delivered, d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL}))
		settle(t, d, "t")
	}
	other := d.Enqueue(clk, Request{Tenant: "other", URL: rc.URL})
	settle(t, d, "")

	var got []string
	for _, cb := range d.List(Filter{}) {
		got = append(got, cb.ID)
	}
	want := []string{waiting, delivered[2], delivered[3], other}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if _, ok := d.Get(delivered[0]); ok {
		t.Errorf("Get(%s) found a dropped callback", delivered[0])
	}
}

func TestReset(t *testing.T) {
	clkA, clkB := newClock(t), newClock(t)
	d := newDispatcher(t, Options{})
	rc := newReceiver(t, func(_ int, got received) int {
		if got.Body == "hang" {
			return hang
		}
		return 200
	})
	a := d.Enqueue(clkA, Request{Tenant: "a", URL: rc.URL, Body: []byte("a"), Delay: time.Minute})
	d.Enqueue(clkA, Request{Tenant: "a", URL: rc.URL, Body: []byte("hang")})
	b := d.Enqueue(clkB, Request{Tenant: "b", URL: rc.URL, Body: []byte("b"), Delay: time.Minute})

	d.Reset("a")
	// The hung attempt is cancelled, not left to its 10 s timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := d.Settle(ctx, "a"); err != nil {
		t.Fatalf("Settle after Reset: %v", err)
	}
	if got := d.List(Filter{Tenant: "a"}); len(got) != 0 {
		t.Errorf("tenant a still lists %d callbacks", len(got))
	}
	if _, ok := d.Get(a); ok {
		t.Errorf("Get(%s) found a reset callback", a)
	}
	if n := clkA.Pending(); n != 0 {
		t.Errorf("tenant a's clock still has %d timers", n)
	}

	clkA.Advance(time.Minute)
	clkB.Advance(time.Minute)
	settle(t, d, "")
	if diff := cmp.Diff([]string{"b"}, slices.DeleteFunc(rc.bodies(), func(s string) bool { return s == "hang" })); diff != "" {
		t.Errorf("delivered after reset (-want +got):\n%s", diff)
	}
	if cb := get(t, d, b); cb.Status != StatusDelivered {
		t.Errorf("tenant b: %s, want delivered", cb.Status)
	}

	// A tenant starts afresh after a reset.
	again := d.Enqueue(clkA, Request{Tenant: "a", URL: rc.URL, Body: []byte("a")})
	settle(t, d, "a")
	if cb := get(t, d, again); cb.Status != StatusDelivered {
		t.Errorf("after reset: %s, want delivered", cb.Status)
	}
}

func TestSettle(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{})
	rc := newReceiver(t, statuses(hang))
	d.Enqueue(clk, Request{Tenant: "a", URL: rc.URL})

	if err := d.Settle(context.Background(), "b"); err != nil {
		t.Errorf("Settle of an idle tenant: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := d.Settle(ctx, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Settle of a hung tenant = %v, want DeadlineExceeded", err)
	}
	if err := d.Settle(ctx, ""); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Settle of every tenant = %v, want DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Settle took %v to notice its context ended", elapsed)
	}
}

func TestClose(t *testing.T) {
	clk := newClock(t)
	d := New(Options{})
	rc := newReceiver(t, func(_ int, got received) int {
		if got.Body == "hang" {
			return hang
		}
		return 200
	})
	delivered := d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Body: []byte("ok")})
	settle(t, d, "")
	d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Body: []byte("later"), Delay: time.Minute})
	d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Body: []byte("hang")})

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if pending := d.Close(ctx); pending != 2 {
		t.Errorf("Close reported %d pending, want 2 (the delayed one and the hung one)", pending)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Close took %v with a 200ms context", elapsed)
	}

	after := d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Body: []byte("after")})
	clk.Advance(time.Hour)
	settle(t, d, "")
	if diff := cmp.Diff([]string{"ok", "hang"}, rc.bodies()); diff != "" {
		t.Errorf("sent after Close (-want +got):\n%s", diff)
	}
	if cb := get(t, d, after); cb.Status != StatusPending {
		t.Errorf("enqueued after Close: %s, want pending", cb.Status)
	}
	if _, err := d.Redeliver(delivered); !errors.Is(err, ErrClosed) {
		t.Errorf("Redeliver after Close = %v, want ErrClosed", err)
	}
	if pending := d.Close(context.Background()); pending != 3 {
		t.Errorf("second Close reported %d pending, want 3", pending)
	}
}

func TestCallbackJSON(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{})
	rc := newReceiver(t, statuses(200))
	done := d.Enqueue(clk, Request{Tenant: "t", Provider: "liqpay", URL: rc.URL, Body: []byte("b"), Labels: map[string]string{"order_id": "o1"}})
	later := d.Enqueue(clk, Request{Tenant: "t", URL: rc.URL, Delay: 1500 * time.Millisecond})
	settle(t, d, "t")

	decode := func(id string) map[string]any {
		t.Helper()
		raw, err := json.Marshal(get(t, d, id))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}

	m := decode(done)
	if _, ok := m["next_attempt_at"]; ok {
		t.Errorf("next_attempt_at present on a delivered callback: %v", m["next_attempt_at"])
	}
	for k, want := range map[string]any{
		"id": done, "tenant": "t", "provider": "liqpay", "status": "delivered", "body": "b",
		"created_at": "2024-03-01T12:00:00Z", "labels": map[string]any{"order_id": "o1"}, "max_attempts": 8.0,
	} {
		if diff := cmp.Diff(want, m[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	attempt := m["attempts"].([]any)[0].(map[string]any)
	for _, k := range []string{"number", "at", "url", "method", "request_headers", "request_body", "response_status", "response_body", "duration_ms"} {
		if _, ok := attempt[k]; !ok {
			t.Errorf("attempt lacks %q: %v", k, attempt)
		}
	}

	if got := decode(later)["next_attempt_at"]; got != "2024-03-01T12:00:01.5Z" {
		t.Errorf("next_attempt_at = %v, want RFC 3339 with fractional seconds", got)
	}
	if got := decode(later)["attempts"]; !cmp.Equal(got, []any{}) {
		t.Errorf("attempts of a waiting callback = %v, want []", got)
	}
}

func TestLongResponsesAreTruncated(t *testing.T) {
	clk := newClock(t)
	d := newDispatcher(t, Options{})
	long := strings.Repeat("é", 3000) // two bytes each: the 4 KiB cut falls inside no rune
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("x" + long))
	}))
	t.Cleanup(rc.Close)
	id := d.Enqueue(clk, Request{URL: rc.URL})
	settle(t, d, "")
	a := get(t, d, id).Attempts[0]
	if !a.ResponseTruncated || len(a.ResponseBody) != maxResponseBody-1 || !strings.HasPrefix(a.ResponseBody, "xé") {
		t.Errorf("response body of %d bytes, truncated %v; want %d bytes cut before a split rune",
			len(a.ResponseBody), a.ResponseTruncated, maxResponseBody-1)
	}
}

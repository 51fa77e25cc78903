package callback

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// OnAttempt runs outside the dispatcher's lock (it may even read the
// dispatcher), before the attempt stops counting as in flight, and is
// handed the callback without headers and bodies.
func TestOnAttemptRunsOutsideTheLockWithASummary(t *testing.T) {
	clk := newClock(t)
	var mu sync.Mutex
	var got []Callback
	var d *Dispatcher
	d = newDispatcher(t, Options{OnAttempt: func(c Callback) {
		// Under the lock this would deadlock; the test's timeout shows it.
		if _, ok := d.Get(c.ID); !ok {
			t.Errorf("OnAttempt: Get(%q) found nothing", c.ID)
		}
		mu.Lock()
		got = append(got, c)
		mu.Unlock()
	}})
	rc := newReceiver(t, func(int, received) int { return http.StatusOK })
	id := d.Enqueue(clk, Request{Tenant: "m", Provider: "liqpay", URL: rc.URL, Body: []byte("data=secret"),
		Header: http.Header{"X-Sig": {"s"}}, Labels: map[string]string{"order": "o1"}})
	done := make(chan struct{})
	go func() { settle(t, d, "m"); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Settle did not return: OnAttempt blocked on the dispatcher")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("OnAttempt called %d times before Settle returned, want 1", len(got))
	}
	c := got[0]
	if c.Body != "" || c.Header != nil {
		t.Errorf("OnAttempt was handed body %q, header %v; want neither", c.Body, c.Header)
	}
	if len(c.Attempts) != 1 || c.Attempts[0].Body != "" || c.Attempts[0].Header != nil || c.Attempts[0].ResponseBody != "" {
		t.Errorf("OnAttempt's attempts carry payloads: %+v", c.Attempts)
	}
	full := get(t, d, id)
	want := Callback{ID: full.ID, Tenant: "m", Provider: "liqpay", URL: rc.URL, Method: full.Method, Labels: full.Labels,
		Status: StatusDelivered, CreatedAt: full.CreatedAt, MaxAttempts: full.MaxAttempts,
		Attempts: []Attempt{{Number: 1, At: full.Attempts[0].At, URL: rc.URL, Method: full.Method,
			ResponseStatus: http.StatusOK, DurationMS: c.Attempts[0].DurationMS}}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("OnAttempt's summary (-want +got):\n%s", diff)
	}
}

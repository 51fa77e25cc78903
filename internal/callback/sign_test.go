package callback

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A signature that carries a timestamp is made when each attempt is sent:
// a retry is signed at its own virtual time, and the log shows what was sent.
func TestSignIsCalledForEachAttemptAtItsVirtualTime(t *testing.T) {
	rc := newReceiver(t, statuses(500, 200))
	c := newClock(t)
	d := newDispatcher(t, Options{})
	id := d.Enqueue(c, Request{
		Tenant: "t", URL: rc.URL, Body: []byte("{}"),
		Header: http.Header{"Content-Type": {"application/json"}},
		Sign: func(at time.Time, body []byte) http.Header {
			return http.Header{"X-Signed-At": {at.Sub(t0).String() + " " + string(body)}}
		},
	})
	playOut(t, d, c, "t")

	var sent, logged []string
	for _, r := range rc.requests() {
		sent = append(sent, r.Header.Get("X-Signed-At"))
	}
	for _, a := range get(t, d, id).Attempts {
		logged = append(logged, a.Header.Get("X-Signed-At"))
	}
	want := []string{"0s {}", "1s {}"}
	if diff := cmp.Diff(want, sent); diff != "" {
		t.Errorf("signatures received (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, logged); diff != "" {
		t.Errorf("signatures in the log (-want +got):\n%s", diff)
	}
}

// Wait returns when the callback's own attempt ends, while another
// callback of the same tenant still hangs.
func TestWaitIsForOneCallbackOnly(t *testing.T) {
	hung := newReceiver(t, func(int, received) int { return hang })
	ok := newReceiver(t, statuses(200))
	c := newClock(t)
	d := newDispatcher(t, Options{Policy: Policy{Timeout: 30 * time.Second}})
	d.Enqueue(c, Request{Tenant: "t", URL: hung.URL})
	id := d.Enqueue(c, Request{Tenant: "t", URL: ok.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := d.Wait(ctx, id); err != nil {
		t.Fatalf("Wait: %v after %v", err, time.Since(start))
	}
	if st := get(t, d, id).Status; st != StatusDelivered {
		t.Fatalf("status %s after Wait, want delivered", st)
	}
}

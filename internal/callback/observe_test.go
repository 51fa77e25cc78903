package callback

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestObserve(t *testing.T) {
	release := make(chan struct{})
	rc := newReceiver(t, func(n int, got received) int {
		if got.Path == "/hang" {
			<-release
		}
		if got.Path == "/fail" {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	t.Cleanup(func() { close(release) })
	d := newDispatcher(t, Options{Policy: Policy{Backoff: []time.Duration{}}})
	c := newClock(t)

	changed := d.Changed()
	ok := d.Enqueue(c, Request{Tenant: "a", Provider: "liqpay", URL: rc.URL + "/ok"})
	settle(t, d, "a")
	select {
	case <-changed:
	default:
		t.Fatal("Changed was not closed by a finished attempt")
	}
	d.Enqueue(c, Request{Tenant: "a", Provider: "liqpay", URL: rc.URL + "/fail"})
	d.Enqueue(c, Request{Tenant: "b", Provider: "liquido", URL: refusedURL(t)})
	settle(t, d, "")
	hung := d.Enqueue(c, Request{Tenant: "a", Provider: "liqpay", URL: rc.URL + "/hang"})

	if got := d.InFlight("a"); !slices.Equal(got, []string{hung}) {
		t.Errorf("InFlight(a) = %v, want [%s]", got, hung)
	}
	if got := d.InFlight("b"); len(got) != 0 {
		t.Errorf("InFlight(b) = %v, want none", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := d.Wait(ctx, hung); err == nil {
		t.Error("Wait on a hung attempt returned before its context ended")
	}
	if err := d.Wait(ctx, ok); err != nil {
		t.Errorf("Wait on a finished attempt after its context ended: %v", err)
	}
	want := map[AttemptKey]uint64{
		{Provider: "liqpay", Outcome: "delivered"}:    1,
		{Provider: "liqpay", Outcome: "rejected"}:     1,
		{Provider: "liquido", Outcome: "unreachable"}: 1,
	}
	if diff := cmp.Diff(want, d.Attempts()); diff != "" {
		t.Error(diff)
	}
	wantCounts := map[CountKey]int{
		{Provider: "liqpay", Status: StatusDelivered}: 1,
		{Provider: "liqpay", Status: StatusFailed}:    1,
		{Provider: "liqpay", Status: StatusPending}:   1,
		{Provider: "liquido", Status: StatusFailed}:   1,
	}
	if diff := cmp.Diff(wantCounts, d.Counts()); diff != "" {
		t.Error(diff)
	}
	changed = d.Changed()
	d.Reset("b")
	select {
	case <-changed:
	default:
		t.Fatal("Reset did not close Changed")
	}
}

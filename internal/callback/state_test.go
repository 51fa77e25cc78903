package callback

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestStateRoundTrip saves a dispatcher with a delivered callback, one
// waiting for its retry and one queued behind it, restores it into a new
// dispatcher on a new clock, and plays the rest out there.
func TestStateRoundTrip(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() && r.URL.Path == "/down" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()

	sign := func(key string) func(time.Time, []byte) http.Header {
		return func(at time.Time, _ []byte) http.Header {
			return http.Header{"X-Sig": {key + at.UTC().Format("150405")}}
		}
	}
	c1 := newClock(t)
	d1 := newDispatcher(t, Options{})
	ok := d1.Enqueue(c1, Request{Tenant: "p:a", Provider: "p", URL: rcv.URL + "/up", Body: []byte("one"), Labels: map[string]string{"k": "v"}})
	retry := d1.Enqueue(c1, Request{Tenant: "p:a", Provider: "p", URL: rcv.URL + "/down", Body: []byte("two"), OrderKey: "o",
		Sign: sign("good"), SignSpec: "good"})
	behind := d1.Enqueue(c1, Request{Tenant: "p:a", Provider: "p", URL: rcv.URL + "/up", Body: []byte("three"), OrderKey: "o"})
	settle(t, d1, "p:a")

	part1 := StatePart{D: d1}
	raw, err := part1.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	c2 := newClock(t)
	d2 := newDispatcher(t, Options{})
	part2 := StatePart{D: d2,
		Clock: func(tenant string) Scheduler {
			if tenant == "p:a" {
				return c2
			}
			return nil
		},
		Signer: func(provider, tenant, spec string) func(time.Time, []byte) http.Header { return sign(spec) },
	}
	if err := part2.Restore(raw); err != nil {
		t.Fatal(err)
	}
	again, _ := part2.Snapshot()
	var a, b any
	_ = json.Unmarshal(raw, &a)
	_ = json.Unmarshal(again, &b)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("snapshot after restore (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(d1.List(Filter{}), d2.List(Filter{})); diff != "" {
		t.Errorf("callback log after restore (-before +after):\n%s", diff)
	}

	// The retry is still due a second after the first attempt, and the
	// queued callback still waits for it.
	fail.Store(false)
	next, scheduled := d2.NextAttemptAt("p:a")
	if !scheduled || !next.Equal(t0.Add(time.Second)) {
		t.Fatalf("next attempt %v %v, want %v", next, scheduled, t0.Add(time.Second))
	}
	playOut(t, d2, c2, "p:a")
	for _, id := range []string{ok, retry, behind} {
		cb, _ := d2.Get(id)
		if cb.Status != StatusDelivered {
			t.Errorf("%s is %s after the restore, want delivered", id, cb.Status)
		}
	}
	cb, _ := d2.Get(retry)
	if len(cb.Attempts) != 2 || cb.Attempts[1].Header.Get("X-Sig") != "good120001" {
		t.Errorf("the retry after the restore: %+v", cb.Attempts)
	}
	// Ids continue after the restored ones.
	if id := d2.Enqueue(c2, Request{Tenant: "p:a", URL: rcv.URL + "/up"}); id != "cb_000000000004" {
		t.Errorf("next id %s, want cb_000000000004", id)
	}
}

func TestStateRestoreDropsUnknownTenants(t *testing.T) {
	c := newClock(t)
	d1 := newDispatcher(t, Options{})
	d1.Enqueue(c, Request{Tenant: "gone", URL: "http://127.0.0.1:1/", Delay: time.Hour})
	raw, _ := StatePart{D: d1}.Snapshot()
	d2 := newDispatcher(t, Options{})
	if err := (StatePart{D: d2, Clock: func(string) Scheduler { return nil }}).Restore(raw); err != nil {
		t.Fatal(err)
	}
	if got := d2.List(Filter{}); len(got) != 0 {
		t.Errorf("callbacks of an unknown tenant were kept: %v", got)
	}
	if err := (StatePart{D: d2}).Restore(json.RawMessage(`{"callbacks": 3}`)); err == nil {
		t.Error("a malformed section restored without an error")
	}
}

package control

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/tenant"
)

// hungAttempts stands in for the dispatcher: attempts that never finish.
type hungAttempts struct {
	mu     sync.Mutex
	flight []string
}

func (h *hungAttempts) start(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.flight = append(h.flight, id)
}

func (h *hungAttempts) InFlight(string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.flight)
}

func (h *hungAttempts) Wait(ctx context.Context, id string) error {
	<-ctx.Done() // never answers
	return ctx.Err()
}

func TestAdvanceWaitsAtMostItsBudget(t *testing.T) {
	reg := tenant.NewRegistry(1, nil)
	t.Cleanup(reg.Close)
	tn := reg.Add("liqpay", "k")
	at := &hungAttempts{}
	at.start("cb_old") // in flight before the advance
	start := tn.Clock.Now()
	var fired []string
	tn.Clock.At(start.Add(time.Second), func() { fired = append(fired, "1s"); at.start("cb_1s") })
	tn.Clock.At(start.Add(2*time.Second), func() { fired = append(fired, "2s") })
	var moves []string
	c := Clock{Tenants: reg, Attempts: at, Wait: 200 * time.Millisecond,
		Moved: func(id string, from, to time.Time, kind string) {
			moves = append(moves, id+" "+kind+" "+to.Sub(from).Round(time.Second).String())
		}}

	w := httptest.NewRecorder()
	began := time.Now()
	c.Advance(w, httptest.NewRequest(http.MethodPost, "/_mockpay/clock/advance", strings.NewReader(`{"duration":"10s","merchant":"k"}`)))
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("advance took %s with a 200ms budget", took)
	}
	var out struct {
		Settled   bool     `json:"settled"`
		Unsettled []string `json:"unsettled_callbacks"`
		Clocks    []clockJSON
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != http.StatusOK {
		t.Fatalf("HTTP %d %s", w.Code, w.Body)
	}
	if diff := cmp.Diff([]string{"cb_1s", "cb_old"}, out.Unsettled); diff != "" || out.Settled {
		t.Errorf("settled %v, unsettled: %s", out.Settled, diff)
	}
	// Past the budget the clock still ran every timer to its target.
	if diff := cmp.Diff([]string{"1s", "2s"}, fired); diff != "" {
		t.Error(diff)
	}
	if got := tn.Clock.Now().Sub(start); got < 10*time.Second {
		t.Errorf("clock moved %s, want 10s", got)
	}
	if diff := cmp.Diff([]string{"liqpay:k advance 10s"}, moves); diff != "" {
		t.Error(diff)
	}
}

func TestSetRefusesThePast(t *testing.T) {
	reg := tenant.NewRegistry(1, nil)
	t.Cleanup(reg.Close)
	tn := reg.Add("liqpay", "k")
	c := Clock{Tenants: reg}
	past := tn.Clock.Now().Add(-time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		body string
		code int
	}{
		{`{"time":"` + past + `"}`, http.StatusConflict},
		{`{"time":"2999-01-01T00:00:00Z"}`, http.StatusBadRequest}, // past the 100-year bound
		{`{"time":true}`, http.StatusBadRequest},
		{`{"time":"` + tn.Clock.Now().Add(time.Hour).Format(time.RFC3339Nano) + `","merchant":"k"}`, http.StatusOK},
	} {
		w := httptest.NewRecorder()
		c.Set(w, httptest.NewRequest(http.MethodPost, "/_mockpay/clock/set", strings.NewReader(tc.body)))
		if w.Code != tc.code {
			t.Errorf("%s: HTTP %d %s, want %d", tc.body, w.Code, w.Body, tc.code)
		}
	}
	if off := tn.Clock.Offset(); off < 59*time.Minute || off > time.Hour {
		t.Errorf("offset %s after set, want about 1h", off)
	}
}

// Each way a duration can be wrong gets its own message.
func TestAdvanceSaysWhatIsWrongWithADuration(t *testing.T) {
	reg := tenant.NewRegistry(1, nil)
	reg.Add("liqpay", "shop")
	c := Clock{Tenants: reg}
	for _, tc := range []struct{ duration, want string }{
		{"soon", "must be a non-negative Go duration"},
		{"9999999h", "is out of range"},
		{"-1s", "must not be negative"},
	} {
		r := httptest.NewRequest(http.MethodPost, "/_mockpay/clock/advance", strings.NewReader(`{"duration":"`+tc.duration+`"}`))
		w := httptest.NewRecorder()
		c.Advance(w, r)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("advance %q: HTTP %d %s, want 400 saying %q", tc.duration, w.Code, w.Body, tc.want)
		}
	}
}

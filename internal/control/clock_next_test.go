package control

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/tenant"
)

// {"to":"next"} moves each clock to its own next due timer and runs it; with
// nothing due it answers 409 and nothing moves.
func TestAdvanceToNextDue(t *testing.T) {
	reg := tenant.NewRegistry(1, nil)
	t.Cleanup(reg.Close)
	a, b := reg.Add("liqpay", "a"), reg.Add("liquido", "b")
	startA, startB := a.Clock.Now(), b.Clock.Now()
	var fired []string
	a.Clock.At(startA.Add(90*time.Minute), func() { fired = append(fired, "a 90m") })
	a.Clock.At(startA.Add(3*time.Hour), func() { fired = append(fired, "a 3h") })
	b.Clock.At(startB.Add(time.Minute), func() { fired = append(fired, "b 1m") })
	c := Clock{Tenants: reg}
	advance := func(body string) (int, map[string]any) {
		w := httptest.NewRecorder()
		c.Advance(w, httptest.NewRequest(http.MethodPost, "/_mockpay/clock/advance", strings.NewReader(body)))
		var out map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &out)
		return w.Code, out
	}
	steps := []struct {
		body      string
		wantCode  int
		wantFired []string
	}{
		{`{"to":"next","merchant":"a"}`, 200, []string{"a 90m"}},
		{`{"to":"next"}`, 200, []string{"a 90m", "a 3h", "b 1m"}}, // each clock to its own next
		{`{"to":"next"}`, 409, []string{"a 90m", "a 3h", "b 1m"}},
		{`{"to":"later"}`, 400, []string{"a 90m", "a 3h", "b 1m"}},
		{`{"to":"next","duration":"1h"}`, 400, []string{"a 90m", "a 3h", "b 1m"}},
		{`{"to":"next","merchant":"nobody"}`, 404, []string{"a 90m", "a 3h", "b 1m"}},
	}
	for _, st := range steps {
		code, out := advance(st.body)
		if code != st.wantCode {
			t.Errorf("%s: HTTP %d %v, want %d", st.body, code, out, st.wantCode)
		}
		if code != 200 && out["error"] == nil {
			t.Errorf("%s: no error message in %v", st.body, out)
		}
		if diff := cmp.Diff(st.wantFired, fired); diff != "" {
			t.Errorf("%s: fired (-want +got):\n%s", st.body, diff)
		}
	}
	if got := a.Clock.Now().Sub(startA); got < 3*time.Hour || got > 3*time.Hour+time.Minute {
		t.Errorf("clock a moved %s, want 3h", got)
	}
	if got := b.Clock.Now().Sub(startB); got < time.Minute || got > 2*time.Minute {
		t.Errorf("clock b moved %s, want 1m", got)
	}
}

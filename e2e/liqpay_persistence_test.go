package e2e

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A subscription keeps charging and a hold still expires after a restart on
// the same state file: their timers are re-armed on the restored clock.
func TestLiqPayTimersSurviveARestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	rv := newReceiver(t)
	m := start(t, "--state-file", path)
	sub, held := orderID(t)+"-sub", orderID(t)+"-hold"
	m.do(t, set(payParams(sub, "4242424242424242"), "action", "subscribe", "subscribe", "1", "amount", "30",
		"subscribe_date_start", "2020-01-01 00:00:00", "subscribe_periodicity", "month", "server_url", rv.URL))
	m.do(t, set(payParams(held, "4242424242424242"), "action", "hold", "server_url", rv.URL))
	m.advance(t, "0s")
	m.stop(t)

	m2 := start(t, "--state-file", path)
	m2.advance(t, "768h") // 32 days: one month of the subscription, past the 30-day hold
	var got []string
	for _, cb := range rv.seen() {
		if !verify(3, cb.data, cb.signature) {
			t.Errorf("callback %v is not validly signed", cb.payment["status"])
		}
		got = append(got, fmt.Sprint(cb.payment["order_id"] == sub, " ", cb.payment["action"], " ", cb.payment["status"]))
	}
	slices.Sort(got)
	want := []string{"false hold hold_wait", "false hold reversed", "true regular success", "true subscribe subscribed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("callbacks over the restart, as \"subscription? action status\" (-want +got):\n%s", diff)
	}
	checkFields(t, "the hold", map[string]any{"status": "reversed"}, m2.statusOf(t, held))
	checkFields(t, "the subscription", map[string]any{"status": "subscribed"}, m2.statusOf(t, sub))
	m2.advance(t, "768h") // and the period after it
	if n := len(rv.seen()); n != 5 {
		t.Errorf("%d callbacks after a second month, want 5", n)
	}
}

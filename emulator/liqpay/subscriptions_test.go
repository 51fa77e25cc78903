package liqpay

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAddPeriodsClampsTheDay(t *testing.T) {
	jan31 := time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC)
	leapJan31 := time.Date(2028, 1, 31, 10, 0, 0, 0, time.UTC)
	feb29 := time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		start time.Time
		per   string
		n     int
		want  time.Time
	}{
		{jan31, "month", 1, time.Date(2027, 2, 28, 10, 0, 0, 0, time.UTC)},
		{jan31, "month", 2, time.Date(2027, 3, 31, 10, 0, 0, 0, time.UTC)},
		{jan31, "month", 3, time.Date(2027, 4, 30, 10, 0, 0, 0, time.UTC)},
		{jan31, "month", 12, time.Date(2028, 1, 31, 10, 0, 0, 0, time.UTC)},
		{leapJan31, "month", 1, time.Date(2028, 2, 29, 10, 0, 0, 0, time.UTC)},
		{feb29, "year", 1, time.Date(2029, 2, 28, 0, 0, 0, 0, time.UTC)},
		{feb29, "year", 4, time.Date(2032, 2, 29, 0, 0, 0, 0, time.UTC)},
		{jan31, "day", 1, time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)},
		{jan31, "week", 2, time.Date(2027, 2, 14, 10, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := addPeriods(tt.start, tt.per, tt.n); !got.Equal(tt.want) {
			t.Errorf("%s + %d %s = %s, want %s", tt.start.Format(time.DateOnly), tt.n, tt.per, got, tt.want)
		}
	}
}

// A monthly subscription made on Jan 31: regular charges on Feb 28, Mar 31
// and Apr 30; the scenario fails the second; unsubscribe ends it.
func TestSubscriptionChargesEachMonth(t *testing.T) {
	b := newTestbed(t, `version: 1
provider: liqpay
scenarios:
  - name: first regular charge goes through
    match: {action: regular}
    times: 1
    outcome: {status: success}
  - name: second regular charge fails
    match: {action: regular}
    times: 1
    outcome: {status: failure, code: "9859"}
`)
	sub := b.do(payRequest("sub-1", "4242424242424242", "action", "subscribe", "subscribe", "1",
		"subscribe_date_start", "2020-01-01 00:00:00", "subscribe_periodicity", "month"))
	if diff := cmp.Diff(map[string]string{"result": "ok", "action": "subscribe", "status": "subscribed", "amount": "100.0"},
		fields(sub, "result", "action", "status", "amount")); diff != "" {
		t.Fatalf("subscribe (-want +got):\n%s", diff)
	}
	upd := b.do(map[string]any{"action": "subscribe_update", "order_id": "sub-1", "amount": "50", "description": "cheaper"})
	if diff := cmp.Diff(map[string]string{"action": "subscribe", "status": "subscribed", "amount": "50.0", "description": "cheaper"},
		fields(upd, "action", "status", "amount", "description")); diff != "" {
		t.Errorf("subscribe_update (-want +got):\n%s", diff)
	}

	months := []time.Time{
		time.Date(2027, 2, 28, 10, 0, 0, 0, time.UTC),
		time.Date(2027, 3, 31, 10, 0, 0, 0, time.UTC),
		time.Date(2027, 4, 30, 10, 0, 0, 0, time.UTC),
	}
	for _, m := range months {
		b.advanceTo(m.Add(-time.Second))
		before := len(b.rec.callbacks())
		b.advanceTo(m)
		if got := len(b.rec.callbacks()) - before; got != 1 {
			t.Fatalf("at %s: %d callbacks, want 1 regular charge", m, got)
		}
	}
	want := []string{"subscribe subscribed", "regular success", "regular failure", "regular success"}
	if diff := cmp.Diff(want, b.rec.callbacks()); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
	sh := b.s.shop("sandbox_i00000000")
	ids := sh.byOrder["sub-1"].Sub.Regular
	for i, id := range ids {
		got := b.do(map[string]any{"action": "status", "payment_id": id})
		wantStatus := map[int]string{0: "success", 1: "failure", 2: "success"}[i]
		if diff := cmp.Diff(map[string]string{"action": "regular", "type": "regular", "status": wantStatus, "order_id": "sub-1",
			"amount": "50.0", "create_date": itoa(months[i].UnixMilli())},
			fields(got, "action", "type", "status", "order_id", "amount", "create_date")); diff != "" {
			t.Errorf("regular charge %d (-want +got):\n%s", i+1, diff)
		}
	}

	// The control plane forces the next period now.
	if err := b.s.ChargeNextPeriod("sandbox_i00000000", "sub-1"); err != nil {
		t.Fatal(err)
	}
	un := b.do(map[string]any{"action": "unsubscribe", "order_id": "sub-1"})
	if diff := cmp.Diff(map[string]string{"result": "ok", "action": "subscribe", "status": "unsubscribed"},
		fields(un, "result", "action", "status")); diff != "" {
		t.Errorf("unsubscribe (-want +got):\n%s", diff)
	}
	n := len(b.rec.callbacks())
	b.advanceTo(testStart.AddDate(2, 0, 0))
	if got := b.rec.callbacks()[n-1:]; len(got) != 1 || got[0] != "subscribe unsubscribed" {
		t.Errorf("after unsubscribe: callbacks %v, want only the unsubscribed one", got)
	}
	if err := b.s.ChargeNextPeriod("sandbox_i00000000", "sub-1"); err != ErrNotSubscribed {
		t.Errorf("ChargeNextPeriod after unsubscribe = %v, want ErrNotSubscribed", err)
	}
	if got := b.do(map[string]any{"action": "status", "order_id": "sub-1"}); got["status"] != "unsubscribed" {
		t.Errorf("status of the subscription: %v", got["status"])
	}
}

func TestSubscriptionErrors(t *testing.T) {
	b := newTestbed(t, "")
	b.do(payRequest("plain", "4242424242424242"))
	sub := func(kv ...any) map[string]any {
		return payRequest("s", "4242424242424242", append([]any{"action", "subscribe", "language", "en"}, kv...)...)
	}
	tests := []struct {
		name   string
		params map[string]any
		want   map[string]string
	}{
		{"no periodicity", sub("subscribe_date_start", "2027-01-01 00:00:00"),
			map[string]string{"err_code": "err_missing", "err_description": "Required parameter not passed subscribe_periodicity"}},
		{"bad periodicity", sub("subscribe_date_start", "2027-01-01 00:00:00", "subscribe_periodicity", "fortnight"),
			map[string]string{"err_code": "err_wrong", "err_description": "Parameter subscribe_periodicity specified incorrectly"}},
		{"no start", sub("subscribe_periodicity", "month"),
			map[string]string{"err_code": "err_missing", "err_description": "Required parameter not passed subscribe_date_start"}},
		{"bad start", sub("subscribe_periodicity", "month", "subscribe_date_start", "tomorrow"),
			map[string]string{"err_code": "err_wrong", "err_description": "Parameter subscribe_date_start specified incorrectly"}},
		{"update of a plain payment", map[string]any{"action": "subscribe_update", "order_id": "plain", "amount": "1", "language": "en"},
			map[string]string{"err_code": "payment_not_subscribed", "err_description": "Payment is not regular"}},
		{"unsubscribe of a plain payment", map[string]any{"action": "unsubscribe", "order_id": "plain"},
			map[string]string{"err_code": "payment_not_subscribed", "err_description": "Платіж не є регулярним"}},
		{"unsubscribe of no payment", map[string]any{"action": "unsubscribe", "order_id": "none", "language": "en"},
			map[string]string{"err_code": "payment_not_found", "err_description": "Payment not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fields(b.do(tt.params), "err_code", "err_description")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := b.do(map[string]any{"action": "status", "order_id": "s"}); got["err_code"] != "payment_not_found" {
		t.Errorf("a rejected subscribe stored a payment: %v", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A subscription behind 3-D Secure starts once the customer passes it;
// a subscription refunded in full stays subscribed and refunds no more.
func TestSubscriptionAfter3DSAndRefund(t *testing.T) {
	b := newTestbed(t, "")
	got := b.do(payRequest("s3", "4000000000003089", "action", "subscribe", "subscribe_periodicity", "day",
		"subscribe_date_start", "2020-01-01 00:00:00"))
	if got["status"] != "otp_verify" {
		t.Fatalf("subscribe with the OTP card: %v", got["status"])
	}
	b.advanceTo(testStart.Add(time.Minute))
	got = b.do(map[string]any{"action": "confirm", "confirm_token": got["token"], "otp": "123456"})
	if diff := cmp.Diff(map[string]string{"action": "subscribe", "status": "subscribed"}, fields(got, "action", "status")); diff != "" {
		t.Fatalf("confirm (-want +got):\n%s", diff)
	}
	// Periods count from the confirmation, a minute after the request.
	b.advanceTo(testStart.Add(24 * time.Hour))
	if n := len(b.s.shop("sandbox_i00000000").byOrder["s3"].Sub.Regular); n != 0 {
		t.Errorf("%d regular charges a day after the request, want none before a day after the confirmation", n)
	}
	b.advanceTo(testStart.Add(24*time.Hour + time.Minute))
	if n := len(b.s.shop("sandbox_i00000000").byOrder["s3"].Sub.Regular); n != 1 {
		t.Errorf("%d regular charges a day after the confirmation, want 1", n)
	}

	if got := b.do(map[string]any{"action": "refund", "order_id": "s3"}); got["action"] != "subscribe" {
		t.Errorf("refund: %v", got)
	}
	if got := b.do(map[string]any{"action": "status", "order_id": "s3"}); got["status"] != "subscribed" {
		t.Errorf("after a full refund: %v", got["status"])
	}
	if got := b.do(map[string]any{"action": "refund", "order_id": "s3"}); got["err_code"] != "payment_err_status" {
		t.Errorf("a second full refund: %v", got)
	}
}

package metrics

import (
	"strings"
	"testing"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/journal"
)

func TestExposition(t *testing.T) {
	m := &Metrics{
		Payments: func() map[string]int { return map[string]int{"liquido": 2} },
		Callbacks: func() map[callback.CountKey]int {
			return map[callback.CountKey]int{{Provider: "liqpay", Status: "failed"}: 1}
		},
		Attempts: func() map[callback.AttemptKey]uint64 {
			return map[callback.AttemptKey]uint64{{Provider: "liqpay", Outcome: "unreachable"}: 3}
		},
	}
	for _, e := range []*journal.Entry{
		{Provider: "liqpay", Action: "pay", Status: 200, DurationMS: 3},
		{Provider: "liqpay", Action: "pay", Status: 200, DurationMS: 30},
		{Provider: "liqpay", Action: "made-up\"name", Status: 200, Error: true, DurationMS: 1},
		{Provider: "liquido", Action: "/v1/payments/charges/{key}", Status: 404, Error: true, DurationMS: 20000},
		{Provider: "", Unmatched: true, Status: 404, Error: true},
	} {
		m.Observe(e)
	}
	var b strings.Builder
	m.write(&b)
	text := b.String()
	for _, want := range []string{
		`mockpay_requests_total{provider="liqpay",action="pay",status="200",outcome="ok"} 2`,
		`mockpay_requests_total{provider="liqpay",action="other",status="200",outcome="error"} 1`,
		`mockpay_requests_total{provider="liquido",action="/v1/payments/charges/{key}",status="404",outcome="error"} 1`,
		`mockpay_requests_total{provider="none",action="unmatched",status="404",outcome="error"} 1`,
		`mockpay_request_duration_seconds_bucket{provider="liqpay",le="0.001"} 1`, // le is inclusive
		`mockpay_request_duration_seconds_bucket{provider="liqpay",le="0.005"} 2`,
		`mockpay_request_duration_seconds_bucket{provider="liqpay",le="0.05"} 3`,
		`mockpay_request_duration_seconds_bucket{provider="liqpay",le="+Inf"} 3`,
		`mockpay_request_duration_seconds_bucket{provider="liquido",le="10"} 0`,
		`mockpay_request_duration_seconds_bucket{provider="liquido",le="+Inf"} 1`,
		`mockpay_request_duration_seconds_sum{provider="liqpay"} 0.034`,
		`mockpay_callback_attempts_total{provider="liqpay",outcome="unreachable"} 3`,
		`mockpay_callbacks{provider="liqpay",status="failed"} 1`,
		`mockpay_payments{provider="liqpay"} 0`,
		`mockpay_payments{provider="liquido"} 2`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("missing %s", want)
		}
	}
	if strings.Contains(text, "made-up") {
		t.Error("an unknown action became a label value")
	}
}

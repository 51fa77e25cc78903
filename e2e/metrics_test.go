package e2e

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var sampleRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-z_]+="[^"\\]*",?)*\})? [0-9.e+-]+$`)

func TestMetricsExposition(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	m.do(t, set(payParams(orderID(t), "4242424242424242"), "server_url", rv.URL+"/cb"))
	m.do(t, map[string]any{"version": 3, "action": "no-such-action-" + orderID(t), "order_id": "x"})
	m.send(t, http.MethodGet, "/nowhere/"+orderID(t), "", "")
	m.advance(t, "0s") // the callback's attempt has finished

	resp, err := httpClient.Get(m.base + "/_mockpay/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	raw, _ := io.ReadAll(resp.Body)
	text := string(raw)
	for _, want := range []string{
		"# TYPE mockpay_requests_total counter",
		`mockpay_requests_total{provider="liqpay",action="pay",status="200",outcome="ok"} 1`,
		// An unknown action name is "other": clients cannot grow the label set.
		`mockpay_requests_total{provider="liqpay",action="other",status="200",outcome="error"} 1`,
		`mockpay_requests_total{provider="none",action="unmatched",status="404",outcome="error"} 1`,
		"# TYPE mockpay_request_duration_seconds histogram",
		`mockpay_request_duration_seconds_bucket{provider="liqpay",le="+Inf"} 2`,
		`mockpay_request_duration_seconds_count{provider="liqpay"} 2`,
		`mockpay_callback_attempts_total{provider="liqpay",outcome="delivered"} 1`,
		`mockpay_callbacks{provider="liqpay",status="delivered"} 1`,
		`mockpay_payments{provider="liqpay"} 1`,
		`mockpay_payments{provider="liquido"} 0`,
		"# TYPE go_goroutines gauge",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(text, "no-such-action") || strings.Contains(text, "/nowhere") {
		t.Error("a client-chosen name became a label value")
	}
	// Every sample line is NAME{labels} VALUE or NAME VALUE.
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		if !sampleRE.MatchString(line) {
			t.Errorf("malformed sample %q", line)
		}
	}
}

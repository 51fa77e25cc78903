package e2e

import (
	"crypto/sha1"
	"crypto/sha3"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// receiver is a merchant's LiqPay callback endpoint on loopback: the shared
// recording receiver, with what LiqPay sends decoded.
type receiver struct{ *callbacktest.Receiver }

type callbackSeen struct {
	contentType, data, signature string
	payment                      map[string]any
}

func newReceiver(t *testing.T, codes ...int) *receiver {
	t.Helper()
	return &receiver{callbacktest.New(t, codes...)}
}

// seen decodes every callback received so far: the form's data and
// signature, and the payment object inside data.
func (rv *receiver) seen() []callbackSeen {
	var out []callbackSeen
	for _, r := range rv.Received() {
		form, _ := url.ParseQuery(string(r.Body))
		seen := callbackSeen{contentType: r.Header.Get("Content-Type"), data: form.Get("data"), signature: form.Get("signature")}
		if raw, err := base64.StdEncoding.DecodeString(seen.data); err == nil {
			seen.payment, _ = liqpayclient.DecodeJSON(raw)
		}
		out = append(out, seen)
	}
	return out
}

// verify is the documented callback check written out with the standard
// library, as a merchant would: base64(sha1(key+data+key)), or SHA3-256 for
// version 7 (reference liqpay.md §2.3, §7).
func verify(version int, data, signature string) bool {
	msg := []byte(privateKey + data + privateKey)
	var sum []byte
	if version >= 7 {
		s := sha3.Sum256(msg)
		sum = s[:]
	} else {
		s := sha1.Sum(msg)
		sum = s[:]
	}
	return base64.StdEncoding.EncodeToString(sum) == signature
}

type deliveryLog struct {
	Callbacks []struct {
		ID       string `json:"id"`
		Status   string `json:"status"`
		Attempts []struct {
			At             time.Time `json:"at"`
			ResponseStatus int       `json:"response_status"`
			Redelivery     bool      `json:"redelivery"`
			Body           string    `json:"request_body"`
		} `json:"attempts"`
	} `json:"callbacks"`
}

func (m *mockpay) callbacks(t *testing.T, query string) deliveryLog {
	t.Helper()
	resp, err := httpClient.Get(m.base + "/_mockpay/callbacks?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out deliveryLog
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCallbackSignatureVerifiesIndependently(t *testing.T) {
	t.Parallel()
	m := start(t)
	for _, version := range []int{3, 7} {
		t.Run(fmt.Sprintf("version %d", version), func(t *testing.T) {
			rv := newReceiver(t)
			c := m.client(liqpayclient.PHP)
			c.Version7 = version >= 7
			order := orderID(t)
			resp := call(t, c, "request", set(payParams(order, "4242424242424242"), "version", version, "server_url", rv.URL+"/cb"))
			m.advance(t, "0s")
			got := rv.seen()
			if len(got) != 1 {
				t.Fatalf("receiver got %d callbacks, want 1", len(got))
			}
			if got[0].contentType != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type %q", got[0].contentType)
			}
			if !verify(version, got[0].data, got[0].signature) {
				t.Errorf("signature %q does not verify", got[0].signature)
			}
			for _, k := range []string{"payment_id", "order_id", "status", "amount", "currency", "liqpay_order_id", "sender_card_mask2"} {
				if fmt.Sprint(got[0].payment[k]) != fmt.Sprint(resp[k]) {
					t.Errorf("callback %s = %v, answer had %v", k, got[0].payment[k], resp[k])
				}
			}
			if strings.Contains(got[0].data, "4242424242424242") {
				t.Error("callback carries the full card number")
			}
		})
	}
}

func TestCallbackRetriesFollowTheVirtualSchedule(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t, 500, 500, 200)
	order := orderID(t)
	m.do(t, set(payParams(order, "4242424242424242"), "server_url", rv.URL))
	m.advance(t, "0s")
	if n := len(rv.seen()); n != 1 {
		t.Fatalf("%d attempts before any retry is due, want 1", n)
	}
	m.advance(t, "1m") // covers the 1 s and 5 s retries
	log := m.callbacks(t, "order_id="+order)
	if len(log.Callbacks) != 1 || log.Callbacks[0].Status != "delivered" || len(log.Callbacks[0].Attempts) != 3 {
		t.Fatalf("log: %+v", log)
	}
	a := log.Callbacks[0].Attempts
	gaps := []time.Duration{a[1].At.Sub(a[0].At).Round(100 * time.Millisecond), a[2].At.Sub(a[1].At).Round(100 * time.Millisecond)}
	if diff := cmp.Diff([]time.Duration{time.Second, 5 * time.Second}, gaps); diff != "" {
		t.Fatalf("gaps between attempts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{500, 500, 200}, []int{a[0].ResponseStatus, a[1].ResponseStatus, a[2].ResponseStatus}); diff != "" {
		t.Fatalf("responses (-want +got):\n%s", diff)
	}
}

func TestHangingReceiverDoesNotDelayTheAPI(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	rv.Hang()
	const n = 30
	timed := func(prefix, serverURL string) time.Duration {
		start := time.Now()
		for i := range n {
			p := payParams(fmt.Sprintf("%s-%s-%d", orderID(t), prefix, i), "4242424242424242")
			if serverURL != "" {
				p["server_url"] = serverURL
			}
			if r := m.do(t, p); r["status"] != "success" {
				t.Fatalf("pay: %v", r)
			}
		}
		return time.Since(start)
	}
	base := timed("plain", "")
	hung := timed("hung", rv.URL)
	t.Logf("%d pays: %v without callbacks, %v with every callback hanging (ratio %.2f)", n, base, hung, float64(hung)/float64(base))
	if hung > 4*base+300*time.Millisecond {
		t.Fatalf("a hanging receiver slowed the API: %v vs %v", hung, base)
	}
}

func TestRedeliverAndOrderThroughTheBinary(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t, 503)
	order := orderID(t)
	r := m.do(t, set(payParams(order, "4000000000003063"), "server_url", rv.URL))
	m.advance(t, "0s") // 3ds_verify callback: 503
	resp, err := httpClient.Get(r["redirect_to"].(string) + "?outcome=approve")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m.advance(t, "0s")
	if n := len(rv.seen()); n != 1 {
		t.Fatalf("the success callback overtook the failed 3ds_verify one (%d received)", n)
	}
	m.advance(t, "1s")
	var statuses []any
	for _, s := range rv.seen() {
		statuses = append(statuses, s.payment["status"])
	}
	if diff := cmp.Diff([]any{"3ds_verify", "3ds_verify", "success"}, statuses); diff != "" {
		t.Fatalf("arrival order (-want +got):\n%s", diff)
	}

	log := m.callbacks(t, "order_id="+order+"&status=success")
	if len(log.Callbacks) != 1 {
		t.Fatalf("success callback not in the log: %+v", log)
	}
	code, after := m.send(t, http.MethodPost, "/_mockpay/callbacks/"+log.Callbacks[0].ID+"/redeliver", "application/json", "")
	if code != http.StatusOK || len(after["attempts"].([]any)) != 2 {
		t.Fatalf("redeliver: HTTP %d %v", code, after)
	}
	got := rv.seen()
	if last, prev := got[len(got)-1], got[len(got)-2]; last.data != prev.data || !verify(3, last.data, last.signature) {
		t.Fatal("the redelivered callback differs from the original or does not verify")
	}
}

func TestShutdownReportsPendingCallbacks(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t, 500)
	m.do(t, set(payParams(orderID(t), "4242424242424242"), "server_url", rv.URL))
	m.advance(t, "0s") // first attempt fails; the retry waits on the clock
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-m.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("mockpay did not stop within 10 s of SIGTERM")
	}
	if m.err != nil {
		t.Fatalf("exit: %v", m.err)
	}
	if !strings.Contains(m.stderr.String(), "callbacks not yet delivered") || !strings.Contains(m.stderr.String(), "pending=1") {
		t.Fatalf("shutdown did not report the pending callback; stderr:\n%s", tail(m.stderr.String(), 2048))
	}
}

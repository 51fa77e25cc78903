package server_test

import (
	"crypto/sha1"
	"crypto/sha3"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/internal/config"
)

// receiver is a merchant's LiqPay callback endpoint on loopback: the shared
// recording receiver, with what LiqPay sends decoded.
type receiver struct{ *callbacktest.Receiver }

type received struct {
	contentType     string
	data, signature string
	payment         map[string]any
}

func newReceiver(t *testing.T, codes ...int) *receiver {
	return &receiver{callbacktest.New(t, codes...)}
}

func (rv *receiver) received() []received {
	var out []received
	for _, r := range rv.Received() {
		form, _ := url.ParseQuery(string(r.Body))
		rec := received{contentType: r.Header.Get("Content-Type"), data: form.Get("data"), signature: form.Get("signature")}
		if raw, err := base64.StdEncoding.DecodeString(rec.data); err == nil {
			_ = json.Unmarshal(raw, &rec.payment)
		}
		out = append(out, rec)
	}
	return out
}

// wallT0 freezes the wall clock, so virtual time moves only when a test
// advances it and attempt times are exact.
var wallT0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func newFrozenServer(t *testing.T) *httptest.Server {
	t.Helper()
	return startServer(t, func() time.Time { return wallT0 })
}

// signedPost posts params signed for their version: SHA3-256 from 7 on.
func signedPost(t *testing.T, base string, params map[string]any) map[string]any {
	t.Helper()
	params["public_key"] = config.DefaultLiqPayPublicKey
	raw, _ := json.Marshal(params)
	data := base64.StdEncoding.EncodeToString(raw)
	form := url.Values{"data": {data}, "signature": {independentSign(fmt.Sprint(params["version"]), config.DefaultLiqPayPrivateKey, data)}}
	resp, err := http.PostForm(base+"/api/request", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// independentSign is the documented algorithm written out with the standard
// library alone (reference liqpay.md §2.3, §7), not mockpay's own Sign.
func independentSign(version, key, data string) string {
	if version == "7" {
		sum := sha3.Sum256([]byte(key + data + key))
		return base64.StdEncoding.EncodeToString(sum[:])
	}
	sum := sha1.Sum([]byte(key + data + key))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func control(t *testing.T, method, u, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: HTTP %d %s", method, u, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

func advance(t *testing.T, base, d string) {
	control(t, http.MethodPost, base+"/_mockpay/clock/advance", `{"duration":"`+d+`","merchant":"sandbox_i00000000"}`, nil)
}

type logEntry struct {
	ID       string            `json:"id"`
	Status   string            `json:"status"`
	URL      string            `json:"url"`
	Labels   map[string]string `json:"labels"`
	Attempts []struct {
		Number         int       `json:"number"`
		At             time.Time `json:"at"`
		Redelivery     bool      `json:"redelivery"`
		ResponseStatus int       `json:"response_status"`
		Error          string    `json:"error"`
	} `json:"attempts"`
}

func callbackLog(t *testing.T, base, query string) []logEntry {
	var out struct{ Callbacks []logEntry }
	control(t, http.MethodGet, base+"/_mockpay/callbacks?"+query, "", &out)
	return out.Callbacks
}

func payWith(version any, order, card, serverURL string) map[string]any {
	p := pay(order, card)
	p["version"] = version
	p["server_url"] = serverURL
	p["card_cvv"] = "987"
	return p
}

func TestCallbackIsTheSignedFormEncodedPaymentObject(t *testing.T) {
	for _, version := range []any{3, 7} {
		t.Run(fmt.Sprintf("version %v", version), func(t *testing.T) {
			ts := newFrozenServer(t)
			rv := newReceiver(t)
			resp := signedPost(t, ts.URL, payWith(version, "sig-1", "4242424242424242", rv.URL+"/liqpay"))
			if resp["status"] != "success" {
				t.Fatalf("pay: %v", resp)
			}
			advance(t, ts.URL, "0s") // settles the first attempt
			got := rv.received()
			if len(got) != 1 {
				t.Fatalf("receiver got %d callbacks, want 1", len(got))
			}
			cb := got[0]
			if cb.contentType != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type %q", cb.contentType)
			}
			if want := independentSign(fmt.Sprint(version), config.DefaultLiqPayPrivateKey, cb.data); cb.signature != want {
				t.Errorf("signature %s does not verify (want %s)", cb.signature, want)
			}
			// The callback carries the same payment object as the answer,
			// without the answer's "result".
			delete(resp, "result")
			if diff := cmp.Diff(resp, cb.payment); diff != "" {
				t.Errorf("callback payment differs from the API answer (-answer +callback):\n%s", diff)
			}
			raw, _ := base64.StdEncoding.DecodeString(cb.data)
			if strings.Contains(string(raw), "4242424242424242") || strings.Contains(string(raw), "987") {
				t.Errorf("callback carries card data: %s", raw)
			}
		})
	}
}

func TestFailingReceiverIsRetriedAtTheScheduledVirtualTimes(t *testing.T) {
	ts := newFrozenServer(t)
	rv := newReceiver(t, 500, 500, 200)
	signedPost(t, ts.URL, payWith(3, "retry-1", "4242424242424242", rv.URL))

	steps := []struct {
		advance  string
		attempts int
		status   string
	}{
		{"0s", 1, "pending"},
		{"999ms", 1, "pending"}, // the first retry is due 1 s after the first attempt
		{"1ms", 2, "pending"},
		{"5s", 3, "delivered"},
		{"1h", 3, "delivered"},
	}
	for _, st := range steps {
		advance(t, ts.URL, st.advance)
		log := callbackLog(t, ts.URL, "merchant=sandbox_i00000000&order_id=retry-1")
		if len(log) != 1 || len(log[0].Attempts) != st.attempts || log[0].Status != st.status {
			t.Fatalf("after +%s: %+v; want %d attempts, %s", st.advance, log, st.attempts, st.status)
		}
	}
	log := callbackLog(t, ts.URL, "order_id=retry-1")[0]
	var offsets []time.Duration
	for _, a := range log.Attempts {
		offsets = append(offsets, a.At.Sub(wallT0))
	}
	if diff := cmp.Diff([]time.Duration{0, time.Second, 6 * time.Second}, offsets); diff != "" {
		t.Fatalf("attempt times (-want +got):\n%s", diff)
	}
	if got := len(rv.received()); got != 3 {
		t.Fatalf("receiver got %d requests, want 3", got)
	}
}

func TestOneAdvancePlaysAWholeRetryChainOut(t *testing.T) {
	ts := newFrozenServer(t)
	rv := newReceiver(t, 500, 500, 500, 500, 500, 500, 500, 500, 500)
	signedPost(t, ts.URL, payWith(3, "chain-1", "4242424242424242", rv.URL))
	advance(t, ts.URL, "2h")
	log := callbackLog(t, ts.URL, "order_id=chain-1")[0]
	var offsets []time.Duration
	for _, a := range log.Attempts {
		offsets = append(offsets, a.At.Sub(wallT0))
	}
	// Default backoff: 1s, 5s, 30s, 2m, 10m, 30m, 1h after each attempt.
	want := []time.Duration{0, 1 * time.Second, 6 * time.Second, 36 * time.Second, 156 * time.Second,
		756 * time.Second, 2556 * time.Second, 6156 * time.Second}
	if diff := cmp.Diff(want, offsets); diff != "" {
		t.Fatalf("attempt times (-want +got):\n%s", diff)
	}
	if log.Status != "failed" {
		t.Fatalf("status %s after the last attempt, want failed", log.Status)
	}
}

func TestHangingReceiverDoesNotSlowTheAPI(t *testing.T) {
	ts := newFrozenServer(t)
	rv := newReceiver(t)
	rv.Hang()

	// Rounds alternate, and medians are compared, so that a burst of other
	// load on a shared machine lands on both sides rather than on one.
	const rounds, n = 5, 10
	timePays := func(prefix, serverURL string) time.Duration {
		start := time.Now()
		for i := range n {
			p := pay(fmt.Sprintf("%s-%d", prefix, i), "4242424242424242")
			if serverURL != "" {
				p["server_url"] = serverURL
			}
			p["version"] = 3
			if r := signedPost(t, ts.URL, p); r["status"] != "success" {
				t.Fatalf("pay: %v", r)
			}
		}
		return time.Since(start)
	}
	var plain, hanging []time.Duration
	for r := range rounds {
		plain = append(plain, timePays(fmt.Sprintf("plain-%d", r), ""))
		hanging = append(hanging, timePays(fmt.Sprintf("hung-%d", r), rv.URL))
	}
	median := func(d []time.Duration) time.Duration {
		slices.Sort(d)
		return d[len(d)/2]
	}
	baseline, hung := median(plain), median(hanging)
	t.Logf("%d pays, median of %d rounds: %v without callbacks, %v with every callback hanging (ratio %.2f)", n, rounds, baseline, hung, float64(hung)/float64(baseline))
	// The callbacks are all still hanging, yet the API answered: a ratio
	// well under the 10 s attempt timeout shows nothing waited for them.
	if hung > 4*baseline+50*time.Millisecond {
		t.Fatalf("API slowed by hanging receiver: %v vs %v", hung, baseline)
	}
	if got := callbackLog(t, ts.URL, "status=delivered"); len(got) != 0 {
		t.Fatalf("%d callbacks delivered to a receiver that never answered", len(got))
	}
}

func TestRedeliverSendsTheCallbackAgain(t *testing.T) {
	ts := newFrozenServer(t)
	rv := newReceiver(t)
	signedPost(t, ts.URL, payWith(3, "again-1", "4242424242424242", rv.URL))
	advance(t, ts.URL, "0s")
	log := callbackLog(t, ts.URL, "order_id=again-1")
	if len(log) != 1 || log[0].Status != "delivered" {
		t.Fatalf("log: %+v", log)
	}
	var after logEntry
	control(t, http.MethodPost, ts.URL+"/_mockpay/callbacks/"+log[0].ID+"/redeliver", "", &after)
	if len(after.Attempts) != 2 || !after.Attempts[1].Redelivery || after.Attempts[1].ResponseStatus != 200 {
		t.Fatalf("after redeliver: %+v", after)
	}
	got := rv.received()
	if len(got) != 2 || got[0].data != got[1].data || got[0].signature != got[1].signature {
		t.Fatalf("redelivery differs from the original: %+v", got)
	}

	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/_mockpay/callbacks/cb_nope/redeliver", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("redeliver of an unknown id: HTTP %d", resp.StatusCode)
	}
}

// A 3-D Secure payment sends 3ds_verify, then success. The receiver fails
// the first: the second must wait until the first is delivered.
func TestCallbacksOfOnePaymentArriveInOrder(t *testing.T) {
	ts := newFrozenServer(t)
	rv := newReceiver(t, 500)
	r := signedPost(t, ts.URL, payWith(3, "order-1", "4000000000003063", rv.URL))
	advance(t, ts.URL, "0s")
	resp, err := http.Get(r["redirect_to"].(string) + "?outcome=approve")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	advance(t, ts.URL, "0s")
	if got := rv.received(); len(got) != 1 {
		t.Fatalf("success callback overtook the failed 3ds_verify one: got %d", len(got))
	}
	advance(t, ts.URL, "1s")
	var statuses []any
	for _, g := range rv.received() {
		statuses = append(statuses, g.payment["status"])
	}
	if diff := cmp.Diff([]any{"3ds_verify", "3ds_verify", "success"}, statuses); diff != "" {
		t.Fatalf("arrival order (-want +got):\n%s", diff)
	}
}

func TestCallbackLogFiltersAndNeverShowsCardData(t *testing.T) {
	ts := newFrozenServer(t)
	rv := newReceiver(t)
	signedPost(t, ts.URL, payWith(3, "f-1", "4242424242424242", rv.URL))
	signedPost(t, ts.URL, payWith(3, "f-2", "4000000000000002", rv.URL))
	r := signedPost(t, ts.URL, payWith(3, "f-3", "4000000000003089", rv.URL))
	signedPost(t, ts.URL, map[string]any{"version": 3, "action": "confirm", "confirm_token": r["token"], "otp": "123456"})
	advance(t, ts.URL, "0s")

	tests := []struct {
		query string
		want  int
	}{
		{"", 4},
		{"merchant=sandbox_i00000000", 4},
		{"order_id=f-3", 2},
		{"status=failure", 1},
		{"status=delivered", 4},
		{"status=pending", 0},
		{"payment_id=" + fmt.Sprintf("%.0f", r["payment_id"]), 2},
		{"order_id=f-3&limit=1", 1},
	}
	for _, tc := range tests {
		if got := callbackLog(t, ts.URL, tc.query); len(got) != tc.want {
			t.Errorf("?%s: %d callbacks, want %d", tc.query, len(got), tc.want)
		}
	}
	resp, err := http.Get(ts.URL + "/_mockpay/callbacks")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var all struct {
		Callbacks []struct {
			Attempts []struct {
				Body string `json:"request_body"`
			} `json:"attempts"`
		}
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for _, c := range all.Callbacks {
		for _, a := range c.Attempts {
			form, _ := url.ParseQuery(a.Body)
			data, _ := base64.StdEncoding.DecodeString(form.Get("data"))
			for _, secret := range []string{"4242424242424242", "4000000000000002", "4000000000003089", `"987"`, "card_cvv"} {
				if strings.Contains(string(data), secret) || strings.Contains(string(raw), secret) {
					t.Fatalf("delivery log shows %s", secret)
				}
			}
		}
	}
	for _, bad := range []string{"status=bogus&delivery=nope", "limit=-1", "merchant=nobody"} {
		resp, err := http.Get(ts.URL + "/_mockpay/callbacks?" + bad)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("?%s answered 200", bad)
		}
	}
}

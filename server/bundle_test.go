package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/bundle"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/server"
)

// bundlePost signs params with a shop's keys.
func bundlePost(t *testing.T, base, public, private string, params map[string]any) map[string]any {
	t.Helper()
	params["public_key"], params["version"] = public, 3
	raw, _ := json.Marshal(params)
	data := base64.StdEncoding.EncodeToString(raw)
	form := url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA1, private, data)}}
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

// bundleServe runs s over HTTP until the test ends.
func bundleServe(t *testing.T, s *server.Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.Close(ctx)
	})
	return ts
}

// A bundle holds its merchant's run only: another shop's payments,
// requests and runtime scenarios stay out. Its replay answers the
// merchant's status reads as the original, knows nothing of the other
// shop's payments, and sends no callbacks, not even the one that was
// waiting for its retry.
func TestBundleHoldsOneMerchantAndReplaysWithoutCallbacks(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.Seed = 7
	cfg.Callbacks.Backoff = []config.Duration{config.Duration(10 * time.Minute)}
	cfg.LiqPay.Merchants = []config.LiqPayMerchant{{PublicKey: "shop2", PrivateKey: "shop2_secret"}}
	s, err := server.New(cfg, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := bundleServe(t, s)
	rv := newReceiver(t, http.StatusInternalServerError) // the first attempt fails; the retry waits 10 minutes
	mine := pay("mine-1", "4242424242424242")
	mine["server_url"] = rv.URL
	bundlePost(t, ts.URL, config.DefaultLiqPayPublicKey, config.DefaultLiqPayPrivateKey, mine)
	bundlePost(t, ts.URL, config.DefaultLiqPayPublicKey, config.DefaultLiqPayPrivateKey, pay("mine-2", "4000000000000002"))
	bundlePost(t, ts.URL, "shop2", "shop2_secret", pay("theirs-1", "4242424242424242"))
	control(t, http.MethodPut, ts.URL+"/_mockpay/scenarios/theirs-set?merchant=shop2", "version: 1\nscenarios: []\n", nil)
	advance(t, ts.URL, "0s")
	if n := len(rv.Received()); n != 1 {
		t.Fatalf("%d callback attempts before the export, want 1", n)
	}

	resp, err := http.Get(ts.URL + "/_mockpay/bundle?merchant=" + config.DefaultLiqPayPublicKey)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="mockpay-liqpay-sandbox_i00000000.har"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	var raw strings.Builder
	h, err := bundle.Read(io.TeeReader(resp.Body, &raw))
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{"theirs-1", "theirs-set", "shop2_secret", "4242424242424242"} {
		if strings.Contains(raw.String(), other) {
			t.Errorf("the bundle holds %q", other)
		}
	}
	if len(h.Log.Entries) != 2 || h.Log.Mockpay.Seed != 7 || h.Log.Mockpay.Tenant != "liqpay:"+config.DefaultLiqPayPublicKey {
		t.Errorf("bundle: %d entries, seed %d, tenant %s", len(h.Log.Entries), h.Log.Mockpay.Seed, h.Log.Mockpay.Tenant)
	}

	status := func(base, order string) map[string]any {
		return bundlePost(t, base, config.DefaultLiqPayPublicKey, config.DefaultLiqPayPrivateKey, map[string]any{"action": "status", "order_id": order})
	}
	before := map[string]any{"mine-1": status(ts.URL, "mine-1"), "mine-2": status(ts.URL, "mine-2")}

	r, err := server.Replay(config.Default(), quiet, h, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rs := bundleServe(t, r)
	after := map[string]any{"mine-1": status(rs.URL, "mine-1"), "mine-2": status(rs.URL, "mine-2")}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("replayed status (-original +replay):\n%s", diff)
	}
	if got := bundlePost(t, rs.URL, "shop2", "shop2_secret", map[string]any{"action": "status", "order_id": "theirs-1"}); got["result"] != "error" {
		t.Errorf("the replay knows another shop's payment: %v", got)
	}
	log := callbackLog(t, rs.URL, "merchant="+config.DefaultLiqPayPublicKey)
	if len(log) != 1 || log[0].Status != "pending" || len(log[0].Attempts) != 1 {
		t.Fatalf("replayed callback log: %+v, want the one pending callback with its failed attempt", log)
	}
	advance(t, rs.URL, "1h") // the retry falls due, but a replay sends nothing
	if n := len(rv.Received()); n != 1 {
		t.Errorf("the replay sent %d callback attempts", n-1)
	}
	var clock struct {
		Clocks []struct {
			Now time.Time `json:"now"`
		} `json:"clocks"`
	}
	control(t, http.MethodGet, rs.URL+"/_mockpay/clock?merchant="+config.DefaultLiqPayPublicKey, "", &clock)
	if len(clock.Clocks) != 1 || clock.Clocks[0].Now.Sub(h.Log.Mockpay.VirtualNow) < time.Hour || clock.Clocks[0].Now.Sub(h.Log.Mockpay.VirtualNow) > time.Hour+time.Minute {
		t.Errorf("replay clock %+v, want the export's virtual now (%s) plus the hour advanced", clock, h.Log.Mockpay.VirtualNow)
	}
}

// A merchant made through the control plane replays too: its keys and its
// own scenario set (here, expectations) come back with it.
func TestBundleOfAMadeMerchantReplays(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.Seed = 9
	s, err := server.New(cfg, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := bundleServe(t, s)
	spec := `{"liqpay":{},"scenarios":"version: 1\nexpect:\n  - {order: made-1, ends: success}\n  - {order: made-2, ends: success}\n"}`
	resp, err := http.Post(ts.URL+"/_mockpay/merchants", "application/json", strings.NewReader(spec))
	if err != nil {
		t.Fatal(err)
	}
	var made struct {
		LiqPay struct {
			PublicKey  string `json:"public_key"`
			PrivateKey string `json:"private_key"`
		} `json:"liqpay"`
	}
	err = json.NewDecoder(resp.Body).Decode(&made)
	resp.Body.Close()
	if err != nil || made.LiqPay.PublicKey == "" {
		t.Fatalf("making a merchant: HTTP %d, %v %+v", resp.StatusCode, err, made)
	}
	key, secret := made.LiqPay.PublicKey, made.LiqPay.PrivateKey
	bundlePost(t, ts.URL, key, secret, pay("made-1", "4242424242424242"))
	bundlePost(t, ts.URL, key, secret, pay("made-2", "4000000000000002"))
	report := func(base string) any {
		var out any
		control(t, http.MethodGet, base+"/_mockpay/expectations?merchant="+key, "", &out)
		return out
	}
	status := func(base, order string) map[string]any {
		return bundlePost(t, base, key, secret, map[string]any{"action": "status", "order_id": order})
	}
	before := []any{status(ts.URL, "made-1"), status(ts.URL, "made-2"), report(ts.URL)}

	resp, err = http.Get(ts.URL + "/_mockpay/bundle?merchant=" + key)
	if err != nil {
		t.Fatal(err)
	}
	h, err := bundle.Read(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !h.Log.Mockpay.Made {
		t.Error("the bundle does not say the merchant was made through the control plane")
	}
	r, err := server.Replay(config.Default(), quiet, h, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rs := bundleServe(t, r)
	after := []any{status(rs.URL, "made-1"), status(rs.URL, "made-2"), report(rs.URL)}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("replay of a made merchant (-original +replay):\n%s", diff)
	}
}

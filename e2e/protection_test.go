package e2e

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

func TestAdminTokenGuardsTheControlPlaneOnly(t *testing.T) {
	t.Parallel()
	const admin = "s3cret-admin"
	m := startWith(t, []string{"MOCKPAY_ADMIN_TOKEN=" + admin}, "serve", "--addr", "127.0.0.1:0", "--seed", seed)
	tests := []struct {
		name, method, path, token string
		want                      int
	}{
		{"no token", http.MethodGet, "/_mockpay/clock", "", http.StatusUnauthorized},
		{"wrong token", http.MethodGet, "/_mockpay/callbacks", "nope", http.StatusUnauthorized},
		{"admin token", http.MethodGet, "/_mockpay/clock", admin, http.StatusOK},
		{"unknown path without token", http.MethodGet, "/_mockpay/nope", "", http.StatusUnauthorized},
		{"health stays open", http.MethodGet, "/_mockpay/health", "", http.StatusOK},
		{"reset without token", http.MethodPost, "/_mockpay/reset", "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		if code, body := m.ctl(t, tt.method, tt.path, tt.token, nil); code != tt.want {
			t.Errorf("%s: %s %s: HTTP %d %v, want %d", tt.name, tt.method, tt.path, code, body, tt.want)
		}
	}
	// The provider APIs keep their own authentication.
	checkFields(t, "LiqPay without the admin token", map[string]any{"status": "success"}, m.do(t, payParams("admin-1", "4242424242424242")))
}

func TestMerchantTokenSeesOnlyItsMerchant(t *testing.T) {
	t.Parallel()
	const admin = "adm"
	m := start(t, "--admin-token", admin)
	mm := m.makeMerchant(t, admin, map[string]any{"liqpay": map[string]any{}})
	key := mm.LiqPay.PublicKey
	tests := []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"own clock", http.MethodGet, "/_mockpay/clock", nil, http.StatusOK},
		{"another merchant's clock", http.MethodGet, "/_mockpay/clock?merchant=" + publicKey, nil, http.StatusForbidden},
		{"advance another merchant in the body", http.MethodPost, "/_mockpay/clock/advance", map[string]any{"duration": "1s", "merchant": publicKey}, http.StatusForbidden},
		{"advance its own", http.MethodPost, "/_mockpay/clock/advance", map[string]any{"duration": "1s"}, http.StatusOK},
		{"make merchants", http.MethodPost, "/_mockpay/merchants", map[string]any{"liqpay": map[string]any{}}, http.StatusForbidden},
		{"list merchants", http.MethodGet, "/_mockpay/merchants", nil, http.StatusForbidden},
		{"get itself", http.MethodGet, "/_mockpay/merchants/" + key, nil, http.StatusOK},
		{"get another", http.MethodGet, "/_mockpay/merchants/" + publicKey, nil, http.StatusNotFound},
		{"reset everything", http.MethodPost, "/_mockpay/reset", nil, http.StatusForbidden},
		{"reset itself", http.MethodPost, "/_mockpay/reset?merchant=" + key, nil, http.StatusOK},
		{"reload scenario files", http.MethodPost, "/_mockpay/scenarios/reload", nil, http.StatusForbidden},
		{"delete another", http.MethodDelete, "/_mockpay/merchants/" + publicKey, nil, http.StatusNotFound},
	}
	for _, tt := range tests {
		code, body := m.ctl(t, tt.method, tt.path, mm.Token, tt.body)
		if code != tt.want {
			t.Errorf("%s: %s %s: HTTP %d %v, want %d", tt.name, tt.method, tt.path, code, body, tt.want)
		}
	}
	// Only its own clock moved (1s, then back to 0 by its reset).
	_, clocks := m.ctl(t, http.MethodGet, "/_mockpay/clock", mm.Token, nil)
	if cs := clocks["clocks"].([]any); len(cs) != 1 || cs[0].(map[string]any)["merchant"] != key {
		t.Errorf("a merchant token's clocks: %v", clocks)
	}
	_, def := m.ctl(t, http.MethodGet, "/_mockpay/clock?merchant="+publicKey, admin, nil)
	if off := def["clocks"].([]any)[0].(map[string]any)["offset"]; off != "0s" {
		t.Errorf("the default merchant's clock moved: offset %v", off)
	}
}

// Two test groups share one instance, each with its own merchant and
// merchant token: neither sees the other's callbacks or clock.
func TestParallelGroupsWithMerchantTokensStayApart(t *testing.T) {
	t.Parallel()
	m := start(t)
	type group struct {
		mm       made
		rv       *receiver
		callback string // the id of its one callback
	}
	groups := make([]*group, 2)
	var wg sync.WaitGroup
	for i := range groups {
		g := &group{rv: newReceiver(t)}
		groups[i] = g
		g.mm = m.makeMerchant(t, "", map[string]any{"liqpay": map[string]any{"server_url": g.rv.URL}})
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := m.liqpayOf(g.mm)
			if _, _, err := c.Do(t.Context(), "request", payParams("group-order", "4242424242424242")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i, g := range groups {
		if code, _ := m.ctl(t, http.MethodPost, "/_mockpay/clock/advance", g.mm.Token, map[string]any{"duration": "90s"}); code != http.StatusOK {
			t.Fatalf("group %d advance: HTTP %d", i, code)
		}
		code, log := m.ctl(t, http.MethodGet, "/_mockpay/callbacks", g.mm.Token, nil)
		cbs, _ := log["callbacks"].([]any)
		if code != http.StatusOK || len(cbs) != 1 {
			t.Fatalf("group %d callbacks: HTTP %d %v", i, code, log)
		}
		cb := cbs[0].(map[string]any)
		if cb["tenant"] != "liqpay:"+g.mm.LiqPay.PublicKey || cb["status"] != "delivered" {
			t.Errorf("group %d sees callback %v", i, cb)
		}
		g.callback = cb["id"].(string)
		if n := len(g.rv.seen()); n != 1 {
			t.Errorf("group %d receiver got %d callbacks, want 1", i, n)
		}
	}
	for i, g := range groups {
		other := groups[1-i]
		for _, path := range []string{"/_mockpay/callbacks/" + other.callback, "/_mockpay/callbacks/" + other.callback + "/redeliver"} {
			method := http.MethodGet
			if strings.HasSuffix(path, "redeliver") {
				method = http.MethodPost
			}
			if code, body := m.ctl(t, method, path, g.mm.Token, nil); code != http.StatusNotFound {
				t.Errorf("group %d: %s %s of the other group: HTTP %d %v, want 404", i, method, path, code, body)
			}
		}
		if code, _ := m.ctl(t, http.MethodGet, "/_mockpay/callbacks/"+g.callback, g.mm.Token, nil); code != http.StatusOK {
			t.Errorf("group %d: its own callback: HTTP %d", i, code)
		}
		_, clocks := m.ctl(t, http.MethodGet, "/_mockpay/clock", g.mm.Token, nil)
		cs := clocks["clocks"].([]any)
		if len(cs) != 1 || cs[0].(map[string]any)["merchant"] != g.mm.LiqPay.PublicKey {
			t.Fatalf("group %d clocks: %v, want its own only", i, clocks)
		}
		// Each group advanced its own clock once by 90s (the offset is
		// a hair less: the advance starts from the clock's own now).
		if off, err := time.ParseDuration(cs[0].(map[string]any)["offset"].(string)); err != nil || off < 89*time.Second || off > 90*time.Second {
			t.Errorf("group %d clock offset %v, want about 90s", i, off)
		}
	}
}

func TestBrowserProtections(t *testing.T) {
	t.Parallel()
	m := start(t)
	port := m.addr[strings.LastIndex(m.addr, ":"):]
	// A page on another site posting text/plain, as a form or fetch can
	// without a preflight.
	code, body := m.ctlWith(t, http.MethodPost, "/_mockpay/clock/advance", "", `{"duration":"1h"}`,
		http.Header{"Origin": {"http://evil.example"}, "Sec-Fetch-Site": {"cross-site"}, "Content-Type": {"text/plain"}})
	if code != http.StatusForbidden {
		t.Errorf("cross-origin POST: HTTP %d %v, want 403", code, body)
	}
	_, clocks := m.ctl(t, http.MethodGet, "/_mockpay/clock?merchant="+publicKey, "", nil)
	if off := clocks["clocks"].([]any)[0].(map[string]any)["offset"]; off != "0s" {
		t.Errorf("the refused request moved the clock: offset %v", off)
	}
	// DNS rebinding: a foreign Host on the control plane.
	hosts := []struct {
		host string
		want int
	}{
		{"evil.example" + port, http.StatusForbidden},
		{"evil.example", http.StatusForbidden},
		{"localhost" + port, http.StatusOK},
		{"127.0.0.2" + port, http.StatusOK},
		{"[::1]" + port, http.StatusOK},
	}
	for _, h := range hosts {
		if code, body := m.ctlWith(t, http.MethodGet, "/_mockpay/clock", "", nil, http.Header{"Host": {h.host}}); code != h.want {
			t.Errorf("Host %s: HTTP %d %v, want %d", h.host, code, body, h.want)
		}
	}
	// The provider API answers any Host (step 8 serves it as www.liqpay.ua).
	c := m.client(liqpayclient.Go)
	c.HTTP = &http.Client{Timeout: httpClient.Timeout, Transport: hostRewriter{"www.liqpay.ua"}}
	checkFields(t, "LiqPay with Host www.liqpay.ua", map[string]any{"status": "success"}, call(t, c, "request", payParams("host-1", "4242424242424242")))
	// Health answers container healthchecks whatever their Host.
	if code, _ := m.ctlWith(t, http.MethodGet, "/_mockpay/health", "", nil, http.Header{"Host": {"mockpay:8470"}}); code != http.StatusOK {
		t.Errorf("health with Host mockpay:8470: HTTP %d", code)
	}

	allowed := start(t, "--allowed-hosts", "mockpay.test, other.test")
	if code, _ := allowed.ctlWith(t, http.MethodGet, "/_mockpay/clock", "", nil, http.Header{"Host": {"mockpay.test:8470"}}); code != http.StatusOK {
		t.Errorf("an allowed Host: HTTP %d", code)
	}
	if code, _ := allowed.ctlWith(t, http.MethodGet, "/_mockpay/clock", "", nil, http.Header{"Host": {"evil.example"}}); code != http.StatusForbidden {
		t.Errorf("a Host not allowed: HTTP %d", code)
	}
}

// hostRewriter sends every request with another Host header.
type hostRewriter struct{ host string }

func (h hostRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = h.host
	return http.DefaultTransport.RoundTrip(r)
}

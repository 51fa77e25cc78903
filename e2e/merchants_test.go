package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/internal/liqpayclient"
	"github.com/mockpay/mockpay/internal/liquidotest"
)

// ctl sends a control-plane request with an optional bearer token and
// JSON body, and decodes the JSON answer (nil for an empty one).
func (m *mockpay) ctl(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	return m.ctlWith(t, method, path, token, body, nil)
}

func (m *mockpay) ctlWith(t *testing.T, method, path, token string, body any, header http.Header) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, m.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	if h := header.Get("Host"); h != "" {
		req.Host = h
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return resp.StatusCode, nil
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: HTTP %d, answer is not a JSON object: %q", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// made is what POST /_mockpay/merchants answered.
type made struct {
	Token  string `json:"token"`
	LiqPay *struct {
		Merchant   string `json:"merchant"`
		PublicKey  string `json:"public_key"`
		PrivateKey string `json:"private_key"`
		ServerURL  string `json:"server_url"`
	} `json:"liqpay"`
	Liquido *struct {
		Merchant       string `json:"merchant"`
		ClientID       string `json:"client_id"`
		ClientSecret   string `json:"client_secret"`
		APIKey         string `json:"api_key"`
		CallbackURL    string `json:"callback_url"`
		TaxWithholding bool   `json:"tax_withholding"`
	} `json:"liquido"`
}

// makeMerchant creates merchants through the control plane (as admin when
// admin is set) and fails the test unless it answers 201.
func (m *mockpay) makeMerchant(t *testing.T, admin string, spec map[string]any) made {
	t.Helper()
	code, body := m.ctl(t, http.MethodPost, "/_mockpay/merchants", admin, spec)
	if code != http.StatusCreated {
		t.Fatalf("POST /_mockpay/merchants: HTTP %d %v", code, body)
	}
	raw, _ := json.Marshal(body)
	var out made
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// liqpay is a LiqPay client signing with a made merchant's keys.
func (m *mockpay) liqpayOf(mm made) *liqpayclient.Client {
	return &liqpayclient.Client{BaseURL: m.base, PublicKey: mm.LiqPay.PublicKey, PrivateKey: mm.LiqPay.PrivateKey,
		Encoding: liqpayclient.Go, HTTP: httpClient}
}

// lqOf is a made merchant's Liquido credentials.
func lqOf(mm made) lqMerchant {
	return lqMerchant{id: mm.Liquido.ClientID, secret: mm.Liquido.ClientSecret, apiKey: mm.Liquido.APIKey}
}

func TestMerchantsMadeOnDemandWorkWithTheRealAPIs(t *testing.T) {
	t.Parallel()
	m := start(t)
	lq := &lqServer{mockpay: m, tokens: map[string]string{}}
	rv := newReceiver(t)
	lqrv := callbacktest.New(t)
	mm := m.makeMerchant(t, "", map[string]any{
		"liqpay":  map[string]any{"server_url": rv.URL + "/liqpay"},
		"liquido": map[string]any{"callback_url": lqrv.URL + "/liquido"},
	})
	// Keys look like the providers' (reference liqpay.md §3, liquido.md §2).
	for what, re := range map[string]struct{ got, re string }{
		"public_key":    {mm.LiqPay.PublicKey, `^sandbox_i\d{11}$`},
		"private_key":   {mm.LiqPay.PrivateKey, `^sandbox_[A-Za-z0-9]{40}$`},
		"client_id":     {mm.Liquido.ClientID, `^[a-z0-9]{26}$`},
		"client_secret": {mm.Liquido.ClientSecret, `^[a-z0-9]{52}$`},
		"api_key":       {mm.Liquido.APIKey, `^[A-Za-z0-9]{40}$`},
		"token":         {mm.Token, `^mpt_[0-9a-f]{48}$`},
	} {
		if !regexp.MustCompile(re.re).MatchString(re.got) {
			t.Errorf("%s %q does not match %s", what, re.got, re.re)
		}
	}

	// LiqPay: a payment signed with the new keys, its callback signed with
	// the new private key.
	resp := call(t, m.liqpayOf(mm), "request", payParams("made-1", "4242424242424242"))
	checkFields(t, "pay with the made keys", map[string]any{"status": "success", "public_key": mm.LiqPay.PublicKey}, resp)
	m.ctl(t, http.MethodPost, "/_mockpay/clock/advance", "", map[string]any{"duration": "0s", "merchant": mm.LiqPay.PublicKey})
	seen := rv.seen()
	if len(seen) != 1 || seen[0].payment["order_id"] != "made-1" {
		t.Fatalf("callbacks at the made merchant's server_url: %+v", seen)
	}
	if got := liqpayclient.Sign(mm.LiqPay.PrivateKey, seen[0].data, false); got != seen[0].signature {
		t.Errorf("callback signature %q, want one made with the new private key (%q)", seen[0].signature, got)
	}
	// The default merchant's keys do not sign for the new one.
	wrong := &liqpayclient.Client{BaseURL: m.base, PublicKey: mm.LiqPay.PublicKey, PrivateKey: privateKey, Encoding: liqpayclient.Go, HTTP: httpClient}
	checkFields(t, "pay signed with another key", map[string]any{"status": "error", "err_code": "invalid_signature"},
		call(t, wrong, "request", payParams("made-2", "4242424242424242")))

	// Liquido: a token and a CO card charge, without tax withholding (off
	// for new merchants unless asked for).
	got := lq.post(t, lqOf(mm), "/v1/payments/charges/card", liquidotest.CardCharge("made-co", "CO", "4242424242424242"))
	checkFields(t, "CO charge of a new merchant", map[string]any{"transferStatus": "SETTLED", "finalAmount": 10000.0, "amountDetails": nil}, got)
	taxed := m.makeMerchant(t, "", map[string]any{"liquido": map[string]any{"tax_withholding": true}})
	got = lq.post(t, lqOf(taxed), "/v1/payments/charges/card", liquidotest.CardCharge("taxed-co", "CO", "4242424242424242"))
	checkFields(t, "CO charge of a merchant with withholding", map[string]any{"transferStatus": "SETTLED", "finalAmount": 10200.0}, got)
	// The built-in default merchant keeps it on (the seed example).
	got = lq.post(t, lqDefault, "/v1/payments/charges/card", liquidotest.CardCharge("default-co", "CO", "4242424242424242"))
	checkFields(t, "CO charge of the default merchant", map[string]any{"finalAmount": 10200.0}, got)

	// Listed, with the configured (built-in) ones, a page at a time.
	code, list := m.ctl(t, http.MethodGet, "/_mockpay/merchants?limit=2&offset=1", "", nil)
	if code != http.StatusOK || list["total"] != 5.0 {
		t.Fatalf("GET /_mockpay/merchants: HTTP %d %v", code, list)
	}
	var keys []string
	for _, x := range list["merchants"].([]any) {
		keys = append(keys, x.(map[string]any)["merchant"].(string)+"/"+x.(map[string]any)["source"].(string))
	}
	if diff := cmp.Diff([]string{mm.LiqPay.PublicKey + "/api", "sandbox-client-id/default"}, keys); diff != "" {
		t.Errorf("page 2 (-want +got):\n%s", diff)
	}
	if code, page := m.ctl(t, http.MethodGet, "/_mockpay/merchants?limit=5000", "", nil); code != http.StatusOK || page["limit"] != 1000.0 {
		t.Errorf("limit=5000: HTTP %d limit %v, want 200 capped to 1000", code, page["limit"])
	}
	code, one := m.ctl(t, http.MethodGet, "/_mockpay/merchants/"+mm.Liquido.ClientID, "", nil)
	if code != http.StatusOK || one["merchants"].([]any)[0].(map[string]any)["api_key"] != mm.Liquido.APIKey {
		t.Errorf("GET one merchant: HTTP %d %v", code, one)
	}

	// Deleted: its keys, access tokens and control token stop working.
	oldToken := lq.token(t, lqOf(mm))
	for _, key := range []string{mm.LiqPay.PublicKey, mm.Liquido.ClientID} {
		if code, body := m.ctl(t, http.MethodDelete, "/_mockpay/merchants/"+key, "", nil); code != http.StatusNoContent {
			t.Fatalf("DELETE %s: HTTP %d %v", key, code, body)
		}
	}
	checkFields(t, "pay after delete", map[string]any{"status": "error", "err_code": "public_key_not_found"},
		call(t, m.liqpayOf(mm), "request", payParams("made-3", "4242424242424242")))
	if r := lq.tokenRequest(t, lqCredentials(lqOf(mm)), nil); r.code != http.StatusBadRequest {
		t.Errorf("Liquido token after delete: HTTP %d %s", r.code, r.body)
	}
	if r := lq.send(t, http.MethodGet, "/v1/payments/charges/made-co", nil, lqAuth(oldToken, lqOf(mm))); r.code != http.StatusUnauthorized {
		t.Errorf("Liquido call with a token of a deleted merchant: HTTP %d %s", r.code, r.body)
	}
	if code, _ := m.ctl(t, http.MethodGet, "/_mockpay/clock", mm.Token, nil); code != http.StatusUnauthorized {
		t.Errorf("control token of a deleted merchant: HTTP %d, want 401", code)
	}
	for key, want := range map[string]int{mm.LiqPay.PublicKey: http.StatusNotFound, publicKey: http.StatusConflict} {
		if code, body := m.ctl(t, http.MethodDelete, "/_mockpay/merchants/"+key, "", nil); code != want {
			t.Errorf("DELETE %s: HTTP %d %v, want %d", key, code, body, want)
		}
	}
}

func TestMerchantScenarioSetAppliesToThatMerchantOnly(t *testing.T) {
	t.Parallel()
	m := start(t)
	yaml := "version: 1\nprovider: liqpay\nscenarios:\n  - name: decline\n    match:\n      card: \"4242424242424242\"\n" +
		"    outcome:\n      status: failure\n      code: limit\n"
	mm := m.makeMerchant(t, "", map[string]any{"liqpay": map[string]any{}, "scenarios": yaml})
	checkFields(t, "the made merchant", map[string]any{"status": "failure", "err_code": "limit"},
		call(t, m.liqpayOf(mm), "request", payParams("sc-1", "4242424242424242")))
	checkFields(t, "the default merchant", map[string]any{"status": "success"}, m.do(t, payParams("sc-1", "4242424242424242")))

	code, body := m.ctl(t, http.MethodPost, "/_mockpay/merchants", "", map[string]any{"liqpay": map[string]any{}, "scenarios": "version: 1\nscenarios: [ {name: x, outcome: {status: nope}} ]\n"})
	if code != http.StatusBadRequest || body["errors"] == nil {
		t.Errorf("a bad scenario set: HTTP %d %v, want 400 with errors", code, body)
	}
	for _, bad := range []any{`{}`, `{"liqpay":{"server_url":"ftp://x"}}`, `{"liqpay":{},"callbacks":{"backoff":["-1s"]}}`, `{"nope":1}`, `[`} {
		if code, _ := m.ctl(t, http.MethodPost, "/_mockpay/merchants", "", bad); code != http.StatusBadRequest {
			t.Errorf("POST %s: HTTP %d, want 400", bad, code)
		}
	}
}

// A merchant's hosted pages (LiqPay 3-D Secure, Liquido checkout) stop
// working when it is deleted, and when it is reset.
func TestPagesOfADeletedOrResetMerchantStopWorking(t *testing.T) {
	t.Parallel()
	m := start(t)
	lq := &lqServer{mockpay: m, tokens: map[string]string{}}
	for _, end := range []string{"reset", "delete"} {
		t.Run(end, func(t *testing.T) {
			mm := m.makeMerchant(t, "", map[string]any{"liqpay": map[string]any{}, "liquido": map[string]any{}})
			threeDS, _ := call(t, m.liqpayOf(mm), "request", payParams("pages-1", "4000000000003063"))["redirect_to"].(string)
			got := lq.post(t, lqOf(mm), "/v1/payments/charges/card", lqWith(liquidotest.CardCharge("pages-1", "MX", "4242424242424242"),
				"paymentMethod", "CREDIT_CARD", "paymentFlow", "REDIRECT", "merchantRedirectInfo", map[string]any{"merchantPageUrl": "https://shop.example/back"}))
			checkout, _ := lqAt(got, "transferDetails.card.paymentUrl").(string)
			for _, u := range []string{threeDS, checkout} {
				if p := lqPage(t, http.MethodGet, u, nil); !strings.HasPrefix(u, m.base) || p.code != http.StatusOK {
					t.Fatalf("page %q before the %s: HTTP %d", u, end, p.code)
				}
			}
			for _, key := range []string{mm.LiqPay.PublicKey, mm.Liquido.ClientID} {
				method, path, want := http.MethodPost, "/_mockpay/reset?merchant="+key, http.StatusOK
				if end == "delete" {
					method, path, want = http.MethodDelete, "/_mockpay/merchants/"+key, http.StatusNoContent
				}
				if code, body := m.ctl(t, method, path, "", nil); code != want {
					t.Fatalf("%s %s: HTTP %d %v", method, path, code, body)
				}
			}
			for _, u := range []string{threeDS, checkout} {
				if p := lqPage(t, http.MethodGet, u, nil); p.code != http.StatusNotFound {
					t.Errorf("page %q after the %s: HTTP %d, want 404", u, end, p.code)
				}
			}
		})
	}
}

package server_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mockpay/mockpay/emulator/liqpay"
)

// Merchants made, used, reset and deleted while others are listed and
// everything is reset: no race, no 5xx, and each pay answers in LiqPay's
// shape (success, or public_key_not_found once its merchant is gone).
func TestMerchantsChurnUnderConcurrentUse(t *testing.T) {
	ts := newServer(t)
	ctl := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode >= 500 {
			t.Errorf("%s %s: HTTP %d %v", method, path, resp.StatusCode, out)
		}
		return resp.StatusCode, out
	}
	payAs := func(pub, priv, order string) map[string]any {
		p := pay(order, "4242424242424242")
		p["public_key"], p["version"] = pub, 3
		raw, _ := json.Marshal(p)
		data := base64.StdEncoding.EncodeToString(raw)
		resp, err := http.PostForm(ts.URL+"/api/request", url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA1, priv, data)}})
		if err != nil {
			t.Error(err)
			return nil
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, made := ctl(http.MethodPost, "/_mockpay/merchants", `{"liqpay":{},"liquido":{}}`)
			if code != http.StatusCreated {
				t.Errorf("create: HTTP %d %v", code, made)
				return
			}
			lp := made["liqpay"].(map[string]any)
			pub, priv := lp["public_key"].(string), lp["private_key"].(string)
			lqKey := made["liquido"].(map[string]any)["client_id"].(string)
			for j := range 5 {
				if got := payAs(pub, priv, fmt.Sprintf("o-%d-%d", i, j)); got["status"] != "success" {
					t.Errorf("pay: %v", got)
				}
				ctl(http.MethodPost, "/_mockpay/reset?merchant="+pub, "")
				ctl(http.MethodGet, "/_mockpay/merchants?limit=3", "")
				ctl(http.MethodPost, "/_mockpay/clock/advance", `{"duration":"1m","merchant":"`+pub+`"}`)
			}
			if i%2 == 0 {
				ctl(http.MethodPost, "/_mockpay/reset", "")
			}
			for _, k := range []string{pub, lqKey} {
				if code, _ := ctl(http.MethodDelete, "/_mockpay/merchants/"+k, ""); code != http.StatusNoContent {
					t.Errorf("delete %s: HTTP %d", k, code)
				}
			}
			if got := payAs(pub, priv, "after"); got["err_code"] != "public_key_not_found" {
				t.Errorf("pay after delete: %v", got)
			}
		}()
	}
	wg.Wait()
	_, list := ctl(http.MethodGet, "/_mockpay/merchants", "")
	if list["total"] != 2.0 {
		t.Errorf("after the churn: %v merchants, want the 2 built-in ones", list["total"])
	}
}

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/internal/liquidotest"
)

func TestPaymentsListAndTimeline(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t, 500, 200)
	order := orderID(t)
	paid := m.do(t, set(payParams(order+"-ok", "4242424242424242"), "server_url", rv.URL+"/cb"))
	failed := m.do(t, payParams(order+"-declined", "4000000000000002"))
	if paid["status"] != "success" || failed["status"] != "failure" {
		t.Fatalf("payments: %v / %v", paid, failed)
	}
	m.advance(t, "2s") // the callback's retry after its first 500
	m.advance(t, "1h") // touches nothing of these payments: not in their timelines

	code, out := m.send(t, http.MethodGet, "/_mockpay/payments?merchant="+publicKey, "", "")
	if code != http.StatusOK {
		t.Fatalf("list: HTTP %d %v", code, out)
	}
	list := out["payments"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["order_id"] != order+"-declined" {
		t.Fatalf("list, newest first: %v", list)
	}
	first := list[1].(map[string]any)
	for k, want := range map[string]any{"provider": "liqpay", "merchant": publicKey, "status": "success", "amount": float64(100), "currency": "UAH"} {
		if fmt.Sprint(first[k]) != fmt.Sprint(want) {
			t.Errorf("payment %s = %v, want %v", k, first[k], want)
		}
	}
	if first["payment"].(map[string]any)["sender_card_mask2"] != "424242*42" {
		t.Errorf("payment JSON: %v", first["payment"])
	}

	for query, want := range map[string]int{
		"status=failure":                        1,
		"order_id=" + order + "-ok":             1,
		"provider=liquido":                      0,
		"from=2000-01-01T00:00:00Z":             2,
		"to=946684800000":                       0, // epoch ms of 2000-01-01
		"merchant=" + publicKey + "&limit=1":    1,
		"merchant=" + publicKey + "&offset=1":   1,
		"merchant=" + publicKey + "&limit=9999": 2, // capped, not refused
	} {
		code, out := m.send(t, http.MethodGet, "/_mockpay/payments?"+query, "", "")
		if code != http.StatusOK || len(out["payments"].([]any)) != want {
			t.Errorf("?%s: HTTP %d, %d payments, want %d", query, code, len(out["payments"].([]any)), want)
		}
	}
	if _, out := m.send(t, http.MethodGet, "/_mockpay/payments?limit=1", "", ""); fmt.Sprint(out["page"].(map[string]any)["next_offset"]) != "1" {
		t.Errorf("page: %v", out["page"])
	}
	for _, query := range []string{"limit=0", "offset=-1", "from=yesterday"} {
		if code, _ := m.send(t, http.MethodGet, "/_mockpay/payments?"+query, "", ""); code != http.StatusBadRequest {
			t.Errorf("?%s: HTTP %d, want 400", query, code)
		}
	}

	id := fmt.Sprint(asNumber(paid["payment_id"]))
	code, out = m.send(t, http.MethodGet, "/_mockpay/payments/"+id+"?merchant="+publicKey, "", "")
	if code != http.StatusOK {
		t.Fatalf("get: HTTP %d %v", code, out)
	}
	var kinds []string
	for _, e := range out["timeline"].([]any) {
		ev := e.(map[string]any)
		kind := ev["kind"].(string)
		switch kind {
		case "status":
			kind += " " + ev["status"].(string)
		case "callback_attempt":
			kind += fmt.Sprintf(" %v", ev["callback"].(map[string]any)["response_status"])
		case "request":
			kind += " " + ev["request"].(map[string]any)["action"].(string)
		}
		kinds = append(kinds, kind)
	}
	want := []string{"request pay", "status success", "callback_attempt 500", "clock", "callback_attempt 200"}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("timeline %v, want %v", kinds, want)
	}

	// Another merchant's view: 404, as scoping requires.
	if code, _ := m.send(t, http.MethodGet, "/_mockpay/payments/"+id+"?merchant=sandbox-client-id", "", ""); code != http.StatusNotFound {
		t.Errorf("another merchant's payment: HTTP %d, want 404", code)
	}
	if code, _ := m.send(t, http.MethodGet, "/_mockpay/payments/999?merchant="+publicKey, "", ""); code != http.StatusNotFound {
		t.Errorf("unknown payment: HTTP %d, want 404", code)
	}
	if code, _ := m.send(t, http.MethodGet, "/_mockpay/payments?merchant=nobody", "", ""); code != http.StatusNotFound {
		t.Errorf("unknown merchant: HTTP %d, want 404", code)
	}
}

// Liquido payments, journal and await, for two merchants of one instance
// that never see each other's.
func TestLiquidoPaymentsJournalAndAwaitPerMerchant(t *testing.T) {
	t.Parallel()
	other := lqNamed("observe-b")
	s := lqStart(t, other)
	rv := callbacktest.New(t)
	keys := map[string]string{}
	for _, m := range []lqMerchant{lqDefault, other} {
		key := lqKey(t, m.id)
		keys[m.id] = key
		body := lqWith(liquidotest.CardCharge(key, "BR", "4111111111111111"), "callbackUrl", rv.URL+"/cb")
		body["card"].(map[string]any)["cvc"] = "733"
		if got := s.post(t, m, "/v1/payments/charges/card", body); got["transferStatus"] != "SETTLED" {
			t.Fatalf("charge as %s: %v", m.id, got)
		}
		s.payment(t, m, key)
	}

	for _, m := range []lqMerchant{lqDefault, other} {
		key := keys[m.id]
		code, out := s.send2(t, "/_mockpay/payments?merchant="+m.id)
		list := out["payments"].([]any)
		if code != http.StatusOK || len(list) != 1 || list[0].(map[string]any)["id"] != key {
			t.Errorf("payments of %s: HTTP %d %v", m.id, code, list)
		}
		code, out = s.send2(t, "/_mockpay/await/payment?merchant="+m.id+"&idempotency_key="+key+"&status=SETTLED&timeout=5s")
		if code != http.StatusOK {
			t.Errorf("await %s: HTTP %d %v", key, code, out)
		}
		code, out = s.send2(t, "/_mockpay/await/callbacks?merchant="+m.id+"&reference_id="+key+"&timeout=5s")
		if code != http.StatusOK {
			t.Errorf("await the callback of %s: HTTP %d %v", key, code, out)
		}

		// The journal files each request under its merchant: the token
		// request, the charge and the retrieve.
		resp, err := httpClient.Get(s.base + "/_mockpay/journal?merchant=" + m.id)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text := string(raw)
		for _, leak := range []string{"4111111111111111", `"733"`, `"cvc"`, m.secret, m.apiKey} {
			if strings.Contains(text, leak) {
				t.Errorf("journal of %s shows %q", m.id, leak)
			}
		}
		var j struct {
			Entries []struct {
				Merchant       string              `json:"merchant"`
				Route          string              `json:"route"`
				Refs           []string            `json:"refs"`
				RequestHeaders map[string][]string `json:"request_headers"`
				RequestBody    string              `json:"request_body"`
			} `json:"entries"`
		}
		if err := json.Unmarshal(raw, &j); err != nil {
			t.Fatal(err)
		}
		var routes []string
		for _, e := range j.Entries {
			routes = append(routes, e.Route)
			if e.Merchant != m.id {
				t.Errorf("journal of %s holds an entry of %s", m.id, e.Merchant)
			}
			if a := e.RequestHeaders["Authorization"]; len(a) > 0 && !strings.HasPrefix(a[0], "Bearer ****") {
				t.Errorf("Authorization stored as %q", a[0])
			}
		}
		if fmt.Sprint(routes) != "[/v1/payments/charges/{key} /v1/payments/charges/card /oauth2/token]" {
			t.Errorf("journal routes of %s: %v", m.id, routes)
		}
		if len(j.Entries) > 1 && !strings.Contains(j.Entries[1].RequestBody, "411111******1111") {
			t.Errorf("charge body stored as %s", j.Entries[1].RequestBody)
		}

		code, out = s.send2(t, "/_mockpay/payments/"+key+"?merchant="+m.id)
		if code != http.StatusOK {
			t.Fatalf("payment %s: HTTP %d %v", key, code, out)
		}
		var kinds []string
		for _, e := range out["timeline"].([]any) {
			kinds = append(kinds, e.(map[string]any)["kind"].(string))
		}
		if fmt.Sprint(kinds) != "[request status callback_attempt request]" {
			t.Errorf("timeline of %s: %v", key, kinds)
		}
	}
	// Scoped by merchant: the default merchant cannot address the other's.
	if code, _ := s.send2(t, "/_mockpay/payments/"+keys[other.id]+"?merchant="+lqDefault.id); code != http.StatusNotFound {
		t.Errorf("another merchant's payment: HTTP %d, want 404", code)
	}
}

// send2 GETs a control-plane path and decodes its JSON.
func (s *lqServer) send2(t *testing.T, path string) (int, map[string]any) {
	t.Helper()
	return s.mockpay.send(t, http.MethodGet, path, "", "")
}

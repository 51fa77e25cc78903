package e2e

import (
	"fmt"
	"net/http"
	"testing"
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

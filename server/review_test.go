package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func do(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A request that fails validation or the order_id check never reaches its
// scenario, so it does not use up the scenario's times.
func TestRejectedChargesDoNotUseUpTimes(t *testing.T) {
	ts := newServer(t)
	yaml := `version: 1
provider: liqpay
scenarios:
  - name: once
    times: 1
    match: {card: "4111111111111111"}
    outcome: {status: failure, code: "9859"}
`
	if code, body := do(t, http.MethodPut, ts.URL+"/_mockpay/scenarios/once", yaml); code != http.StatusOK {
		t.Fatalf("PUT: %d %s", code, body)
	}
	bad := pay("t-1", "4111111111111111")
	delete(bad, "card_cvv")
	if r := post(t, ts.URL, bad); r["err_code"] != "err_missing" {
		t.Fatalf("without card_cvv: %v", r)
	}
	post(t, ts.URL, pay("t-0", "4242424242424242"))
	if r := post(t, ts.URL, pay("t-0", "4111111111111111")); r["err_code"] != "order_id_duplicate" {
		t.Fatalf("duplicate order: %v", r)
	}
	if r := post(t, ts.URL, pay("t-1", "4111111111111111")); r["status"] != "failure" || r["err_code"] != "9859" {
		t.Fatalf("the first valid charge: %v %v, want the scenario's failure", r["status"], r["err_code"])
	}
	if r := post(t, ts.URL, pay("t-2", "4111111111111111")); r["status"] != "success" {
		t.Fatalf("the second valid charge: %v, want success (times used up)", r["status"])
	}
}

func TestClockAdvanceIsBoundedAndTargeted(t *testing.T) {
	ts := newServer(t)
	if code, _ := do(t, http.MethodPost, ts.URL+"/_mockpay/clock/advance", `{"duration":"9223372036854775807ns"}`); code != http.StatusBadRequest {
		t.Fatalf("an advance of 292 years: HTTP %d, want 400", code)
	}
	// provider in the body, no merchant: only that provider's clocks move.
	if code, body := do(t, http.MethodPost, ts.URL+"/_mockpay/clock/advance", `{"duration":"1h","provider":"liquido"}`); code != http.StatusOK {
		t.Fatalf("advance: %d %s", code, body)
	}
	_, body := do(t, http.MethodGet, ts.URL+"/_mockpay/clock", "")
	var got struct {
		Clocks []struct {
			Provider, Offset string
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	for _, c := range got.Clocks {
		moved := !strings.HasPrefix(c.Offset, "0s") && c.Offset != "0s"
		if moved != (c.Provider == "liquido") {
			t.Errorf("%s clock offset %s after advancing liquido only", c.Provider, c.Offset)
		}
	}
}

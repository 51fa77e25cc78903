package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

func TestJournalMasksCardsAndFindsProblems(t *testing.T) {
	t.Parallel()
	m := start(t, "--journal-max", "4")
	order := orderID(t)
	// A distinctive CVV, so finding it anywhere is a leak.
	if resp := m.do(t, set(payParams(order, "4242424242424242"), "card_cvv", "918")); resp["status"] != "success" {
		t.Fatalf("pay: %v", resp)
	}
	// A LiqPay error comes with HTTP 200: a wrong signature.
	bad := call(t, &liqpayclient.Client{BaseURL: m.base, PublicKey: publicKey, PrivateKey: "wrong", Encoding: liqpayclient.Go, HTTP: httpClient},
		"request", map[string]any{"version": 3, "action": "status", "order_id": order})
	if bad["result"] != "error" {
		t.Fatalf("wrong signature answered %v", bad)
	}
	if code, _ := m.send(t, http.MethodGet, "/nowhere", "", ""); code != http.StatusNotFound {
		t.Fatalf("unmatched path: HTTP %d", code)
	}

	// raw answers the journal's text (to look for leaks) and its JSON.
	raw := func(query string) (int, string, map[string]any) {
		t.Helper()
		resp, err := httpClient.Get(m.base + "/_mockpay/journal?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("journal answer is not JSON: %s", body)
		}
		return resp.StatusCode, string(body), out
	}

	code, text, out := raw("merchant=" + publicKey)
	if code != http.StatusOK {
		t.Fatalf("journal: HTTP %d %s", code, text)
	}
	for _, leak := range []string{"4242424242424242", `"918"`, `=918`, "card_cvv", privateKey} {
		if strings.Contains(text, leak) {
			i := strings.Index(text, leak)
			t.Errorf("the journal shows %q: …%s…", leak, text[max(i-80, 0):min(i+40, len(text))])
		}
	}
	entries := out["entries"].([]any)
	if len(entries) != 2 {
		t.Fatalf("journal of %s has %d entries, want 2 (pay, status): %v", publicKey, len(entries), entries)
	}
	pay := entries[1].(map[string]any)
	data := pay["request_data"].(map[string]any)
	if data["card"] != "424242******4242" || data["action"] != "pay" || pay["route"] != "/api/request" || pay["error"] != false {
		t.Errorf("pay entry: %v", pay)
	}
	if e := entries[0].(map[string]any); e["error"] != true || e["error_code"] != "invalid_signature" || fmt.Sprint(e["status"]) != "200" {
		t.Errorf("wrong-signature entry: error=%v error_code=%v status=%v", e["error"], e["error_code"], e["status"])
	}

	// problems=1 finds the LiqPay error and the unmatched path.
	_, _, out = raw("problems=1")
	var paths []string
	for _, e := range out["entries"].([]any) {
		e := e.(map[string]any)
		paths = append(paths, fmt.Sprintf("%v %v", e["path"], e["route"]))
	}
	if fmt.Sprint(paths) != "[/nowhere unmatched /api/request /api/request]" {
		t.Errorf("problems: %v", paths)
	}
	if _, _, out = raw("unmatched=1"); len(out["entries"].([]any)) != 1 {
		t.Errorf("unmatched=1: %v", out["entries"])
	}
	if _, _, out = raw("merchant=" + publicKey + "&limit=1"); len(out["entries"].([]any)) != 1 || fmt.Sprint(out["page"].(map[string]any)["total"]) != "2" {
		t.Errorf("limit=1: %v", out["page"])
	}
	id := pay["id"].(string)
	if code, _ := m.send(t, http.MethodGet, "/_mockpay/journal/"+id+"?merchant=sandbox-client-id", "", ""); code != http.StatusNotFound {
		t.Errorf("another merchant's entry: HTTP %d, want 404", code)
	}
	if code, e := m.send(t, http.MethodGet, "/_mockpay/journal/"+id, "", ""); code != http.StatusOK || e["id"] != id {
		t.Errorf("entry %s: HTTP %d %v", id, code, e)
	}

	// The cap: --journal-max 4 keeps a merchant's newest four.
	for i := range 4 {
		m.do(t, map[string]any{"version": 3, "action": "status", "order_id": fmt.Sprint(order, i)})
	}
	if _, _, out = raw("merchant=" + publicKey); fmt.Sprint(out["page"].(map[string]any)["total"]) != "4" || fmt.Sprint(out["max_per_merchant"]) != "4" {
		t.Errorf("capped journal: %v, max %v", out["page"], out["max_per_merchant"])
	}

	// Cleared per merchant: the unmatched request stays.
	if code, out := m.send(t, http.MethodDelete, "/_mockpay/journal?merchant="+publicKey, "", ""); code != http.StatusOK || fmt.Sprint(out["cleared"]) != "4" {
		t.Errorf("clear: HTTP %d %v", code, out)
	}
	if _, _, out = raw(""); len(out["entries"].([]any)) != 1 {
		t.Errorf("after clearing %s: %v", publicKey, out["entries"])
	}
}

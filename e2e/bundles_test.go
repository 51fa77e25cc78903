package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/bundle"
)

// controlBody GETs a control plane path and returns the body, failing on any
// status but 200.
func (m *mockpay) controlBody(t *testing.T, path string) []byte {
	t.Helper()
	resp, err := httpClient.Get(m.base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d: %s", path, resp.StatusCode, body)
	}
	return body
}

// runMockpay runs the binary with args and returns its exit status and output.
func runMockpay(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("mockpay %v: %v", args, err)
	}
	return code, stdout.String(), stderr.String()
}

// decodeAny decodes an answer for a comparison after JSON decoding.
func decodeAny(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, raw)
	}
	return v
}

// TestBundleReplayAnswersAsTheOriginal makes LiqPay payments in several
// statuses and Liquido charges, exports each merchant's run with `mockpay
// bundle`, checks the file is HAR 1.2 with no card number in it, serves it
// with `mockpay replay`, and asks the replay every read the original
// answered: LiqPay status, Liquido retrieve and the control plane's
// payment list must come back the same.
func TestBundleReplayAnswersAsTheOriginal(t *testing.T) {
	t.Parallel()
	s := &lqServer{mockpay: start(t), tokens: map[string]string{}}
	orders := map[string]map[string]any{
		"b-paid":   payParams("b-paid", "4242424242424242"),
		"b-held":   set(payParams("b-held", "4242424242424242"), "action", "hold"),
		"b-3ds":    payParams("b-3ds", "4000000000003063"),
		"b-failed": payParams("b-failed", "4000000000000002"),
		"b-refund": set(payParams("b-refund", "4242424242424242"), "amount", "5"),
	}
	for _, p := range orders {
		s.do(t, p)
	}
	s.do(t, map[string]any{"version": 3, "action": "refund", "order_id": "b-refund", "amount": "2"})
	m := lqDefault
	lqKeys := []string{"bl-card", "bl-auth", "bl-pix"}
	s.post(t, m, "/v1/payments/charges/card", lqCard("bl-card", "BR", "4242424242424242"))
	s.post(t, m, "/v1/payments/charges/card", lqWith(lqCard("bl-auth", "MX", "4242424242424242"), "capture", false))
	s.post(t, m, "/v1/payments/charges/pix", lqLocal("bl-pix", "BR", "PIX_DYNAMIC_QR"))
	s.advance(t, m, "30s")

	liqpayReads := func(s *lqServer) map[string]any {
		out := map[string]any{}
		for order := range orders {
			out[order] = s.do(t, map[string]any{"version": 3, "action": "status", "order_id": order})
		}
		out["list"] = decodeAny(t, s.controlBody(t, "/_mockpay/payments?merchant="+publicKey))
		return out
	}
	liquidoReads := func(s *lqServer) map[string]any {
		out := map[string]any{}
		for _, key := range lqKeys {
			out[key] = s.payment(t, m, key)
		}
		out["list"] = decodeAny(t, s.controlBody(t, "/_mockpay/payments?merchant="+m.id))
		return out
	}
	statuses := map[string]bool{}
	beforeLiqPay, beforeLiquido := liqpayReads(s), liquidoReads(s)
	for order := range orders {
		statuses[beforeLiqPay[order].(map[string]any)["status"].(string)] = true
	}
	if len(statuses) < 4 {
		t.Fatalf("want LiqPay payments in at least 4 statuses, got %v", statuses)
	}

	dir := t.TempDir()
	for _, tc := range []struct {
		merchant string
		reads    func(*lqServer) map[string]any
		before   map[string]any
	}{
		{publicKey, liqpayReads, beforeLiqPay},
		{m.id, liquidoReads, beforeLiquido},
	} {
		file := filepath.Join(dir, tc.merchant+".har")
		if code, out, errOut := runMockpay(t, "bundle", "--url", s.base, "--merchant", tc.merchant, "-o", file); code != 0 {
			t.Fatalf("mockpay bundle: exit %d\n%s%s", code, out, errOut)
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		checkHAR(t, raw)
		checkNoCards(t, raw, "4242424242424242", "4000000000003063", "4000000000000002")
		if !bytes.Contains(raw, []byte(`"url":"`+s.base+`/`)) && !bytes.Contains(raw, []byte(`"url": "`+s.base+`/`)) {
			t.Errorf("no request URL under %s in the bundle", s.base)
		}
		r := &lqServer{mockpay: startWith(t, nil, "replay", file, "--addr", "127.0.0.1:0"), tokens: map[string]string{}}
		if diff := cmp.Diff(tc.before, tc.reads(r)); diff != "" {
			t.Errorf("%s: the replay answers differently (-original +replay):\n%s", tc.merchant, diff)
		}
	}
}

// checkHAR holds a bundle to the fields HAR 1.2 requires
// (http://www.softwareishard.com/blog/har-12-spec/).
func checkHAR(t *testing.T, raw []byte) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("bundle is not JSON: %v", err)
	}
	log, ok := doc["log"].(map[string]any)
	if !ok {
		t.Fatal("no log object")
	}
	if log["version"] != "1.2" {
		t.Errorf("log.version = %v, want 1.2", log["version"])
	}
	creator, _ := log["creator"].(map[string]any)
	for _, k := range []string{"name", "version"} {
		if _, ok := creator[k].(string); !ok {
			t.Errorf("log.creator.%s missing", k)
		}
	}
	entries, ok := log["entries"].([]any)
	if !ok || len(entries) == 0 {
		t.Fatalf("log.entries = %v, want a non-empty list", log["entries"])
	}
	// kinds: s string, n number, a array, o object.
	want := map[string]map[string]string{
		"":         {"startedDateTime": "s", "time": "n", "request": "o", "response": "o", "cache": "o", "timings": "o"},
		"request":  {"method": "s", "url": "s", "httpVersion": "s", "cookies": "a", "headers": "a", "queryString": "a", "headersSize": "n", "bodySize": "n"},
		"response": {"status": "n", "statusText": "s", "httpVersion": "s", "cookies": "a", "headers": "a", "content": "o", "redirectURL": "s", "headersSize": "n", "bodySize": "n"},
		"content":  {"size": "n", "mimeType": "s"},
		"timings":  {"send": "n", "wait": "n", "receive": "n"},
	}
	kind := func(v any) string {
		switch v.(type) {
		case string:
			return "s"
		case float64:
			return "n"
		case []any:
			return "a"
		case map[string]any:
			return "o"
		}
		return "?"
	}
	for i, e := range entries {
		entry := e.(map[string]any)
		objects := map[string]map[string]any{"": entry}
		objects["request"], _ = entry["request"].(map[string]any)
		objects["response"], _ = entry["response"].(map[string]any)
		objects["timings"], _ = entry["timings"].(map[string]any)
		objects["content"], _ = objects["response"]["content"].(map[string]any)
		for obj, fields := range want {
			for f, k := range fields {
				if got := kind(objects[obj][f]); got != k {
					t.Errorf("entry %d: %s.%s is %q (%v), want kind %s", i, obj, f, got, objects[obj][f], k)
				}
			}
		}
		if s, _ := entry["startedDateTime"].(string); !strings.Contains(s, "T") {
			t.Errorf("entry %d: startedDateTime %q is not ISO 8601", i, s)
		}
	}
	if _, err := bundle.Read(bytes.NewReader(raw)); err != nil {
		t.Errorf("bundle.Read: %v", err)
	}
}

// TestBundleOnExit: with --bundle-on-exit, SIGTERM leaves one bundle per
// merchant that made a request, and none for a merchant that made none.
func TestBundleOnExit(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "bundles") // made at exit
	s := &lqServer{mockpay: startWith(t, []string{"MOCKPAY_BUNDLE_ON_EXIT=" + dir}, "serve", "--addr", "127.0.0.1:0", "--seed", seed),
		tokens: map[string]string{}}
	s.do(t, payParams("exit-1", "4242424242424242"))
	s.stop(t)
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "mockpay-liqpay-"+publicKey+".har")}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("files written at exit (-want +got):\n%s\nstderr:\n%s", diff, tail(s.stderr.String(), 2048))
	}
	raw, err := os.ReadFile(names[0])
	if err != nil {
		t.Fatal(err)
	}
	checkHAR(t, raw)
	checkNoCards(t, raw, "4242424242424242")
}

// TestBundleErrors: the control plane's refusals.
func TestBundleErrors(t *testing.T) {
	t.Parallel()
	s := start(t)
	for _, tc := range []struct {
		query string
		code  int
	}{
		{"", http.StatusBadRequest},
		{"?merchant=nobody", http.StatusNotFound},
		{"?merchant=" + publicKey + "&provider=liquido", http.StatusNotFound},
	} {
		code, body := s.send(t, http.MethodGet, "/_mockpay/bundle"+tc.query, "", "")
		if code != tc.code || body["error"] == nil {
			t.Errorf("GET /_mockpay/bundle%s: HTTP %d %v, want %d with an error", tc.query, code, body, tc.code)
		}
	}
	if code, _, errOut := runMockpay(t, "bundle", "--url", s.base, "--merchant", "nobody", "-o", filepath.Join(t.TempDir(), "x.har")); code != 1 || !strings.Contains(errOut, "no such merchant: nobody") {
		t.Errorf("mockpay bundle of an unknown merchant: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runMockpay(t, "bundle", "--url", s.base); code != 2 || !strings.Contains(errOut, "--merchant is required") {
		t.Errorf("mockpay bundle without --merchant: exit %d, stderr %q", code, errOut)
	}
	bad := writeFile(t, "bad.har", `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[]}}`)
	if code, _, errOut := runMockpay(t, "replay", bad, "--addr", "127.0.0.1:0"); code == 0 || !strings.Contains(errOut, "not a mockpay bundle") {
		t.Errorf("replay of a HAR without _mockpay: exit %d, stderr %q", code, errOut)
	}
}

// checkNoCards fails when a bundle holds one of the card numbers: as text,
// or inside any base64 value (LiqPay's data, callback bodies) or form.
func checkNoCards(t *testing.T, raw []byte, pans ...string) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var texts []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			texts = append(texts, v)
			if form, err := url.ParseQuery(v); err == nil {
				for _, vs := range form {
					texts = append(texts, vs...)
				}
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		case map[string]any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	decoded := 0
	for _, s := range texts {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) > 16 {
			texts = append(texts, string(b))
			decoded++
		}
	}
	if decoded == 0 {
		t.Error("no base64 value in the bundle: the check looked at nothing encoded")
	}
	for _, s := range texts {
		for _, pan := range pans {
			if strings.Contains(strings.NewReplacer(" ", "", "-", "").Replace(s), pan) {
				t.Errorf("the bundle holds the card number %s unmasked in %.200q", pan, s)
			}
		}
	}
}

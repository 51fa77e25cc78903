package e2e

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/audit/audittest"
	"github.com/mockpay/mockpay/internal/liquidotest"
)

// dashRequest is one signed LiqPay API request dashboard.mjs sends itself,
// as a shop's server would, while the page is open.
type dashRequest struct {
	Path        string `json:"path"`
	ContentType string `json:"contentType"`
	Body        string `json:"body"`
	Order       string `json:"order"`
	Card        string `json:"card"`
	Description string `json:"description"`
}

// TestBrowserDashboard drives the dashboard in Chromium (dashboard.mjs): the
// admin token is asked once; a payment made through the API appears without
// a reload; its story shows the request, the status and the callback; a
// refund triggered from the page brings the refund's callback attempt; the
// merchants view's receiver audit catches a planted flaw; a
// description holding markup shows as text. It saves screenshots into
// artifacts/screenshots/ and the list's into docs/dashboard.png, which the
// README shows, when MOCKPAY_UPDATE_DOCS is set. It then runs the curl lines the merchants view offers and
// checks they really pay.
//
// Without node, playwright-core (npm ci in e2e/browser) or chromium the
// test skips, except under CI, where it fails.
func TestBrowserDashboard(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	const admin = "demo-admin-token"
	// A scenario file the scenarios view lists, and breaks (scenarioBroken).
	dir := t.TempDir()
	scenarioFile := filepath.Join(dir, "demo.yaml")
	if err := os.WriteFile(scenarioFile, []byte(scenarioDemo), 0o644); err != nil {
		t.Fatal(err)
	}
	m := start(t, "--admin-token", admin, "--scenarios", dir)
	rv := newReceiver(t)
	mm := m.makeMerchant(t, admin, map[string]any{
		"liqpay":  map[string]any{"server_url": rv.URL + "/liqpay"},
		"liquido": map[string]any{"callback_url": rv.URL + "/liquido"},
	})
	lp := m.liqpayOf(mm)
	sign := func(order, card, description string) dashRequest {
		p := payParams(order, card)
		p["public_key"] = mm.LiqPay.PublicKey
		p["description"] = description
		form, _, _ := lp.Encode(p)
		return dashRequest{Path: "/api/request", ContentType: "application/x-www-form-urlencoded", Body: form,
			Order: order, Card: card, Description: description}
	}
	// Payments made before the page opens: both providers, several statuses.
	before := []dashRequest{sign("shop-1001", "4242424242424242", "Tea and cake"), sign("shop-1002", "4000000000000002", "Coffee beans, 1 kg")}
	for _, r := range before {
		call(t, lp, "request", set(payParams(r.Order, r.Card), "description", r.Description))
	}
	// A merchant whose receiver refuses every callback: retries pile up.
	refusing := newReceiver(t, 500, 500, 500, 500, 500, 500)
	bad := m.makeMerchant(t, admin, map[string]any{"liqpay": map[string]any{"server_url": refusing.URL + "/liqpay"}})
	call(t, m.liqpayOf(bad), "request", set(payParams("shop-3001", "4242424242424242"), "description", "Receiver down"))
	// A receiver that trusts unsigned callbacks, for the merchants view's
	// receiver audit to catch.
	auditTarget := httptest.NewServer(audittest.LiqPay(mm.LiqPay.PublicKey, mm.LiqPay.PrivateKey,
		audittest.Order{ID: "mockpay-audit-order", Amount: 100, Currency: "UAH"}, audittest.TrustsUnsigned))
	defer auditTarget.Close()
	lq := &lqServer{mockpay: m, tokens: map[string]string{}}
	lq.post(t, lqOf(mm), "/v1/payments/charges/card", liquidotest.CardCharge("br-2001", "BR", "4242424242424242"))

	screenshots, err := filepath.Abs("../artifacts/screenshots")
	if err != nil {
		t.Fatal(err)
	}
	// The README's picture is regenerated on request (like a golden file),
	// so an ordinary run leaves the tracked docs/dashboard.png alone.
	docs := filepath.Join(screenshots, "dashboard-readme.png")
	if os.Getenv("MOCKPAY_UPDATE_DOCS") != "" {
		docs, _ = filepath.Abs("../docs/dashboard.png")
	}
	if err := os.MkdirAll(filepath.Dir(docs), 0o755); err != nil {
		t.Fatal(err)
	}
	markup := `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> Gift & "more"`
	spec, _ := json.Marshal(map[string]any{
		"base": m.base, "token": admin, "chromium": chromiumPath, "screenshots": screenshots, "docs": docs,
		"before": before, "live": sign("shop-1003", "4242424242424242", "Demo: a live payment"),
		"failing":      "shop-3001",
		"scenarioFile": scenarioFile, "scenarioBroken": scenarioBroken,
		"markup":   sign("shop-1004", "4242424242424242", markup),
		"merchant": mm.LiqPay.Merchant, "liquidoMerchant": mm.Liquido.Merchant, "merchantToken": mm.Token,
		"auditURL": auditTarget.URL + "/liqpay/callback",
	})

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "dashboard.mjs")
	cmd.Dir = "browser"
	cmd.Env = append(os.Environ(), "DASHBOARD_SPEC="+string(spec))
	out, err := cmd.CombinedOutput()
	t.Logf("dashboard.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("dashboard.mjs: %v (screenshots in %s)", err, screenshots)
	}

	// What the shop got: the refund's callback, signed with the merchant's key.
	var reversed bool
	for _, cb := range rv.seen() {
		if cb.payment["order_id"] == "shop-1003" && cb.payment["status"] == "reversed" {
			reversed = true
		}
	}
	if !reversed {
		t.Error("the shop got no callback of the refund triggered from the page")
	}

	// The curl lines the merchants view offers really work.
	_, result, _ := strings.Cut(string(out), "RESULT ")
	var recipes struct{ LiqpayRecipe, LiquidoRecipe string }
	if err := json.Unmarshal([]byte(strings.TrimSpace(result)), &recipes); err != nil {
		t.Fatalf("no recipes from dashboard.mjs: %v", err)
	}
	for name, tc := range map[string]struct{ recipe, want string }{
		"liqpay":  {recipes.LiqpayRecipe, `"status":"success"`},
		"liquido": {recipes.LiquidoRecipe, `"transferStatus":"SETTLED"`},
	} {
		if !strings.Contains(tc.recipe, m.base) {
			t.Errorf("%s recipe does not name this server: %q", name, tc.recipe)
		}
		got, err := exec.CommandContext(ctx, "bash", "-c", tc.recipe).CombinedOutput()
		if err != nil || !strings.Contains(string(got), tc.want) {
			t.Errorf("%s recipe from the dashboard: %v\n%s\nanswered %s", name, err, tc.recipe, got)
		}
	}
}

const scenarioDemo = `version: 1
provider: liqpay
scenarios:
  - name: demo-never
    description: matches no order of this test
    match: {order_id: "no-such-order"}
    outcome: {status: failure, code: "9859"}
`

// scenarioBroken has a status LiqPay does not have on line 6, column 23.
const scenarioBroken = `version: 1
provider: liqpay
scenarios:
  - name: demo-never
    match: {order_id: "no-such-order"}
    outcome: {status: teleported}
`

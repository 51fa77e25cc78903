package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// The example scenarios (examples/scenarios), each run against the built
// binary exactly as its comment tells a user to run it. Every example has
// its entry in scExamples; TestEveryExampleScenarioHasATest keeps it so.

// scExamplesDir is the examples folder, relative to this package.
const scExamplesDir = "../examples/scenarios"

// A second LiqPay merchant, for what must stay per merchant.
const (
	scOtherPublic  = "sandbox_i33333333"
	scOtherPrivate = "scenario_second_private_key"
)

const scCard = "4242424242424242" // succeeds unless a scenario says otherwise

// scExamples maps each example file to the test proving what its comment
// promises.
var scExamples = map[string]func(t *testing.T, file string){
	"wait-secure-then-reversed.yaml":  scTestWaitSecureThenReversed,
	"lb-502.yaml":                     scTestLoadBalancer502,
	"charged-but-timed-out.yaml":      scTestChargedButTimedOut,
	"fail-twice-then-succeed.yaml":    scTestFailTwiceThenSucceed,
	"callback-twice.yaml":             scTestCallbackTwice,
	"callback-before-response.yaml":   scTestCallbackBeforeResponse,
	"callback-out-of-order.yaml":      scTestCallbackOutOfOrder,
	"callback-faults.yaml":            scTestCallbackFaults,
	"otp-scripted.yaml":               scTestOTPScripted,
	"slow-and-delayed.yaml":           scTestSlowAndDelayed,
	"override-test-card.yaml":         scTestOverrideTestCard,
	"match-by-amount-and-fields.yaml": scTestMatchByAmountAndFields,
	"verification-expires.yaml":       scTestVerificationExpires,
	"pix-expires.yaml":                scTestPixExpires,
}

func TestExampleScenarios(t *testing.T) {
	t.Parallel()
	for _, file := range slices.Sorted(maps.Keys(scExamples)) {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			scExamples[file](t, scExample(t, file))
		})
	}
}

// A new example without a test fails here, and so does a test whose
// example was renamed or removed.
func TestEveryExampleScenarioHasATest(t *testing.T) {
	t.Parallel()
	files := scExampleFiles(t)
	if diff := cmp.Diff(files, slices.Sorted(maps.Keys(scExamples))); diff != "" {
		t.Errorf("example files (-in examples/scenarios +with a test in scExamples):\n%s", diff)
	}
	readme, err := os.ReadFile(filepath.Join(scExamplesDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.Contains(string(readme), "("+f+")") {
			t.Errorf("examples/scenarios/README.md does not link %s", f)
		}
	}
}

// Every example passes `mockpay scenarios validate`, as CI would run it.
func TestExampleScenariosValidate(t *testing.T) {
	t.Parallel()
	var paths []string
	for _, f := range scExampleFiles(t) {
		paths = append(paths, filepath.Join(scExamplesDir, f))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"scenarios", "validate"}, paths...)...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("mockpay scenarios validate: %v\nstderr:\n%s", err, stderr.String())
	}
	var got []string
	for line := range strings.Lines(stdout.String()) {
		path, rest, _ := strings.Cut(line, ": ")
		if !strings.HasSuffix(rest, " valid\n") {
			t.Errorf("unexpected line %q", line)
		}
		got = append(got, path)
	}
	if diff := cmp.Diff(paths, got); diff != "" {
		t.Errorf("files reported valid (-want +got):\n%s", diff)
	}
}

// wait_secure answers the pay; the review ends on the virtual clock, with a
// callback for every status.
func scTestWaitSecureThenReversed(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	rv := newReceiver(t)
	checkFields(t, "pay of review-1", map[string]any{"result": "ok", "status": "wait_secure"},
		m.do(t, set(payParams("review-1", scCard), "server_url", rv.URL)))
	checkFields(t, "pay of review-ok-1", map[string]any{"result": "ok", "status": "wait_secure"},
		m.do(t, set(payParams("review-ok-1", scCard), "server_url", rv.URL)))
	checkFields(t, "pay of another order", map[string]any{"result": "ok", "status": "success"},
		m.do(t, payParams("plain-1", scCard)))

	m.advance(t, "9m59s")
	scCheckStatuses(t, m, "after 9m59s", map[string]string{"review-1": "wait_secure", "review-ok-1": "wait_secure"})
	m.advance(t, "1s")
	scCheckStatuses(t, m, "after 10m", map[string]string{"review-1": "wait_secure", "review-ok-1": "success"})
	m.advance(t, "49m59s")
	scCheckStatuses(t, m, "after 59m59s", map[string]string{"review-1": "wait_secure", "review-ok-1": "success"})
	m.advance(t, "1s")
	scCheckStatuses(t, m, "after 1h", map[string]string{"review-1": "reversed", "review-ok-1": "success"})

	if diff := cmp.Diff(map[string][]string{
		"review-1":    {"wait_secure", "reversed"},
		"review-ok-1": {"wait_secure", "success"},
	}, scCallbackStatuses(rv)); diff != "" {
		t.Errorf("callbacks by order (-want +got):\n%s", diff)
	}
	// The later statuses happen at their virtual times.
	for order, want := range map[string]int64{"review-1": 3600000, "review-ok-1": 600000} {
		last := scLastCallback(t, rv, order)
		scCheckAfter(t, order, last, want)
	}
}

// The load balancer's HTML page in place of JSON; nothing is charged.
func scTestLoadBalancer502(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	rv := newReceiver(t)
	client := scClient(10 * time.Second)

	for _, action := range []string{"pay", "hold"} {
		order := "lb-" + action
		r := scPost(t, m, client, set(payParams(order, scCard), "action", action, "server_url", rv.URL))
		if r.err != nil {
			t.Fatalf("%s: %v", action, r.err)
		}
		body := string(r.body)
		if r.status != http.StatusBadGateway || r.header.Get("Content-Type") != "text/html" ||
			!strings.HasPrefix(body, "<html>") || !strings.Contains(body, "<title>502 Bad Gateway</title>") ||
			!strings.Contains(body, "nginx") {
			t.Errorf("%s: HTTP %d, Content-Type %q, body %q; want 502, text/html and nginx's 502 page",
				action, r.status, r.header.Get("Content-Type"), body)
		}
		if _, err := liqpayclient.DecodeJSON(r.body); err == nil {
			t.Errorf("%s: the 502 page decodes as JSON", action)
		}
		// The request never reached LiqPay: status finds no payment.
		if diff := cmp.Diff(errorBody("payment_not_found", "Платіж не знайдено"), m.statusOf(t, order)); diff != "" {
			t.Errorf("status of %s after the 502 (-want +got):\n%s", order, diff)
		}
	}
	m.advance(t, "1h")
	if got := rv.seen(); len(got) != 0 {
		t.Errorf("callbacks for orders that were never charged: %v", scCallbackStatuses(rv))
	}

	// A body of the scenario's own, for every request about the order.
	const maintenance = "<html><body><h1>Технічні роботи</h1><p>LiqPay is under maintenance.</p></body></html>\n"
	for _, params := range []map[string]any{
		payParams("maint-1", scCard),
		{"version": 3, "action": "status", "order_id": "maint-1"},
	} {
		r := scPost(t, m, client, params)
		if r.err != nil {
			t.Fatalf("%s: %v", params["action"], r.err)
		}
		if diff := cmp.Diff([]any{499, "text/html; charset=utf-8", maintenance},
			[]any{r.status, r.header.Get("Content-Type"), string(r.body)}); diff != "" {
			t.Errorf("%s of maint-1: status, Content-Type, body (-want +got):\n%s", params["action"], diff)
		}
	}
}

// The client sees a timeout or a reset, yet the payment went through and
// its callback was sent.
func scTestChargedButTimedOut(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	rv := newReceiver(t)

	// The server stays silent for 3 s; this client gives up after 1 s.
	began := time.Now()
	r := scPost(t, m, scClient(time.Second), set(payParams("lost-hang-1", scCard), "server_url", rv.URL))
	var netErr net.Error
	if !errors.As(r.err, &netErr) || !netErr.Timeout() {
		t.Errorf("lost-hang-1: got HTTP %d, error %v; want a client timeout", r.status, r.err)
	}
	if waited := time.Since(began); waited < time.Second {
		t.Errorf("lost-hang-1: the client gave up after %v, before its 1 s timeout", waited)
	}

	// The connection is reset without an answer.
	r = scPost(t, m, scClient(10*time.Second), set(payParams("lost-reset-1", scCard), "server_url", rv.URL))
	if !scIsReset(r.err) {
		t.Errorf("lost-reset-1: got HTTP %d, error %v; want a reset connection", r.status, r.err)
	}

	m.advance(t, "0s")
	if diff := cmp.Diff(map[string][]string{"lost-hang-1": {"success"}, "lost-reset-1": {"success"}},
		scCallbackStatuses(rv)); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
	for _, order := range []string{"lost-hang-1", "lost-reset-1"} {
		checkFields(t, "status of "+order, map[string]any{"result": "ok", "status": "success", "order_id": order}, m.statusOf(t, order))
	}
}

// times: 2 fails the first two pays of the card, then it succeeds; the
// count can be reset.
func scTestFailTwiceThenSucceed(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	const card = "4111111111111111"
	limit := map[string]any{"result": "error", "status": "failure", "err_code": "limit",
		"err_description": "Перевищено ліміт на суму або кількість платежів клієнта"}
	ok := map[string]any{"result": "ok", "status": "success"}

	checkFields(t, "first pay", limit, m.do(t, payParams("retry-1", card)))
	checkFields(t, "status of the order in between", map[string]any{"result": "ok", "status": "failure"}, m.statusOf(t, "retry-1"))
	checkFields(t, "second pay, same order_id", limit, m.do(t, payParams("retry-1", card)))
	checkFields(t, "third pay, same order_id", ok, m.do(t, payParams("retry-1", card)))
	checkFields(t, "fourth pay, new order", ok, m.do(t, payParams("retry-2", card)))
	checkFields(t, "another card is not affected", ok, m.do(t, payParams("other-card", scCard)))

	if diff := cmp.Diff(map[string]int{"liqpay:" + publicKey: 2}, scUsed(t, m, "limit-twice")); diff != "" {
		t.Errorf("used counts (-want +got):\n%s", diff)
	}
	if code := scSend(t, http.MethodPost, m.base+"/_mockpay/scenarios/reset?merchant="+publicKey, "", nil); code != http.StatusNoContent {
		t.Fatalf("reset: HTTP %d", code)
	}
	checkFields(t, "first pay after the reset", limit, m.do(t, payParams("retry-3", card)))
}

// duplicate: 1 delivers the success callback twice, byte for byte.
func scTestCallbackTwice(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	rv := newReceiver(t)
	m.do(t, set(payParams("dup-1", scCard), "server_url", rv.URL))
	m.do(t, set(payParams("single-1", scCard), "server_url", rv.URL))
	m.advance(t, "0s")

	if diff := cmp.Diff(map[string][]string{"dup-1": {"success", "success"}, "single-1": {"success"}},
		scCallbackStatuses(rv)); diff != "" {
		t.Fatalf("callbacks (-want +got):\n%s", diff)
	}
	var dup []callbackSeen
	for _, s := range rv.seen() {
		if s.payment["order_id"] == "dup-1" {
			dup = append(dup, s)
		}
	}
	if dup[0].data != dup[1].data || dup[0].signature != dup[1].signature {
		t.Error("the two callbacks of dup-1 differ")
	}
	if !verify(3, dup[1].data, dup[1].signature) {
		t.Error("the duplicate does not verify")
	}
	log := m.callbacks(t, "order_id=dup-1")
	var states []string
	for _, c := range log.Callbacks {
		states = append(states, c.Status)
	}
	if diff := cmp.Diff([]string{"delivered", "delivered"}, states); diff != "" {
		t.Errorf("delivery log of dup-1 (-want +got):\n%s", diff)
	}
}

// before_response: the receiver has answered the callback before the pay
// answer arrives; without it, the answer does not wait.
func scTestCallbackBeforeResponse(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	rv := scNewTimingReceiver(t)

	m.do(t, set(payParams("early-1", scCard), "server_url", rv.URL))
	answered := time.Now()
	got, ok := rv.get("early-1")
	if !ok {
		t.Fatal("the pay of early-1 answered before its callback arrived")
	}
	if !got.answered.Before(answered) {
		t.Errorf("the receiver answered the callback at %v, after the pay answer at %v", got.answered, answered)
	}
	if got.status != "success" {
		t.Errorf("callback status %q, want success", got.status)
	}

	// Without the scenario the callback is sent after the answer: here
	// the receiver holds it until the test has seen the answer.
	m.do(t, set(payParams("late-1", scCard), "server_url", rv.URL))
	if _, ok := rv.get("late-1"); ok {
		t.Error("the callback of late-1 was recorded before the receiver was released")
	}
	close(rv.release)
	m.advance(t, "0s")
	if _, ok := rv.get("late-1"); !ok {
		t.Error("the callback of late-1 never arrived")
	}
}

// The 3ds_verify callback is delayed a minute and overtaken by success.
func scTestCallbackOutOfOrder(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	rv := newReceiver(t)
	const order = "3ds-late-1"
	r := m.do(t, set(payParams(order, "4000000000003063"), "server_url", rv.URL))
	checkFields(t, "pay", map[string]any{"result": "ok", "status": "3ds_verify"}, r)
	m.advance(t, "0s")
	if n := len(rv.seen()); n != 0 {
		t.Fatalf("%d callbacks before the delay passed, want 0", n)
	}
	redirect, _ := r["redirect_to"].(string)
	resp, err := noRedirects.Get(redirect + "?outcome=approve")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("approving 3-D Secure: HTTP %d", resp.StatusCode)
	}
	m.advance(t, "59s")
	if diff := cmp.Diff(map[string][]string{order: {"success"}}, scCallbackStatuses(rv)); diff != "" {
		t.Errorf("callbacks after 59 s (-want +got):\n%s", diff)
	}
	m.advance(t, "1s")
	if diff := cmp.Diff(map[string][]string{order: {"success", "3ds_verify"}}, scCallbackStatuses(rv)); diff != "" {
		t.Errorf("callbacks after 1 min (-want +got):\n%s", diff)
	}
	checkFields(t, "status, the merchant's way to settle it", map[string]any{"status": "success", "is_3ds": true}, m.statusOf(t, order))
}

// Wrong signature, a replayed foreign callback, a stale URL and a dropped
// callback.
func scTestCallbackFaults(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	rv := newReceiver(t)
	pay := func(order string) map[string]any {
		t.Helper()
		r := m.do(t, set(payParams(order, scCard), "server_url", rv.URL))
		checkFields(t, "pay of "+order, map[string]any{"result": "ok", "status": "success"}, r)
		m.advance(t, "0s")
		return r
	}
	lastSeen := func() callbackSeen {
		got := rv.seen()
		return got[len(got)-1]
	}

	pay("cb-wrong-1")
	wrong := lastSeen()
	if wrong.payment["order_id"] != "cb-wrong-1" || verify(3, wrong.data, wrong.signature) {
		t.Errorf("cb-wrong-1: callback about %v, signature verifies: %v; want its own order and a bad signature",
			wrong.payment["order_id"], verify(3, wrong.data, wrong.signature))
	}

	pay("plain-1")
	plain := lastSeen()
	pay("cb-foreign-1")
	foreign := lastSeen()
	if !verify(3, foreign.data, foreign.signature) {
		t.Error("cb-foreign-1: the foreign callback's signature does not verify")
	}
	if foreign.data != plain.data || foreign.payment["order_id"] != "plain-1" {
		t.Errorf("cb-foreign-1: callback about %v; want a replay of plain-1's callback", foreign.payment["order_id"])
	}

	pay("cb-stale-1")
	pay("cb-drop-1")
	if diff := cmp.Diff(map[string][]string{"cb-wrong-1": {"success"}, "plain-1": {"success", "success"}},
		scCallbackStatuses(rv)); diff != "" {
		t.Errorf("what the receiver got, by the order each callback is about (-want +got):\n%s", diff)
	}
	stale := scDeliveries(t, m, "order_id=cb-stale-1")
	if len(stale) != 1 || stale[0].URL != "http://127.0.0.1:9/old-deployment/liqpay/callback" ||
		len(stale[0].Attempts) == 0 || stale[0].Attempts[0].ResponseStatus != 0 {
		t.Errorf("cb-stale-1 delivery log: %+v; want one callback to the old URL, unanswered", stale)
	}
	if drop := scDeliveries(t, m, "order_id=cb-drop-1"); len(drop) != 0 {
		t.Errorf("cb-drop-1 delivery log: %+v; want no callback", drop)
	}
}

// Scripted confirm rules: 000000 fails, 111111 leads on to 3-D Secure,
// anything else is mockpay's own OTP check.
func scTestOTPScripted(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	const card = "4000000000003089"
	otpPay := func(order string) string {
		t.Helper()
		r := m.do(t, payParams(order, card))
		checkFields(t, "pay of "+order, map[string]any{"result": "ok", "status": "otp_verify"}, r)
		tok, _ := r["token"].(string)
		return tok
	}
	confirm := func(token, otp string) map[string]any {
		t.Helper()
		return m.do(t, map[string]any{"version": 3, "action": "confirm", "confirm_token": token, "otp": otp})
	}

	tok := otpPay("otp-zeros")
	checkFields(t, "confirm with 000000", map[string]any{"result": "error", "status": "failure", "err_code": "err_sms_otp",
		"err_description": "Wrong SMS password, no attempts left"}, confirm(tok, "000000"))

	tok = otpPay("otp-then-3ds")
	r := confirm(tok, "111111")
	checkFields(t, "confirm with 111111", map[string]any{"result": "ok", "status": "3ds_verify"}, r)
	redirect, _ := r["redirect_to"].(string)
	if !strings.HasPrefix(redirect, m.base+"/api/3ds/request/") || r["token"] == tok {
		t.Fatalf("confirm with 111111: redirect_to %q, token %v; want a 3-D Secure page and a new token", redirect, r["token"])
	}
	resp, err := noRedirects.Get(redirect + "?outcome=approve")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	checkFields(t, "after 3-D Secure", map[string]any{"status": "success", "is_3ds": true, "mpi_eci": "5"}, m.statusOf(t, "otp-then-3ds"))

	tok = otpPay("otp-default")
	checkFields(t, "confirm with a wrong OTP no rule names", map[string]any{"result": "error", "status": "error", "err_code": "err_sms_otp"},
		confirm(tok, "999999"))
	checkFields(t, "still waiting after a wrong OTP", map[string]any{"status": "otp_verify"}, m.statusOf(t, "otp-default"))
	checkFields(t, "confirm with the configured OTP", map[string]any{"result": "ok", "status": "success", "is_3ds": false},
		confirm(tok, "123456"))
}

// delay holds a processed answer back; fault slow trickles it out.
func scTestSlowAndDelayed(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	const d = 2 * time.Second
	t.Run("delay", func(t *testing.T) {
		t.Parallel()
		r := scPost(t, m, scClient(10*time.Second), payParams("slow-answer-1", scCard))
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.headers < d {
			t.Errorf("answered after %v, want at least %v", r.headers, d)
		}
		scCheckJSON(t, "delayed answer", r, map[string]any{"result": "ok", "status": "success", "order_id": "slow-answer-1"})
	})
	t.Run("delay longer than the client waits", func(t *testing.T) {
		t.Parallel()
		r := scPost(t, m, scClient(d/4), payParams("slow-answer-2", scCard))
		var netErr net.Error
		if !errors.As(r.err, &netErr) || !netErr.Timeout() {
			t.Fatalf("got HTTP %d, error %v; want a client timeout", r.status, r.err)
		}
		// The payment was made before the answer was held back.
		checkFields(t, "status", map[string]any{"result": "ok", "status": "success"}, m.statusOf(t, "slow-answer-2"))
	})
	t.Run("slow body", func(t *testing.T) {
		t.Parallel()
		r := scPost(t, m, scClient(10*time.Second), payParams("slow-body-1", scCard))
		if r.err != nil {
			t.Fatal(r.err)
		}
		// Ten parts with nine pauses of d/10 between them.
		if r.elapsed < d*9/10 {
			t.Errorf("the body was read after %v, want at least %v", r.elapsed, d*9/10)
		}
		if r.headers > r.elapsed/2 {
			t.Errorf("headers after %v of %v: want them well before the body ends", r.headers, r.elapsed)
		}
		scCheckJSON(t, "slow answer", r, map[string]any{"result": "ok", "status": "success", "order_id": "slow-body-1"})
	})
	t.Run("other orders are fast", func(t *testing.T) {
		t.Parallel()
		r := scPost(t, m, scClient(10*time.Second), payParams("fast-1", scCard))
		if r.err != nil || r.elapsed > d/2 {
			t.Errorf("answered after %v (error %v), want well under %v", r.elapsed, r.err, d)
		}
	})
}

// The success test card fails from 1000 for every merchant and is a
// foreign card for the default merchant only.
func scTestOverrideTestCard(t *testing.T, file string) {
	m := start(t, "--scenarios", file, "--config", scSecondMerchantConfig(t))
	rv := newReceiver(t)
	other := scOtherClient(m)
	foreign := map[string]any{"result": "ok", "status": "success", "sender_card_bank": "PKO Bank Polski", "sender_card_country": json.Number("616")}
	usual := map[string]any{"result": "ok", "status": "success", "sender_card_bank": "Test", "sender_card_country": json.Number("804")}
	declined := map[string]any{"result": "error", "status": "failure", "err_code": "9859"}

	checkFields(t, "default merchant, 10", foreign, m.do(t, set(payParams("small", scCard), "amount", "10", "server_url", rv.URL)))
	checkFields(t, "default merchant, 999.99", foreign, m.do(t, set(payParams("below", scCard), "amount", "999.99")))
	checkFields(t, "default merchant, 1000", declined, m.do(t, set(payParams("edge", scCard), "amount", "1000")))
	checkFields(t, "default merchant, 1500 USD", declined, m.do(t, set(payParams("big", scCard), "amount", "1500", "currency", "USD")))
	checkFields(t, "second merchant, 10", usual, scDo(t, other, set(payParams("small", scCard), "amount", "10")))
	checkFields(t, "second merchant, 1500", declined, scDo(t, other, set(payParams("big", scCard), "amount", "1500")))
	checkFields(t, "another card, 1500", usual, m.do(t, set(payParams("other-card", "4000056655665556"), "amount", "1500")))
	checkFields(t, "the built-in 3-D Secure card", map[string]any{"status": "3ds_verify"}, m.do(t, payParams("3ds", "4000000000003063")))

	m.advance(t, "0s")
	got := rv.seen()
	if len(got) != 1 {
		t.Fatalf("%d callbacks, want 1", len(got))
	}
	checkFields(t, "the callback carries the overridden fields", drop(foreign, "result"), got[0].payment)
}

// Amount ranges, currency, description regex and request fields by path.
func scTestMatchByAmountAndFields(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	ok := map[string]any{"status": "success"}
	frod := map[string]any{"result": "error", "status": "failure", "err_code": "frod"}
	tests := []struct {
		name   string
		params map[string]any
		want   map[string]any
	}{
		{"a 750 USD gift card", map[string]any{"amount": "750", "currency": "USD", "description": "Gift card for Anna"}, frod},
		{"500 USD is in the range", map[string]any{"amount": "500", "currency": "USD", "description": "gift card"}, frod},
		{"1000 USD is in the range", map[string]any{"amount": "1000.00", "currency": "USD", "description": "GIFT CARD"}, frod},
		{"a hold is matched too", map[string]any{"action": "hold", "amount": "750", "currency": "USD", "description": "gift card"}, frod},
		{"499.99 USD is below", map[string]any{"amount": "499.99", "currency": "USD", "description": "gift card"}, ok},
		{"1000.01 USD is above", map[string]any{"amount": "1000.01", "currency": "USD", "description": "gift card"}, ok},
		{"EUR is another currency", map[string]any{"amount": "750", "currency": "EUR", "description": "gift card"}, ok},
		{"the description must start with it", map[string]any{"amount": "750", "currency": "USD", "description": "Birthday gift card"}, ok},
		{"a receipt to blocked.example",
			map[string]any{"rro_info": map[string]any{"delivery_emails": []any{"anna@blocked.example"}}},
			map[string]any{"result": "error", "status": "error", "err_code": "err_payment", "err_description": "The receipt address is blocked"}},
		{"only the first receipt address is matched",
			map[string]any{"rro_info": map[string]any{"delivery_emails": []any{"anna@example.com", "bob@blocked.example"}}}, ok},
	}
	for i, tt := range tests {
		params := payParams(fmt.Sprintf("match-%d", i), scCard)
		for k, v := range tt.params {
			params[k] = v
		}
		checkFields(t, tt.name, tt.want, m.do(t, params))
	}
}

// A then-step ends an abandoned 3-D Secure after 2 min; an approved one is
// left alone.
func scTestVerificationExpires(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	rv := newReceiver(t)
	const card = "4000000000003063"
	checkFields(t, "pay, abandoned", map[string]any{"status": "3ds_verify"}, m.do(t, set(payParams("abandoned", card), "server_url", rv.URL)))
	r := m.do(t, set(payParams("approved", card), "server_url", rv.URL))
	resp, err := noRedirects.Get(r["redirect_to"].(string) + "?outcome=approve")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	m.advance(t, "1m59s")
	scCheckStatuses(t, m, "after 1m59s", map[string]string{"abandoned": "3ds_verify", "approved": "success"})
	m.advance(t, "1s")
	scCheckStatuses(t, m, "after 2m", map[string]string{"abandoned": "failure", "approved": "success"})
	checkFields(t, "the abandoned payment", map[string]any{"result": "ok", "status": "failure", "err_code": "expired_3ds"}, m.statusOf(t, "abandoned"))
	m.advance(t, "20m") // past the usual 15 min deadline: nothing more happens
	if diff := cmp.Diff(map[string][]string{"abandoned": {"3ds_verify", "failure"}, "approved": {"3ds_verify", "success"}},
		scCallbackStatuses(rv)); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
	last := scLastCallback(t, rv, "abandoned")
	if last["err_code"] != "expired_3ds" {
		t.Errorf("the expiry callback: err_code %v, want expired_3ds", last["err_code"])
	}
	scCheckAfter(t, "abandoned", last, 120000)
}

// LiqPay's test cards are the embedded default scenarios; a runtime set
// scoped to one merchant overrides a card for that merchant only, until it
// is deleted.
func TestLiqPayTestCardsAreEmbeddedScenarios(t *testing.T) {
	t.Parallel()
	m := start(t, "--config", scSecondMerchantConfig(t))
	other := scOtherClient(m)

	// The list is the embedded files, scenario for scenario, in search order.
	var wantSets []scSet
	var want scSet
	for _, provider := range []string{"liqpay", "liquido"} {
		raw, err := os.ReadFile("../emulator/" + provider + "/defaults.yaml")
		if err != nil {
			t.Fatal(err)
		}
		var file struct {
			Scenarios []struct {
				Name        string `yaml:"name"`
				Description string `yaml:"description"`
			} `yaml:"scenarios"`
		}
		if err := yaml.Unmarshal(raw, &file); err != nil {
			t.Fatal(err)
		}
		set := scSet{Name: "default:" + provider, Source: "default"}
		for _, sc := range file.Scenarios {
			set.Scenarios = append(set.Scenarios, scScenario{Name: sc.Name, Description: sc.Description, Provider: provider})
		}
		wantSets = append(wantSets, set)
	}
	want = wantSets[0]
	sets := scList(t, m)
	for i := range sets {
		for j := range sets[i].Scenarios {
			sets[i].Scenarios[j].Line = 0 // lines are the file's business
		}
	}
	if diff := cmp.Diff(wantSets, sets); diff != "" {
		t.Fatalf("GET /_mockpay/scenarios (-want +got):\n%s", diff)
	}
	if !slices.ContainsFunc(want.Scenarios, func(s scScenario) bool { return strings.Contains(s.Description, "4000000000003063") }) {
		t.Error("the default set has no scenario for the 3-D Secure test card")
	}

	checkFields(t, "3-D Secure card before the override", map[string]any{"status": "3ds_verify"}, m.do(t, payParams("before", "4000000000003063")))

	const override = `version: 1
provider: liqpay
scenarios:
  - name: 3063-without-3ds
    match: {card: "4000000000003063"}
    outcome: {status: success}
`
	path := "/_mockpay/scenarios/no-3ds?merchant=" + publicKey
	var info scSet
	if code := scSend(t, http.MethodPut, m.base+path, override, &info); code != http.StatusOK {
		t.Fatalf("PUT %s: HTTP %d", path, code)
	}
	wantInfo := scSet{Name: "no-3ds", Source: "runtime", Merchant: publicKey,
		Scenarios: []scScenario{{Name: "3063-without-3ds", Provider: "liqpay", Line: 4}}}
	if diff := cmp.Diff(wantInfo, info); diff != "" {
		t.Errorf("PUT answer (-want +got):\n%s", diff)
	}
	// The runtime set, then the two providers' defaults.
	if sets := scList(t, m); len(sets) != 3 || sets[0].Name != "no-3ds" {
		t.Errorf("search order after PUT: %+v; want the runtime set first", sets)
	}
	checkFields(t, "3-D Secure card, overridden", map[string]any{"result": "ok", "status": "success", "is_3ds": false},
		m.do(t, payParams("during", "4000000000003063")))
	checkFields(t, "3-D Secure card at another merchant", map[string]any{"status": "3ds_verify"},
		scDo(t, other, payParams("other", "4000000000003063")))

	if code := scSend(t, http.MethodDelete, m.base+path, "", nil); code != http.StatusNoContent {
		t.Fatalf("DELETE %s: HTTP %d", path, code)
	}
	checkFields(t, "3-D Secure card after DELETE", map[string]any{"status": "3ds_verify"}, m.do(t, payParams("after", "4000000000003063")))
	if code := scSend(t, http.MethodDelete, m.base+path, "", nil); code != http.StatusNotFound {
		t.Errorf("a second DELETE: HTTP %d, want 404", code)
	}

	// A broken upload is refused with its position; nothing changes.
	var invalid struct {
		Error  string `json:"error"`
		Errors []struct {
			Line, Column int
			Message      string
		} `json:"errors"`
	}
	broken := scReplaceOnce(t, override, "status: success", "status: sucess")
	line, col := scPosition(broken, "sucess")
	if code := scSend(t, http.MethodPut, m.base+path, broken, &invalid); code != http.StatusBadRequest ||
		len(invalid.Errors) != 1 || invalid.Errors[0].Line != line || invalid.Errors[0].Column != col ||
		!strings.HasPrefix(invalid.Errors[0].Message, `status "sucess" is not a liqpay status`) {
		t.Errorf("PUT of a misspelt status: HTTP %d %+v; want 400 naming line %d, column %d", code, invalid, line, col)
	}
	if sets := scList(t, m); len(sets) != 2 {
		t.Errorf("a refused upload was installed: %+v", sets)
	}
}

// Editing a scenario file changes the running server's behaviour; a broken
// edit is reported with its position and the last good version stays.
func TestScenarioFilesReloadAndKeepTheLastGoodVersion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "override.yaml")
	original, err := os.ReadFile(scExample(t, "override-test-card.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	scWrite(t, path, string(original), 0)
	m := start(t, "--scenarios", dir)
	pay := func(order string) map[string]any {
		return m.do(t, set(payParams(order, scCard), "amount", "1500"))
	}
	checkFields(t, "as loaded", map[string]any{"status": "failure", "err_code": "9859"}, pay("loaded"))

	edited := scReplaceOnce(t, string(original), `code: "9859"`, `code: "9860"`)
	scWrite(t, path, edited, 1)
	if code, body := scReload(t, m); code != http.StatusOK {
		t.Fatalf("reload of a good edit: HTTP %d %v", code, body)
	}
	checkFields(t, "after the edit", map[string]any{"status": "failure", "err_code": "9860"}, pay("edited"))

	// A misspelt status. The 1 s poll may read the file between the write
	// and the reload request and leave the request nothing new to report
	// (see TestReloadReportsABrokenFileThePollReadFirst), so the file is
	// touched again when that happens.
	broken := scReplaceOnce(t, edited, "status: failure", "status: failed")
	line, col := scPosition(broken, "failed")
	wantErr := fmt.Sprintf(`%s:%d:%d: status "failed" is not a liqpay status`, path, line, col)
	var code int
	var body map[string]any
	for i := range 3 {
		scWrite(t, path, broken, 2+i)
		if code, body = scReload(t, m); code != http.StatusOK || body["changed"] != false {
			break
		}
	}
	if msg, _ := body["error"].(string); code != http.StatusUnprocessableEntity || !strings.HasPrefix(msg, wantErr) {
		t.Errorf("reload of a broken edit: HTTP %d %v; want 422 and an error starting %q", code, body, wantErr)
	}
	checkFields(t, "after the broken edit: the last good version", map[string]any{"status": "failure", "err_code": "9860"}, pay("broken"))
	if sets := scList(t, m); len(sets) != 3 || sets[0].Name != path || len(sets[0].Scenarios) != 2 {
		t.Errorf("sets after the broken edit: %+v; want the file's last good version first", sets)
	}

	scWrite(t, path, string(original), 10)
	if code, body := scReload(t, m); code != http.StatusOK {
		t.Fatalf("reload of the repaired file: HTTP %d %v", code, body)
	}
	checkFields(t, "after the repair", map[string]any{"status": "failure", "err_code": "9859"}, pay("repaired"))
}

// The 1 s poll and the reload endpoint read the same files: whichever comes
// second must still report that a file is broken, or a CI job that edits a
// file and calls reload is told all is well while the old version serves.
func TestReloadReportsABrokenFileThePollReadFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "override.yaml")
	original, err := os.ReadFile(scExample(t, "override-test-card.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	scWrite(t, path, string(original), 0)
	m := start(t, "--scenarios", dir)
	scWrite(t, path, scReplaceOnce(t, string(original), "status: failure", "status: failed"), 1)
	// Wait (bounded) until the poll has read the broken file and logged it.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(m.stderr.String(), "scenario files not (all) reloaded"); {
		if time.Now().After(deadline) {
			t.Fatal("the 1 s poll never reported the broken file")
		}
		time.Sleep(50 * time.Millisecond) // waiting for the server's real-time poll
	}
	if code, body := scReload(t, m); code != http.StatusUnprocessableEntity {
		t.Errorf("reload after the poll saw the broken file: HTTP %d %v; want 422 naming the file", code, body)
	}
}

// times counts per merchant: one merchant using up a scenario leaves
// another's count alone, and a reset touches one merchant only.
func TestScenarioTimesCountPerMerchant(t *testing.T) {
	t.Parallel()
	m := start(t, "--scenarios", scExample(t, "fail-twice-then-succeed.yaml"), "--config", scSecondMerchantConfig(t))
	other := scOtherClient(m)
	const card = "4111111111111111"
	fails := map[string]any{"status": "failure", "err_code": "limit"}
	ok := map[string]any{"status": "success"}
	mine := func(order string) map[string]any { return m.do(t, payParams(order, card)) }
	theirs := func(order string) map[string]any { return scDo(t, other, payParams(order, card)) }

	checkFields(t, "default merchant, 1st", fails, mine("a1"))
	checkFields(t, "default merchant, 2nd", fails, mine("a2"))
	checkFields(t, "second merchant, 1st", fails, theirs("b1"))
	checkFields(t, "default merchant, 3rd", ok, mine("a3"))
	checkFields(t, "second merchant, 2nd", fails, theirs("b2"))
	checkFields(t, "second merchant, 3rd", ok, theirs("b3"))
	if diff := cmp.Diff(map[string]int{"liqpay:" + publicKey: 2, "liqpay:" + scOtherPublic: 2}, scUsed(t, m, "limit-twice")); diff != "" {
		t.Errorf("used counts (-want +got):\n%s", diff)
	}

	if code := scSend(t, http.MethodPost, m.base+"/_mockpay/scenarios/reset?merchant="+scOtherPublic, "", nil); code != http.StatusNoContent {
		t.Fatalf("reset: HTTP %d", code)
	}
	checkFields(t, "second merchant after its reset", fails, theirs("b4"))
	checkFields(t, "default merchant after the other's reset", ok, mine("a4"))
}

// --- helpers ---

// scExample is the absolute path of an example file.
func scExample(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(scExamplesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// scExampleFiles lists the example scenario files, sorted.
func scExampleFiles(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(scExamplesDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		t.Fatal("no example scenario files found")
	}
	return out
}

// scSecondMerchantConfig is a config file adding a second LiqPay merchant.
func scSecondMerchantConfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mockpay.yaml")
	scWrite(t, path, "liqpay:\n  merchants:\n    - public_key: "+scOtherPublic+"\n      private_key: "+scOtherPrivate+"\n", 0)
	return path
}

func scOtherClient(m *mockpay) *liqpayclient.Client {
	return &liqpayclient.Client{BaseURL: m.base, PublicKey: scOtherPublic, PrivateKey: scOtherPrivate, Encoding: liqpayclient.Go, HTTP: httpClient}
}

// scDo sends a request through c and fails the test on a transport problem.
func scDo(t *testing.T, c *liqpayclient.Client, params map[string]any) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, body, err := c.Do(ctx, "request", params)
	if err != nil {
		t.Fatalf("request: %v (body %q)", err, body)
	}
	return resp
}

// scWrite writes a file with a modification time of its own (a base time
// plus n seconds), so that every version of a file looks changed to the
// server's poll whatever the file system's time granularity.
func scWrite(t *testing.T, path, content string, n int) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 0, 0, n, 0, time.UTC)
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}

func scReplaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if n := strings.Count(s, old); n != 1 {
		t.Fatalf("%q occurs %d times in the example, want once", old, n)
	}
	return strings.Replace(s, old, new, 1)
}

// scPosition is the 1-based line and column where needle first occurs.
func scPosition(s, needle string) (line, col int) {
	before, _, _ := strings.Cut(s, needle)
	line = strings.Count(before, "\n") + 1
	return line, len(before) - strings.LastIndex(before, "\n")
}

// scReply is what a plain Go http.Client saw of one request.
type scReply struct {
	status  int
	header  http.Header
	body    []byte
	err     error
	headers time.Duration // until the status line and headers arrived
	elapsed time.Duration // until the whole body was read, or the error
}

// scClient is a client with its own connections, so a reset or a hang on
// one test's connection cannot touch another's.
func scClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

// scPost sends a signed request for the default merchant through c and
// reports what c saw, whatever the body is.
func scPost(t *testing.T, m *mockpay, c *http.Client, params map[string]any) scReply {
	t.Helper()
	lc := &liqpayclient.Client{BaseURL: m.base, PublicKey: publicKey, PrivateKey: privateKey, Encoding: liqpayclient.Go}
	form, _, _ := lc.Encode(params)
	req, err := http.NewRequest(http.MethodPost, m.base+"/api/request", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	began := time.Now()
	resp, err := c.Do(req)
	r := scReply{headers: time.Since(began), err: err}
	if err != nil {
		r.elapsed = r.headers
		return r
	}
	defer resp.Body.Close()
	r.status, r.header = resp.StatusCode, resp.Header
	r.body, r.err = io.ReadAll(resp.Body)
	r.elapsed = time.Since(began)
	return r
}

// scCheckJSON checks that a raw reply is LiqPay's JSON with the fields of want.
func scCheckJSON(t *testing.T, what string, r scReply, want map[string]any) {
	t.Helper()
	got, err := liqpayclient.DecodeJSON(r.body)
	if err != nil || r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s: HTTP %d, Content-Type %q, body %q (%v); want LiqPay's JSON", what, r.status, r.header.Get("Content-Type"), r.body, err)
	}
	checkFields(t, what, want, got)
}

// scIsReset reports whether err is what a client sees of a connection
// reset before any answer.
func scIsReset(err error) bool {
	var netErr net.Error
	if err == nil || (errors.As(err, &netErr) && netErr.Timeout()) {
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// scCheckStatuses checks the status of several orders.
func scCheckStatuses(t *testing.T, m *mockpay, when string, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for order := range want {
		got[order], _ = m.statusOf(t, order)["status"].(string)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: statuses (-want +got):\n%s", when, diff)
	}
}

// scCallbackStatuses is the statuses a receiver got, by the order each
// callback is about, in arrival order.
func scCallbackStatuses(rv *receiver) map[string][]string {
	out := map[string][]string{}
	for _, s := range rv.seen() {
		order, _ := s.payment["order_id"].(string)
		status, _ := s.payment["status"].(string)
		out[order] = append(out[order], status)
	}
	return out
}

func scLastCallback(t *testing.T, rv *receiver, order string) map[string]any {
	t.Helper()
	var last map[string]any
	for _, s := range rv.seen() {
		if s.payment["order_id"] == order {
			last = s.payment
		}
	}
	if last == nil {
		t.Fatalf("no callback for %s", order)
	}
	return last
}

// scCheckAfter checks that a payment ended wantMS of virtual time after it
// was created. A "then" step is timed from the moment its timer was set,
// which the virtual clock (running on with real time) puts a little after
// the payment's create_date, so up to 100 ms more is accepted.
func scCheckAfter(t *testing.T, order string, payment map[string]any, wantMS int64) {
	t.Helper()
	got := scMillis(t, payment["end_date"]) - scMillis(t, payment["create_date"])
	if got < wantMS || got > wantMS+100 {
		t.Errorf("%s: end_date - create_date = %d ms, want %d (+100)", order, got, wantMS)
	}
}

func scMillis(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a JSON number", v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// scSend sends a control API request and decodes a JSON answer into out
// (when not nil); it returns the HTTP status.
func scSend(t *testing.T, method, url, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: HTTP %d, answer is not JSON (%v): %q", method, url, resp.StatusCode, err, raw)
		}
	}
	return resp.StatusCode
}

func scReload(t *testing.T, m *mockpay) (int, map[string]any) {
	t.Helper()
	var body map[string]any
	code := scSend(t, http.MethodPost, m.base+"/_mockpay/scenarios/reload", "", &body)
	return code, body
}

// scSet is one set of GET /_mockpay/scenarios.
type scSet struct {
	Name      string       `json:"name"`
	Source    string       `json:"source"`
	Merchant  string       `json:"merchant,omitempty"`
	Scenarios []scScenario `json:"scenarios"`
}

type scScenario struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Provider    string         `json:"provider"`
	Times       int            `json:"times,omitempty"`
	Line        int            `json:"line"`
	Used        map[string]int `json:"used,omitempty"`
}

func scList(t *testing.T, m *mockpay) []scSet {
	t.Helper()
	var out struct {
		Sets []scSet `json:"sets"`
	}
	if code := scSend(t, http.MethodGet, m.base+"/_mockpay/scenarios", "", &out); code != http.StatusOK {
		t.Fatalf("GET /_mockpay/scenarios: HTTP %d", code)
	}
	return out.Sets
}

// scUsed is how often each tenant used the named file scenario.
func scUsed(t *testing.T, m *mockpay, name string) map[string]int {
	t.Helper()
	for _, s := range scList(t, m) {
		for _, sc := range s.Scenarios {
			if s.Source == "file" && sc.Name == name {
				return sc.Used
			}
		}
	}
	t.Fatalf("no file scenario %q loaded", name)
	return nil
}

// scDelivery is one callback of the delivery log, with where it went.
type scDelivery struct {
	URL      string `json:"url"`
	Status   string `json:"status"`
	Attempts []struct {
		ResponseStatus int    `json:"response_status"`
		Error          string `json:"error"`
	} `json:"attempts"`
}

func scDeliveries(t *testing.T, m *mockpay, query string) []scDelivery {
	t.Helper()
	var out struct {
		Callbacks []scDelivery `json:"callbacks"`
	}
	if code := scSend(t, http.MethodGet, m.base+"/_mockpay/callbacks?"+query, "", &out); code != http.StatusOK {
		t.Fatalf("GET /_mockpay/callbacks: HTTP %d", code)
	}
	return out.Callbacks
}

// scTimingReceiver records when each order's first callback arrived and
// was answered. Callbacks of late-… orders are held until release closes.
type scTimingReceiver struct {
	*httptest.Server
	release chan struct{}
	mu      sync.Mutex
	got     map[string]scTimed
}

type scTimed struct {
	status   string
	answered time.Time
}

func scNewTimingReceiver(t *testing.T) *scTimingReceiver {
	t.Helper()
	rv := &scTimingReceiver{release: make(chan struct{}), got: map[string]scTimed{}}
	rv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		payment := map[string]any{}
		if raw, err := base64.StdEncoding.DecodeString(form.Get("data")); err == nil {
			payment, _ = liqpayclient.DecodeJSON(raw)
		}
		order, _ := payment["order_id"].(string)
		status, _ := payment["status"].(string)
		if strings.HasPrefix(order, "late-") {
			select {
			case <-rv.release:
			case <-r.Context().Done():
				return
			}
		}
		// Recorded before the handler returns, that is before mockpay
		// reads the answer (200).
		rv.mu.Lock()
		defer rv.mu.Unlock()
		if _, seen := rv.got[order]; !seen {
			rv.got[order] = scTimed{status: status, answered: time.Now()}
		}
	}))
	t.Cleanup(func() {
		select {
		case <-rv.release:
		default:
			close(rv.release)
		}
		rv.Close()
	})
	return rv
}

func (rv *scTimingReceiver) get(order string) (scTimed, bool) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	v, ok := rv.got[order]
	return v, ok
}

// scLiquido calls Liquido's API as the default merchant: a fresh token,
// then the request. It returns the status code and the decoded answer.
func scLiquido(t *testing.T, m *mockpay, method, path string, body any) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"sandbox-client-id"}, "client_secret": {"sandbox-client-secret"}}
	resp, err := httpClient.PostForm(m.base+"/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, m.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("x-api-key", "sandbox-api-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err = httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out, err := liqpayclient.DecodeJSON(raw)
	if err != nil {
		t.Fatalf("%s %s: HTTP %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// scTestPixExpires: a PIX described as "never paid" stays IN_PROGRESS past
// the sandbox's usual 3 minutes and expires at 30, with CHARGE_FAILED; any
// other PIX still settles after 3 minutes.
func scTestPixExpires(t *testing.T, file string) {
	m := start(t, "--scenarios", file)
	rv := callbacktest.New(t)
	pix := func(key, description string) map[string]any {
		return map[string]any{"idempotencyKey": key, "amount": 1500, "currency": "BRL", "country": "BR",
			"paymentMethod": "PIX_DYNAMIC_QR", "description": description, "callbackUrl": rv.URL,
			"payer": map[string]any{"name": "Maria Silva", "email": "maria@example.com",
				"document": map[string]any{"documentId": "12345678909", "type": "CPF"}}}
	}
	advance := func(d string) {
		code, _ := m.send(t, http.MethodPost, "/_mockpay/clock/advance", "application/json", `{"duration":"`+d+`","merchant":"sandbox-client-id"}`)
		if code != http.StatusOK {
			t.Fatalf("advance: HTTP %d", code)
		}
	}
	status := func(key string) any {
		_, p := scLiquido(t, m, http.MethodGet, "/v1/payments/charges/"+key, nil)
		return p["transferStatus"]
	}
	for _, c := range []struct{ key, description string }{{"pix-lost", "Never paid"}, {"pix-paid", "order 42"}} {
		if code, p := scLiquido(t, m, http.MethodPost, "/v1/payments/charges/pix", pix(c.key, c.description)); code != http.StatusOK || p["transferStatus"] != "IN_PROGRESS" {
			t.Fatalf("pix %s: HTTP %d %v", c.key, code, p)
		}
	}
	advance("3m")
	if diff := cmp.Diff([]any{"IN_PROGRESS", "SETTLED"}, []any{status("pix-lost"), status("pix-paid")}); diff != "" {
		t.Fatalf("after 3 min (-want +got):\n%s", diff)
	}
	advance("26m59s")
	if got := status("pix-lost"); got != "IN_PROGRESS" {
		t.Fatalf("after 29:59 the PIX is %v, want IN_PROGRESS", got)
	}
	advance("1s")
	if got := status("pix-lost"); got != "EXPIRED" {
		t.Fatalf("after 30 min the PIX is %v, want EXPIRED", got)
	}
	var events []string
	for _, r := range rv.Received() {
		var cb struct {
			EventType string `json:"eventType"`
			Data      struct {
				ChargeDetails struct {
					IdempotencyKey string `json:"idempotencyKey"`
					TransferStatus string `json:"transferStatus"`
				} `json:"chargeDetails"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.Body, &cb); err != nil {
			t.Fatal(err)
		}
		events = append(events, cb.Data.ChargeDetails.IdempotencyKey+" "+cb.EventType+" "+cb.Data.ChargeDetails.TransferStatus)
	}
	want := []string{"pix-paid CHARGE_SUCCEEDED SETTLED", "pix-lost CHARGE_FAILED EXPIRED"}
	if diff := cmp.Diff(want, events); diff != "" {
		t.Fatalf("callbacks (-want +got):\n%s", diff)
	}
}

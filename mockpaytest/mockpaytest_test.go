package mockpaytest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
	"github.com/mockpay/mockpay/mockpaytest"
)

// Parallel tests that each Start their own mockpay never see each other:
// the same order_id pays in every one, and payment ids start over.
func TestParallelStartsAreIsolated(t *testing.T) {
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			srv := mockpaytest.Start(t, mockpaytest.Seed(int64(i+1)))
			got := srv.LiqPay("pay", payParams("same-order", "4242424242424242"))
			if got["status"] != "success" || fmt.Sprint(got["payment_id"]) != "2100000001" {
				t.Errorf("pay answered %v", got)
			}
		})
	}
}

// Tests that share one mockpay (At) each get a merchant of their own: the
// same order_id, a scenario, a clock move in one are invisible to the
// others, and each merchant is deleted when its test ends.
func TestSharedServerMerchantsAreIsolated(t *testing.T) {
	shared := mockpaytest.Start(t)
	t.Run("group", func(t *testing.T) {
		for i := range 6 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				srv := mockpaytest.Start(t, mockpaytest.At(shared.URL()))
				if srv.LiqPayKeys() == shared.LiqPayKeys() {
					t.Fatal("a test got the shared server's merchant")
				}
				before := srv.Now(mockpaytest.ProviderLiqPay)
				want := "success"
				if i%2 == 0 { // half the tests decline the card; the others must not see it
					want = "failure"
					srv.LoadScenarios("decline", "version: 1\nprovider: liqpay\nscenarios:\n  - name: no\n    match: {card: \"4242424242424242\"}\n    outcome: {status: failure, code: limit}\n")
					srv.Advance(time.Duration(i+1) * time.Hour)
				}
				got := srv.LiqPay("pay", payParams("same-order", "4242424242424242"))
				if got["status"] != want || fmt.Sprint(got["payment_id"]) != "2100000001" {
					t.Errorf("pay answered %v, want %s as payment 2100000001", got, want)
				}
				moved := srv.Now(mockpaytest.ProviderLiqPay).Sub(before)
				if i%2 == 0 && moved < time.Duration(i+1)*time.Hour {
					t.Errorf("clock moved %s, want at least %dh", moved, i+1)
				}
				if i%2 == 1 && moved > time.Minute {
					t.Errorf("another test's Advance moved this clock by %s", moved)
				}
				if p := srv.AwaitPayment(mockpaytest.ProviderLiqPay, "same-order", want); p["status"] != want {
					t.Errorf("await answered %v", p)
				}
			})
		}
	})
	resp, err := http.Get(shared.URL() + "/_mockpay/merchants?provider=liqpay")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Merchants []struct {
			Source string `json:"source"`
		} `json:"merchants"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, m := range list.Merchants {
		sources = append(sources, m.Source)
	}
	// The built-in default and the shared test's own merchant remain.
	if diff := cmp.Diff([]string{"default", "api"}, sources); diff != "" {
		t.Errorf("merchants left after the tests ended (-want +got):\n%s", diff)
	}
}

// A callback policy and a default callback URL given at Start apply: a
// receiver that fails once gets the retry when the test moves the clock.
func TestCallbackPolicyRetriesOnTheVirtualClock(t *testing.T) {
	t.Parallel()
	rv := callbacktest.New(t, http.StatusInternalServerError)
	srv := mockpaytest.Start(t, mockpaytest.CallbackURL(rv.URL), mockpaytest.CallbackPolicy(2*time.Second, time.Minute),
		mockpaytest.ProviderOnly(mockpaytest.ProviderLiqPay))
	srv.LiqPay("pay", payParams("retry-1", "4242424242424242"))
	srv.Advance(time.Minute)
	cbs := srv.AwaitCallbacks(mockpaytest.ProviderLiqPay, "retry-1", 1)
	attempts, _ := cbs[0]["attempts"].([]any)
	if len(cbs) != 1 || len(attempts) != 2 {
		t.Errorf("callbacks %v: want one delivered on its second attempt", cbs)
	}
}

// Scenarios given to Start are the merchant's from its first request.
func TestScenariosOption(t *testing.T) {
	t.Parallel()
	srv := mockpaytest.Start(t, mockpaytest.Scenarios("version: 1\nprovider: liqpay\nscenarios:\n  - name: no\n    match: {amount: 13}\n    outcome: {status: failure, code: limit}\n"))
	p := payParams("sc-1", "4242424242424242")
	p["amount"] = 13
	if got := srv.LiqPay("pay", p); got["status"] != "failure" || got["err_code"] != "limit" {
		t.Errorf("pay answered %v", got)
	}
}

// With an admin token, the control plane refuses strangers, and the
// helper still works with its merchant token.
func TestAdminToken(t *testing.T) {
	t.Parallel()
	srv := mockpaytest.Start(t, mockpaytest.AdminToken("s3cret"))
	resp, err := http.Get(srv.URL() + "/_mockpay/payments")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("control plane without a token: HTTP %d, want 401", resp.StatusCode)
	}
	srv.LiqPay("pay", payParams("adm-1", "4242424242424242"))
	if got := srv.AwaitPayment(mockpaytest.ProviderLiqPay, "adm-1", "success"); got["status"] != "success" {
		t.Errorf("await: %v", got)
	}
	srv.SetClock(time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))
	if now := srv.Now(mockpaytest.ProviderLiquido); now.Year() != 2040 {
		t.Errorf("Liquido clock at %s after SetClock(2040)", now)
	}
}

// fatalTB records the first Fatalf and stops the helper call there, as
// *testing.T does, so misuse can be tested.
type fatalTB struct {
	testing.TB
	mu    sync.Mutex
	fatal string
}

type stopped struct{}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatal = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	panic(stopped{})
}

func fatalOf(tb *fatalTB, f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stopped); !ok {
				panic(r)
			}
			msg = tb.fatal
		}
	}()
	f()
	return ""
}

// Misuse fails the test with a message that says what is wrong.
func TestMisuseFailsTheTest(t *testing.T) {
	t.Parallel()
	tb := &fatalTB{TB: t}
	var srv *mockpaytest.Server
	if msg := fatalOf(tb, func() { srv = mockpaytest.Start(tb, mockpaytest.ProviderOnly(mockpaytest.ProviderLiqPay)) }); msg != "" {
		t.Fatal(msg)
	}
	tests := map[string]struct {
		call func()
		want string
	}{
		"no Liquido merchant": {func() { srv.LiquidoKeys() }, "no Liquido merchant"},
		"unknown provider":    {func() { srv.AwaitPayment("paypal", "x") }, `unknown provider "paypal"`},
		"bad scenario":        {func() { srv.LoadScenarios("bad", "version: 1\nprovider: liqpay\nscenarios:\n  - nme: x\n") }, "HTTP 400"},
		"await timeout": {func() {
			mockpaytest.Start(tb, mockpaytest.AwaitTimeout(50*time.Millisecond)).AwaitPayment(mockpaytest.ProviderLiqPay, "never")
		}, "timed out"},
	}
	for name, tc := range tests {
		if msg := fatalOf(tb, tc.call); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: failed with %q, want %q", name, msg, tc.want)
		}
	}
	if msg := fatalOf(tb, func() { mockpaytest.Start(tb, mockpaytest.ProviderOnly()) }); !strings.Contains(msg, "named no provider") {
		t.Errorf("ProviderOnly(): %q", msg)
	}
}

// WaitCallback hands out each callback once, in order, and fails the test
// when none comes in time.
func TestReceiverWaitCallback(t *testing.T) {
	t.Parallel()
	srv := mockpaytest.Start(t)
	rv := mockpaytest.NewReceiver(t)
	for _, id := range []string{"rv-1", "rv-2"} {
		p := payParams(id, "4242424242424242")
		p["server_url"] = rv.URL()
		srv.LiqPay("pay", p)
	}
	seen := map[string]bool{}
	for range 2 {
		payment, err := srv.DecodeLiqPayCallback(rv.WaitCallback(10 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		seen[fmt.Sprint(payment["order_id"])] = true
	}
	if !seen["rv-1"] || !seen["rv-2"] || len(rv.Callbacks()) != 2 {
		t.Errorf("seen %v, %d callbacks", seen, len(rv.Callbacks()))
	}
	tb := &fatalTB{TB: t}
	other := mockpaytest.NewReceiver(tb)
	if msg := fatalOf(tb, func() { other.WaitCallback(20 * time.Millisecond) }); !strings.Contains(msg, "no callback") {
		t.Errorf("WaitCallback with nothing sent: %q", msg)
	}
	// A forged callback is reported, not trusted.
	forged := mockpaytest.Callback{Body: []byte("data=e30%3D&signature=forged")}
	if _, err := srv.DecodeLiqPayCallback(forged); err == nil {
		t.Error("a callback with a wrong signature decoded without error")
	}
}

// CallbackURL is Liquido's default callback_url too: a charge without its
// own callbackUrl notifies the receiver, and AwaitCallbacks finds it by
// idempotencyKey.
func TestLiquidoCallbackToTheDefaultURL(t *testing.T) {
	t.Parallel()
	rv := mockpaytest.NewReceiver(t)
	srv := mockpaytest.Start(t, mockpaytest.CallbackURL(rv.URL()+"/liquido"), mockpaytest.ProviderOnly(mockpaytest.ProviderLiquido))
	code, charge := srv.Liquido(http.MethodPost, "/v1/payments/charges/card", map[string]any{
		"idempotencyKey": "lq-cb-1", "amount": 10000, "currency": "BRL", "country": "BR",
		"paymentMethod": "CREDIT_CARD", "paymentFlow": "DIRECT",
		"payer": map[string]any{"name": "Joao Silva", "email": "joao@example.com",
			"document": map[string]any{"documentId": "42243309114", "type": "CPF"}},
		"card": map[string]any{"cardHolderName": "JOAO SILVA", "cardNumber": "4111111111111111",
			"expirationMonth": "06", "expirationYear": "2029", "cvc": "123"},
		"description": "order lq-cb-1",
	})
	if code != http.StatusOK {
		t.Fatalf("charge: HTTP %d %v", code, charge)
	}
	cbs := srv.AwaitCallbacks(mockpaytest.ProviderLiquido, "lq-cb-1", 1)
	got := rv.WaitCallback(10 * time.Second)
	if got.Path != "/liquido" || got.JSON() == nil || len(cbs) != 1 {
		t.Errorf("callback %s %s; log %v", got.Path, got.Body, cbs)
	}
	if !strings.Contains(string(got.Body), "lq-cb-1") {
		t.Errorf("callback body %s does not name the charge", got.Body)
	}
}

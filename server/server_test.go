package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/server"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	return startServer(t, nil)
}

// startServer runs a whole mockpay in-process; wall is its real clock (nil:
// time.Now).
func startServer(t *testing.T, wall func() time.Time) *httptest.Server {
	t.Helper()
	cfg := config.Default()
	cfg.Seed = 42
	return startServerWith(t, cfg, wall)
}

// startServerWith is startServer with a configuration of the test's own.
func startServerWith(t *testing.T, cfg config.Config, wall func() time.Time) *httptest.Server {
	t.Helper()
	s, err := server.New(cfg, quiet, wall)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.Close(ctx)
	})
	return ts
}

// post signs params with the default key as the PHP/Node SDKs do and
// returns the decoded answer.
func post(t *testing.T, base string, params map[string]any) map[string]any {
	t.Helper()
	params["public_key"] = config.DefaultLiqPayPublicKey
	if _, ok := params["version"]; !ok {
		params["version"] = 3
	}
	raw, _ := json.Marshal(params)
	data := base64.StdEncoding.EncodeToString(raw)
	form := url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA1, config.DefaultLiqPayPrivateKey, data)}}
	resp, err := http.PostForm(base+"/api/request", form)
	if err != nil {
		t.Error(err)
		return nil
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Errorf("decode: %v", err)
	}
	return out
}

func pay(order, card string) map[string]any {
	return map[string]any{"action": "pay", "amount": "10", "currency": "UAH", "description": "t", "order_id": order,
		"card": card, "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"}
}

func TestRecoverAnswersAPanicInTheProvidersShape(t *testing.T) {
	var logged strings.Builder
	log := slog.New(slog.NewTextHandler(&logged, nil))
	h := server.Recover(log, func(w http.ResponseWriter, r *http.Request) { liqpay.WriteError(w, liqpay.ErrPayment) })(
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/request", nil))

	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"result": "error", "status": "error", "code": "err_payment", "err_code": "err_payment",
		"err_description": "Внутрішня помилка mockpay, дивіться його журнал"}
	if rec.Code != http.StatusOK {
		t.Fatalf("HTTP %d, want 200 like every LiqPay error", rec.Code)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if !strings.Contains(logged.String(), "boom") {
		t.Fatalf("panic not logged: %s", logged.String())
	}
}

func TestConcurrentPaysWithOneOrderIDMakeOnePayment(t *testing.T) {
	ts := newServer(t)
	const n = 100
	results := make([]map[string]any, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = post(t, ts.URL, pay("same-order", "4242424242424242"))
		}()
	}
	close(start)
	wg.Wait()
	count := map[string]int{}
	for _, r := range results {
		count[fmt.Sprint(r["status"], "/", r["err_code"])]++
	}
	want := map[string]int{"success/<nil>": 1, "error/order_id_duplicate": n - 1}
	if diff := cmp.Diff(want, count); diff != "" {
		t.Fatalf("outcomes (-want +got):\n%s", diff)
	}
	st := post(t, ts.URL, map[string]any{"action": "status", "order_id": "same-order"})
	var winner any
	for _, r := range results {
		if r["status"] == "success" {
			winner = r["payment_id"]
		}
	}
	if st["payment_id"] != winner {
		t.Fatalf("status shows payment %v, the successful pay was %v", st["payment_id"], winner)
	}
}

// Many clients working different payments at once, with the clock moving
// under them: the race detector checks the store, the clock and the 3-DS
// token index.
func TestConcurrentFlowsKeepEveryPaymentConsistent(t *testing.T) {
	ts := newServer(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			order := fmt.Sprintf("o-%d", i)
			switch i % 4 {
			case 0:
				post(t, ts.URL, pay(order, "4242424242424242"))
				post(t, ts.URL, map[string]any{"action": "refund", "order_id": order, "amount": "4"})
				post(t, ts.URL, map[string]any{"action": "refund", "order_id": order})
			case 1:
				r := post(t, ts.URL, pay(order, "4000000000003089"))
				post(t, ts.URL, map[string]any{"action": "confirm", "confirm_token": r["token"], "otp": "123456"})
			case 2:
				r := post(t, ts.URL, pay(order, "4000000000003063"))
				if u, ok := r["redirect_to"].(string); ok {
					if resp, err := http.PostForm(u, url.Values{"decision": {"approve"}}); err == nil {
						resp.Body.Close()
					}
				}
			case 3:
				h := pay(order, "4242424242424242")
				h["action"] = "hold"
				post(t, ts.URL, h)
				post(t, ts.URL, map[string]any{"action": "hold_completion", "order_id": order})
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 10 {
			resp, err := http.Post(ts.URL+"/_mockpay/clock/advance", "application/json", strings.NewReader(`{"duration":"1s"}`))
			if err == nil {
				resp.Body.Close()
			}
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()

	want := map[int]string{0: "reversed", 1: "success", 2: "success", 3: "success"}
	for i := range 20 {
		st := post(t, ts.URL, map[string]any{"action": "status", "order_id": fmt.Sprintf("o-%d", i)})
		if st["status"] != want[i%4] {
			t.Errorf("o-%d: status %v, want %s", i, st["status"], want[i%4])
		}
	}
}

func TestVerificationExpiresWhenTheClockIsAdvanced(t *testing.T) {
	ts := newServer(t)
	r := post(t, ts.URL, pay("exp-1", "4000000000003063"))
	if r["status"] != "3ds_verify" {
		t.Fatalf("pay: %v", r)
	}
	advance := func(d string) {
		resp, err := http.Post(ts.URL+"/_mockpay/clock/advance", "application/json",
			strings.NewReader(`{"duration":"`+d+`","merchant":"sandbox_i00000000"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("advance: HTTP %d", resp.StatusCode)
		}
	}
	advance("14m59s")
	if st := post(t, ts.URL, map[string]any{"action": "status", "order_id": "exp-1"}); st["status"] != "3ds_verify" {
		t.Fatalf("expired early: %v", st["status"])
	}
	advance("1s")
	st := post(t, ts.URL, map[string]any{"action": "status", "order_id": "exp-1"})
	if st["status"] != "failure" || st["err_code"] != "expired_3ds" {
		t.Fatalf("after 15m: %v %v", st["status"], st["err_code"])
	}
}

func TestUnknownPathsAnswerInTheShapeOfTheirAPI(t *testing.T) {
	ts := newServer(t)
	tests := []struct {
		method, path string
		code         int
		contains     string
	}{
		{http.MethodPost, "/api/nope", 200, `"err_code":"err_path"`},
		{http.MethodGet, "/api/request", 200, `"err_code":"err_path"`},
		{http.MethodGet, "/elsewhere", 404, `"error"`},
		{http.MethodPost, "/_mockpay/clock/advance", 400, `"error"`},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(body), tc.contains) {
			t.Errorf("%s %s: HTTP %d %s; want %d containing %s", tc.method, tc.path, resp.StatusCode, body, tc.code, tc.contains)
		}
	}
}

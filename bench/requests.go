package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/liquidotest"
)

// A load makes the i-th request of a run against base. Each load builds
// its requests the same way for mockpay and for the baseline, so the
// generator's own cost is the same on both sides of a ratio.
type load struct {
	name string
	// prepare runs once against the server before the timed run (a token,
	// the payment a status asks about); it may return an error for mockpay.
	prepare func(c *http.Client, base string) error
	make    func(base string, i int64) (*http.Request, error)
}

// run is a per-process counter, so order ids stay unique across runs
// against the same mockpay.
var runSeq atomic.Int64

func liqpayForm(params map[string]any) string {
	raw, _ := json.Marshal(params)
	data := base64.StdEncoding.EncodeToString(raw)
	return url.Values{"data": {data}, "signature": {liqpay.Sign(liqpay.SHA1, config.DefaultLiqPayPrivateKey, data)}}.Encode()
}

func payParams(order, serverURL string) map[string]any {
	p := map[string]any{"public_key": config.DefaultLiqPayPublicKey, "version": 3, "action": "pay",
		"amount": "1", "currency": "UAH", "description": "bench", "order_id": order,
		"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"}
	if serverURL != "" {
		p["server_url"] = serverURL
	}
	return p
}

func postForm(base, body string) (*http.Request, error) {
	r, err := http.NewRequest(http.MethodPost, base+"/api/request", strings.NewReader(body))
	if err == nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return r, err
}

// payLoad is LiqPay pay with a new order each time; callbacks go to
// receiver when it is not empty.
// Its own counter numbers the orders (not i, which each run starts again),
// so no order is ever paid twice, whatever the runs.
func payLoad(receiver string) load {
	run := runSeq.Add(1)
	var seq atomic.Int64
	return load{name: "liqpay pay", make: func(base string, _ int64) (*http.Request, error) {
		return postForm(base, liqpayForm(payParams(fmt.Sprintf("bench-%d-%d", run, seq.Add(1)), receiver)))
	}}
}

// statusLoad asks the status of one paid order, again and again.
func statusLoad() load {
	order := fmt.Sprintf("bench-status-%d", runSeq.Add(1))
	body := liqpayForm(map[string]any{"public_key": config.DefaultLiqPayPublicKey, "version": 3, "action": "status", "order_id": order})
	return load{name: "liqpay status",
		prepare: func(c *http.Client, base string) error {
			req, _ := postForm(base, liqpayForm(payParams(order, "")))
			return expect(c, req, `"status":"success"`)
		},
		make: func(base string, _ int64) (*http.Request, error) { return postForm(base, body) }}
}

// liquidoLoad is a Liquido card charge with a new idempotency key each time.
func liquidoLoad(receiver string) load {
	run := runSeq.Add(1)
	var seq atomic.Int64 // a new key every time, whatever the runs
	var token string
	return load{name: "liquido card charge",
		prepare: func(c *http.Client, base string) error {
			form := url.Values{"grant_type": {"client_credentials"}, "client_id": {config.DefaultLiquidoClientID},
				"client_secret": {config.DefaultLiquidoClientSecret}}
			resp, err := c.PostForm(base+"/oauth2/token", form)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
				return fmt.Errorf("no token (HTTP %d, %v)", resp.StatusCode, err)
			}
			token = tok.AccessToken
			return nil
		},
		make: func(base string, _ int64) (*http.Request, error) {
			body := liquidotest.CardCharge(fmt.Sprintf("bench-%d-%d", run, seq.Add(1)), "BR", "4242424242424242")
			if receiver != "" {
				body["callbackUrl"] = receiver
			}
			raw, _ := json.Marshal(body)
			r, err := http.NewRequest(http.MethodPost, base+"/v1/payments/charges/card", bytes.NewReader(raw))
			if err == nil {
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Authorization", "Bearer "+token)
				r.Header.Set("X-Api-Key", config.DefaultLiquidoAPIKey)
			}
			return r, err
		}}
}

// mixedLoad is 2 pays with callbacks : 2 status : 1 Liquido charge with
// callbacks, the shape of a test suite running against mockpay. A status
// asks about an order paid a moment before, as a test does (and so stays
// within any retention limit).
func mixedLoad(receiver string) load {
	run := runSeq.Add(1)
	// A counter per server, so a status asks about an order paid at the
	// same server.
	var counters sync.Map // base URL → *atomic.Int64
	seqOf := func(base string) *atomic.Int64 {
		c, _ := counters.LoadOrStore(base, new(atomic.Int64))
		return c.(*atomic.Int64)
	}
	lq := liquidoLoad(receiver)
	order := func(base string, n int64) string { return fmt.Sprintf("mixed-%d-%s-%d", run, base, n) }
	return load{name: "mixed, callbacks on",
		prepare: func(c *http.Client, base string) error {
			req, _ := postForm(base, liqpayForm(payParams(order(base, 0), "")))
			if err := expect(c, req, `"status":"success"`); err != nil {
				return err
			}
			return lq.prepare(c, base)
		},
		make: func(base string, i int64) (*http.Request, error) {
			seq := seqOf(base)
			switch i % 5 {
			case 0, 1:
				return postForm(base, liqpayForm(payParams(order(base, seq.Add(1)), receiver)))
			case 2, 3:
				// Far enough back to be answered already, however many
				// are in flight; order 0 was paid by prepare.
				return postForm(base, liqpayForm(map[string]any{"public_key": config.DefaultLiqPayPublicKey,
					"version": 3, "action": "status", "order_id": order(base, max(seq.Load()-500, 0))}))
			}
			return lq.make(base, i)
		}}
}

// expect sends req and fails unless the answer contains want.
func expect(c *http.Client, req *http.Request, want string) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(raw), want) {
		return fmt.Errorf("%s %s: HTTP %d %.300s (wanted %s)", req.Method, req.URL.Path, resp.StatusCode, raw, want)
	}
	return nil
}

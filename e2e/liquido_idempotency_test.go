package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// lqConcurrently sends n requests at once as m, each body from body(i),
// and returns the answers by i. It is safe off the test goroutine: errors
// come back, nothing calls t.Fatal.
func (s *lqServer) concurrently(t *testing.T, m lqMerchant, path string, n int, body func(i int) any) []lqReply {
	t.Helper()
	header := lqAuth(s.token(t, m), m)
	out := make([]lqReply, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			raw, _ := json.Marshal(body(i))
			req, err := http.NewRequest(http.MethodPost, s.base+path, bytes.NewReader(raw))
			if err != nil {
				errs[i] = err
				return
			}
			req.Header = header.Clone()
			req.Header.Set("Content-Type", "application/json")
			resp, err := httpClient.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			out[i], errs[i] = lqReply{code: resp.StatusCode, header: resp.Header, body: b}, err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return out
}

func TestLiquidoIdempotency(t *testing.T) {
	t.Parallel()
	racing, later := lqNamed("lq-idem-racing"), lqNamed("lq-idem-later")
	s := lqStart(t, racing, later)
	m := lqDefault

	t.Run("the same key and body replays the payment", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		first := s.call(t, m, http.MethodPost, "/v1/payments/charges/card", lqWith(lqCard(key, "BR", "4242424242424242"), "callbackUrl", rv.URL))
		// Another client library: other key order and spacing, the same value.
		raw := `{ "paymentFlow":"DIRECT", "callbackUrl":"` + rv.URL + `", "idempotencyKey":"` + key + `","amount":10000,"currency":"BRL","country":"BR",
		  "paymentMethod":"CREDIT_CARD", "description":"order ` + key + `",
		  "payer":{"phone":"+57 3123456789","email":"juan@example.com","name":"Juan Perez","document":{"type":"CPF","documentId":"42243309114"}},
		  "card":{"cvc":"123","cardHolderName":"JUAN PEREZ","cardNumber":"4242424242424242","expirationMonth":"06","expirationYear":"2029"}}`
		again := s.call(t, m, http.MethodPost, "/v1/payments/charges/card", raw)
		if first.code != http.StatusOK || again.code != http.StatusOK || string(again.body) != string(first.body) {
			t.Fatalf("replay: HTTP %d %s\nfirst: HTTP %d %s", again.code, again.body, first.code, first.body)
		}
		lqOneCallback(t, s, m, rv, "CHARGE_SUCCEEDED "+key+" SETTLED")
	})

	t.Run("a replay answers the payment as it stands", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		body := lqWith(lqLocal(key, "BR", "PIX_STATIC_QR"), "description", "asyncFinalizationDelay=5", "callbackUrl", rv.URL)
		if got := s.post(t, later, "/v1/payments/charges/pix", body); got["transferStatus"] != "IN_PROGRESS" {
			t.Fatalf("created %v", got["transferStatus"])
		}
		s.advance(t, later, "5s")
		got := s.post(t, later, "/v1/payments/charges/pix", body)
		if diff := cmp.Diff(s.payment(t, later, key), got); diff != "" || got["transferStatus"] != "SETTLED" {
			t.Errorf("replay after settling: %v (-GET +replay):\n%s", got["transferStatus"], diff)
		}
		lqOneCallback(t, s, later, rv, "CHARGE_SUCCEEDED "+key+" SETTLED")
	})

	t.Run("the same key with another body is a conflict", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", lqCard(key, "BR", "4242424242424242"))
		for _, tc := range []struct {
			name, path string
			body       map[string]any
		}{
			{"another amount", "/v1/payments/charges/card", lqWith(lqCard(key, "BR", "4242424242424242"), "amount", 10001)},
			{"another card", "/v1/payments/charges/card", lqCard(key, "BR", "5105105105105100")},
			{"another description", "/v1/payments/charges/card", lqWith(lqCard(key, "BR", "4242424242424242"), "description", "changed")},
			{"another method", "/v1/payments/charges/pix", lqLocal(key, "BR", "PIX_DYNAMIC_QR")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				lqReplyDiff(t, "charge", s.call(t, m, http.MethodPost, tc.path, tc.body), http.StatusConflict,
					lqSpring(409, tc.path, "idempotencyKey "+key+" was already used with a different request"))
			})
		}
		got := s.payment(t, m, key)
		if diff := cmp.Diff([]any{10000.0, "CREDIT_CARD", "4242"}, []any{got["amount"], got["paymentMethod"], lqAt(got, "transferDetails.card.cardInfo.last4")}); diff != "" {
			t.Errorf("the stored payment changed (-want +got):\n%s", diff)
		}
	})

	t.Run("refunds: replay and conflict", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		const refunds = "/v1/payments/charges/refund"
		s.post(t, m, "/v1/payments/charges/card", lqCard(key, "BR", "4242424242424242"))
		first := s.call(t, m, http.MethodPost, refunds, lqRefund(key+"-r", key, 1000, "BR"))
		again := s.call(t, m, http.MethodPost, refunds, lqRefund(key+"-r", key, 1000, "BR"))
		if first.code != http.StatusOK || string(again.body) != string(first.body) {
			t.Fatalf("replay: HTTP %d %s\nfirst: HTTP %d %s", again.code, again.body, first.code, first.body)
		}
		lqReplyDiff(t, "another amount", s.call(t, m, http.MethodPost, refunds, lqRefund(key+"-r", key, 2000, "BR")), http.StatusConflict,
			lqSpring(409, refunds, "idempotencyKey "+key+"-r was already used with a different request"))
		// One refund happened: 9000 is left.
		lqReplyDiff(t, "over what is left", s.call(t, m, http.MethodPost, refunds, lqRefund(key+"-r2", key, 9001, "BR")), http.StatusBadRequest,
			lqInvalid(refunds, "amount", "must not exceed the refundable amount of 9000"))
	})

	t.Run("100 concurrent identical charges make one payment and one callback", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		body := lqWith(lqCard(key, "BR", "4242424242424242"), "callbackUrl", rv.URL)
		replies := s.concurrently(t, racing, "/v1/payments/charges/card", 100, func(int) any { return body })
		for i, r := range replies {
			if r.code != http.StatusOK || string(r.body) != string(replies[0].body) {
				t.Fatalf("answer %d: HTTP %d %s\nanswer 0: HTTP %d %s", i, r.code, r.body, replies[0].code, replies[0].body)
			}
		}
		lqDiff(t, "the payment", lqWantCard(key, "4242424242424242", "VISA", "SETTLED", 200, nil, rv.URL, true), s.payment(t, racing, key))
		lqOneCallback(t, s, racing, rv, "CHARGE_SUCCEEDED "+key+" SETTLED")
		if log := s.callbacks(t, "merchant="+racing.id); len(log.Callbacks) != 1 {
			t.Errorf("the delivery log has %d callbacks for %s, want 1", len(log.Callbacks), racing.id)
		}
	})

	t.Run("concurrent refunds never return more than was paid", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", lqCard(key, "BR", "4242424242424242"))
		replies := s.concurrently(t, m, "/v1/payments/charges/refund", 20, func(i int) any {
			return lqRefund(fmt.Sprintf("%s-r%d", key, i), key, 1000, "BR")
		})
		codes := map[int]int{}
		for _, r := range replies {
			codes[r.code]++
		}
		if diff := cmp.Diff(map[int]int{200: 10, 400: 10}, codes); diff != "" {
			t.Errorf("20 refunds of 1000 against 10000: HTTP codes (-want +got):\n%s", diff)
		}
		if got := s.payment(t, m, key); got["transferStatus"] != "REFUNDED" {
			t.Errorf("payment: %v", got["transferStatus"])
		}
	})
}

package e2e

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/callbacktest"
)

// trigger posts POST /_mockpay/payments/{id}/trigger and returns the HTTP
// status and the decoded answer.
func (s *lqServer) trigger(t *testing.T, id string, body map[string]any) (int, map[string]any) {
	t.Helper()
	r := s.send(t, http.MethodPost, "/_mockpay/payments/"+id+"/trigger", body, nil)
	return r.code, r.json(t)
}

// TestLiqPayTriggers applies each LiqPay event to a payment made through the
// API and checks the answer, the payment as action=status shows it, and the
// callbacks the merchant's server_url receives.
func TestLiqPayTriggers(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	for _, tc := range []struct {
		name      string
		charge    []any // payParams adjustments
		card      string
		event     map[string]any
		code      int
		status    string   // in the trigger's answer (and the 409's)
		callbacks []string // "status [err_code] [refunded refund_amount]" of each callback received
	}{
		{"settle captures a hold", []any{"action", "hold"}, "4242424242424242",
			map[string]any{"event": "settle"}, 200, "success", []string{"hold_wait", "success"}},
		{"settle captures part of a hold", []any{"action", "hold", "amount", "2"}, "4242424242424242",
			map[string]any{"event": "settle", "amount": "0.5"}, 200, "success", []string{"hold_wait", "success"}},
		{"confirm passes 3-D Secure", nil, "4000000000003063",
			map[string]any{"event": "confirm"}, 200, "success", []string{"3ds_verify", "success"}},
		{"confirm passes an OTP step", nil, "4000000000003089",
			map[string]any{"event": "confirm"}, 200, "success", []string{"otp_verify", "success"}},
		{"fail declines 3-D Secure", nil, "4000000000003063",
			map[string]any{"event": "fail"}, 200, "failure", []string{"3ds_verify", "failure err_mpi"}},
		{"fail with a code", nil, "4000000000003089",
			map[string]any{"event": "fail", "code": "9859"}, 200, "failure", []string{"otp_verify", "failure 9859"}},
		{"expire a CVV step", nil, "4000000000003055",
			map[string]any{"event": "expire"}, 200, "failure", []string{"cvv_verify", "failure expired_cvv"}},
		{"refund part", []any{"amount", "2"}, "4242424242424242",
			map[string]any{"event": "refund", "amount": 0.5}, 200, "success", []string{"success", "success refunded 0.5"}},
		{"refund all", nil, "4242424242424242",
			map[string]any{"event": "refund"}, 200, "reversed", []string{"success", "reversed refunded 1.0"}},
		{"reverse", []any{"amount", "3"}, "4242424242424242",
			map[string]any{"event": "reverse"}, 200, "reversed", []string{"success", "reversed refunded 3.0"}},
		{"reverse releases a hold", []any{"action", "hold"}, "4242424242424242",
			map[string]any{"event": "reverse"}, 200, "reversed", []string{"hold_wait", "reversed refunded 1.0"}},
		{"settle a paid payment is a conflict", nil, "4242424242424242",
			map[string]any{"event": "settle"}, 409, "success", []string{"success"}},
		{"refund a failed payment is a conflict", nil, "4000000000000002",
			map[string]any{"event": "refund"}, 409, "failure", []string{"failure limit"}},
		{"expire without a step is a conflict", nil, "4242424242424242",
			map[string]any{"event": "expire"}, 409, "success", []string{"success"}},
		{"dispute needs a secured payment", nil, "4242424242424242",
			map[string]any{"event": "dispute"}, 409, "success", []string{"success"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rv := newReceiver(t)
			orderID := lqKey(t, "")
			params := set(payParams(orderID, tc.card), append([]any{"server_url", rv.URL}, tc.charge...)...)
			paid := s.do(t, params)
			id := fmt.Sprint(paid["payment_id"])
			body := map[string]any{"merchant": publicKey, "provider": "liqpay"}
			for k, v := range tc.event {
				body[k] = v
			}
			code, got := s.trigger(t, id, body)
			if code != tc.code || got["status"] != tc.status {
				t.Fatalf("trigger: HTTP %d %v; want %d with status %q", code, got, tc.code, tc.status)
			}
			if code == http.StatusConflict && got["error"] == "" {
				t.Errorf("a 409 without an error: %v", got)
			}
			s.mockpay.advance(t, "0s") // settles the callbacks a 409 left in flight
			var cbs []string
			for _, c := range rv.seen() {
				if !verify(3, c.data, c.signature) {
					t.Errorf("callback %v is not validly signed", c.payment["status"])
				}
				cb := fmt.Sprint(c.payment["status"])
				if c.payment["err_code"] != nil {
					cb += " " + fmt.Sprint(c.payment["err_code"])
				}
				if c.payment["refund_amount"] != nil {
					cb += " refunded " + fmt.Sprint(c.payment["refund_amount"])
				}
				cbs = append(cbs, cb)
			}
			if diff := cmp.Diff(tc.callbacks, cbs); diff != "" {
				t.Errorf("callbacks (-want +got):\n%s", diff)
			}
			// status answers what the trigger left, by order_id too.
			st := s.do(t, map[string]any{"version": 3, "action": "status", "order_id": orderID})
			if st["status"] != tc.status {
				t.Errorf("action=status says %v, want %s", st["status"], tc.status)
			}
		})
	}

	t.Run("by order_id, and the errors", func(t *testing.T) {
		t.Parallel()
		orderID := lqKey(t, "")
		s.do(t, set(payParams(orderID, "4242424242424242"), "action", "hold"))
		if code, got := s.trigger(t, orderID, map[string]any{"event": "settle", "merchant": publicKey}); code != 200 || got["status"] != "success" {
			t.Errorf("settle by order_id: HTTP %d %v", code, got)
		}
		code, got := s.trigger(t, orderID, map[string]any{"event": "chargeback", "merchant": publicKey})
		want := []any{"confirm", "dispute", "expire", "fail", "next_charge", "refund", "reverse", "settle"}
		if code != http.StatusBadRequest || !cmp.Equal(got["events"], want) {
			t.Errorf("chargeback: HTTP %d %v; want 400 listing %v", code, got, want)
		}
		if code, got := s.trigger(t, "no-such-order", map[string]any{"event": "settle", "merchant": publicKey}); code != http.StatusNotFound {
			t.Errorf("unknown payment: HTTP %d %v; want 404", code, got)
		}
		// Another merchant's payment is not found, never touched.
		if code, got := s.trigger(t, orderID, map[string]any{"event": "refund", "merchant": lqDefault.id}); code != http.StatusNotFound {
			t.Errorf("another merchant's payment: HTTP %d %v; want 404", code, got)
		}
		if code, got := s.trigger(t, orderID, map[string]any{"event": "settle", "merchant": "nobody"}); code != http.StatusNotFound {
			t.Errorf("unknown merchant: HTTP %d %v; want 404", code, got)
		}
		if code, got := s.trigger(t, orderID, map[string]any{"event": "refund", "merchant": publicKey, "amount": "lots"}); code != http.StatusBadRequest {
			t.Errorf("bad amount: HTTP %d %v; want 400", code, got)
		}
		r := s.send(t, http.MethodPost, "/_mockpay/payments/"+orderID+"/trigger", "{not json", nil)
		if r.code != http.StatusBadRequest {
			t.Errorf("malformed body: HTTP %d %s; want 400", r.code, r.body)
		}
	})
}

// TestLiquidoTriggers applies each Liquido event and checks the callbacks
// with their event types (reference liquido.md §15.3).
func TestLiquidoTriggers(t *testing.T) {
	t.Parallel()
	s := lqStart(t)
	m := lqDefault
	card := func(key string, kv ...any) map[string]any {
		return lqWith(lqCard(key, "BR", "4242424242424242"), kv...)
	}
	pix := func(key string, kv ...any) map[string]any {
		return lqWith(lqLocal(key, "BR", "PIX_DYNAMIC_QR"), kv...)
	}
	for _, tc := range []struct {
		name      string
		path      string
		charge    func(key string, kv ...any) map[string]any
		extra     []any
		event     map[string]any
		code      int
		status    string
		callbacks []string // "EVENT status" of each callback
	}{
		{"settle a Pix payment", "pix", pix, nil, map[string]any{"event": "settle"}, 200, "SETTLED",
			[]string{"CHARGE_SUCCEEDED SETTLED"}},
		{"settle captures an authorised card", "card", card, []any{"capture", false}, map[string]any{"event": "settle", "amount": 4000}, 200, "SETTLED",
			[]string{"CHARGE_SUCCEEDED SETTLED"}},
		{"confirm passes 3-D Secure", "card", card, []any{"card3dsInfo", map[string]any{"use3ds": true}}, map[string]any{"event": "confirm"}, 200, "SETTLED",
			[]string{"CHARGE_SUCCEEDED SETTLED"}},
		{"fail a Pix payment", "pix", pix, nil, map[string]any{"event": "fail", "code": 402, "reason": "Bank unavailable"}, 200, "FAILED",
			[]string{"CHARGE_FAILED FAILED"}},
		{"expire a Pix payment", "pix", pix, nil, map[string]any{"event": "expire"}, 200, "EXPIRED",
			[]string{"CHARGE_FAILED EXPIRED"}},
		{"reverse voids an authorised card", "card", card, []any{"capture", false}, map[string]any{"event": "reverse"}, 200, "CANCELLED",
			[]string{"CHARGE_FAILED CANCELLED"}},
		{"refund part of a card payment", "card", card, nil, map[string]any{"event": "refund", "amount": 4000}, 200, "SETTLED",
			[]string{"CHARGE_SUCCEEDED SETTLED", "CHARGE_REFUND_SUCCEEDED SETTLED"}},
		{"refund all of a card payment", "card", card, nil, map[string]any{"event": "refund"}, 200, "REFUNDED",
			[]string{"CHARGE_SUCCEEDED SETTLED", "CHARGE_REFUND_SUCCEEDED SETTLED"}},
		{"chargeback", "card", card, nil, map[string]any{"event": "chargeback"}, 200, "CHARGED_BACK",
			[]string{"CHARGE_SUCCEEDED SETTLED", "CHARGE_CHARGED_BACK CHARGED_BACK"}},
		{"chargeback of a Pix payment is a conflict", "pix", pix, nil, map[string]any{"event": "chargeback"}, 409, "IN_PROGRESS", nil},
		{"expire a settled card is a conflict", "card", card, nil, map[string]any{"event": "expire"}, 409, "SETTLED",
			[]string{"CHARGE_SUCCEEDED SETTLED"}},
		{"settle twice is a conflict", "card", card, nil, map[string]any{"event": "settle"}, 409, "SETTLED",
			[]string{"CHARGE_SUCCEEDED SETTLED"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rv := callbacktest.New(t)
			key := lqKey(t, "")
			s.post(t, m, "/v1/payments/charges/"+tc.path, tc.charge(key, append([]any{"callbackUrl", rv.URL}, tc.extra...)...))
			body := map[string]any{"merchant": m.id}
			for k, v := range tc.event {
				body[k] = v
			}
			code, got := s.trigger(t, key, body)
			if code != tc.code || got["status"] != tc.status {
				t.Fatalf("trigger: HTTP %d %v; want %d with status %q", code, got, tc.code, tc.status)
			}
			s.advance(t, m, "0s")
			var cbs []string
			for i, ev := range lqEvents(t, rv) {
				if _, err := lqVerify(ev.signature, ev.raw, m.secret); err != nil {
					t.Errorf("callback %d: %v", i, err)
				}
				cbs = append(cbs, fmt.Sprintf("%s %v", ev.EventType, ev.Data.ChargeDetails["transferStatus"]))
				if ev.EventType == "CHARGE_CHARGED_BACK" && lqAt(ev.Data.ChargeDetails, "transferDetails.card.chargebackInfo.reasonCode") != "1999" {
					t.Errorf("a chargeback without chargebackInfo: %s", ev.raw)
				}
				if tc.event["reason"] != nil && ev.Data.ChargeDetails["transferErrorMsg"] != tc.event["reason"] {
					t.Errorf("transferErrorMsg %v, want %v", ev.Data.ChargeDetails["transferErrorMsg"], tc.event["reason"])
				}
			}
			if diff := cmp.Diff(tc.callbacks, cbs); diff != "" {
				t.Errorf("callbacks (-want +got):\n%s", diff)
			}
			if st := s.payment(t, m, key)["transferStatus"]; st != tc.status {
				t.Errorf("retrieve says %v, want %s", st, tc.status)
			}
		})
	}

	t.Run("a refund in progress settles", func(t *testing.T) {
		t.Parallel()
		rv := callbacktest.New(t)
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/pix", pix(key, "callbackUrl", rv.URL))
		if code, got := s.trigger(t, key, map[string]any{"event": "settle", "merchant": m.id}); code != 200 {
			t.Fatalf("settle: HTTP %d %v", code, got)
		}
		refund := s.post(t, m, "/v1/payments/charges/refund", map[string]any{"idempotencyKey": key + "-r", "referenceId": key,
			"amount": 150000, "currency": "BRL", "country": "BR"})
		if refund["transferStatus"] != "IN_PROGRESS" {
			t.Fatalf("refund: %v", refund)
		}
		if code, got := s.trigger(t, key+"-r", map[string]any{"event": "settle", "merchant": m.id}); code != 200 || got["status"] != "SETTLED" {
			t.Fatalf("settle the refund: HTTP %d %v", code, got)
		}
		if st := s.payment(t, m, key)["transferStatus"]; st != "REFUNDED" {
			t.Errorf("payment %v, want REFUNDED", st)
		}
		var cbs []string
		for _, ev := range lqEvents(t, rv) {
			cbs = append(cbs, ev.EventType+" "+fmt.Sprint(ev.Data.ChargeDetails["idempotencyKey"]))
		}
		if diff := cmp.Diff([]string{"CHARGE_SUCCEEDED " + key, "CHARGE_REFUND_SUCCEEDED " + key + "-r"}, cbs); diff != "" {
			t.Errorf("callbacks (-want +got):\n%s", diff)
		}
	})

	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		key := lqKey(t, "")
		s.post(t, m, "/v1/payments/charges/card", card(key))
		code, got := s.trigger(t, key, map[string]any{"event": "dispute", "merchant": m.id})
		want := []any{"chargeback", "confirm", "expire", "fail", "refund", "reverse", "settle"}
		if code != http.StatusBadRequest || !cmp.Equal(got["events"], want) {
			t.Errorf("dispute: HTTP %d %v; want 400 listing %v", code, got, want)
		}
		if code, got := s.trigger(t, key, map[string]any{"event": "refund", "amount": strconv.Itoa(1 << 30), "merchant": m.id}); code != http.StatusBadRequest {
			t.Errorf("refund over the amount: HTTP %d %v; want 400", code, got)
		}
		if code, got := s.trigger(t, key+"-nope", map[string]any{"event": "settle", "merchant": m.id}); code != http.StatusNotFound {
			t.Errorf("unknown key: HTTP %d %v; want 404", code, got)
		}
		if code, got := s.trigger(t, key, map[string]any{"event": "settle"}); code != http.StatusBadRequest {
			t.Errorf("no merchant: HTTP %d %v; want 400", code, got)
		}
	})
}

package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/config"
)

func retentionServer(t *testing.T, keep int, age time.Duration) *Server {
	t.Helper()
	cfg := config.Default()
	cfg.Seed, cfg.RetainPayments, cfg.RetainAge = 1, keep, config.Duration(age)
	s, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// liqpayCall sends a signed LiqPay request and returns "status/err_code".
func liqpayCall(t *testing.T, h http.Handler, params map[string]any) string {
	t.Helper()
	ans := liqpayAnswer(t, h, params)
	status, _ := ans["status"].(string)
	code, _ := ans["err_code"].(string)
	return status + "/" + code
}

func pay(t *testing.T, h http.Handler, order, card string) string {
	return liqpayCall(t, h, map[string]any{"action": "pay", "amount": "1", "currency": "UAH", "description": "d",
		"order_id": order, "card": card, "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"})
}

func TestRetentionForgetsTheOldestFinishedPayments(t *testing.T) {
	s := retentionServer(t, 3, 0)
	h := s.Handler()
	// The oldest payment waits for 3-D Secure: in progress, so kept
	// however old, and retention takes the next oldest finished ones.
	if got := pay(t, h, "waiting", "4000000000003063"); got != "3ds_verify/" {
		t.Fatalf("pay with the 3-D Secure test card: %s", got)
	}
	for i := range 5 {
		if got := pay(t, h, fmt.Sprintf("o%d", i), "4242424242424242"); got != "success/" {
			t.Fatalf("pay o%d: %s", i, got)
		}
	}
	// 6 held, keep 3: three go, the oldest finished ones.
	if n := s.sweep(time.Now()); n != 3 {
		t.Errorf("sweep forgot %d, want 3", n)
	}
	if got := s.ledger.Count()["liqpay"]; got != 3 {
		t.Errorf("ledger holds %d LiqPay payments, want 3", got)
	}
	for order, want := range map[string]string{"waiting": "3ds_verify/", "o0": "error/payment_not_found",
		"o2": "error/payment_not_found", "o3": "success/", "o4": "success/"} {
		if got := liqpayCall(t, h, map[string]any{"action": "status", "order_id": order}); got != want {
			t.Errorf("status %s: %s, want %s", order, got, want)
		}
	}
	// At the limit now: the next sweep forgets nothing.
	if n := s.sweep(time.Now()); n != 0 {
		t.Errorf("second sweep forgot %d, want 0", n)
	}
}

func TestRetentionByAge(t *testing.T) {
	s := retentionServer(t, 0, time.Hour)
	h := s.Handler()
	pay(t, h, "old", "4242424242424242")
	if n := s.sweep(time.Now()); n != 0 {
		t.Errorf("a fresh payment was forgotten (%d)", n)
	}
	if n := s.sweep(time.Now().Add(2 * time.Hour)); n != 1 {
		t.Errorf("sweep two hours on forgot %d, want 1", n)
	}
	if got := liqpayCall(t, h, map[string]any{"action": "status", "order_id": "old"}); got != "error/payment_not_found" {
		t.Errorf("status of the forgotten payment: %s", got)
	}
}

func TestNoRetentionForgetsNothing(t *testing.T) {
	s := retentionServer(t, 0, 0)
	pay(t, s.Handler(), "o", "4242424242424242")
	if n := s.sweep(time.Now().Add(1000 * time.Hour)); n != 0 {
		t.Errorf("forgot %d with no limits", n)
	}
}

package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// Whatever the emulators log, a card number comes out masked and a CVV
// removed: in the message, in attributes, in groups and in errors.
func TestLogHandlerMasks(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewTextHandler(&buf, nil))).With("merchant", "o-4111111111111111")
	log.Info("order 4242 4242 4242 4242 paid", "order_id", "o-5555555555554444", "amount", 100,
		slog.Group("req", "path", "/v1/payments/4000000000003063", "form", "card_cvv=123"),
		"err", errors.New("card 4000056655665556 refused"))
	out := buf.String()
	for _, clear := range []string{"4111111111111111", "4242 4242 4242 4242", "5555555555554444", "4000000000003063", "4000056655665556", "=123"} {
		if strings.Contains(out, clear) {
			t.Errorf("the log holds %q:\n%s", clear, out)
		}
	}
	for _, kept := range []string{"amount=100", "424242******4242", "req.path=/v1/payments/400000******3063"} {
		if !strings.Contains(out, kept) {
			t.Errorf("the log lost %q:\n%s", kept, out)
		}
	}
}

package server

import (
	"io"
	"log/slog"
	"testing"

	"github.com/mockpay/mockpay/internal/config"
)

// A bundle carries every part of the state file: restrictPart must know
// each part's shape, or a part added later would be silently left out of
// bundles and replays.
func TestBundleRestrictsEveryStatePart(t *testing.T) {
	s, err := New(config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(t.Context())
	tn, ok := s.tenants.Get("liqpay", "sandbox_i00000000")
	if !ok {
		t.Fatal("no default LiqPay tenant")
	}
	for _, p := range s.stateParts() {
		raw, err := p.part.Snapshot()
		if err != nil {
			t.Fatalf("snapshot of %s: %v", p.name, err)
		}
		if _, kept, err := restrictPart(p.name, raw, tn); err != nil || !kept {
			t.Errorf("state part %q is not carried by bundles (kept %v, %v): add it to restrictPart", p.name, kept, err)
		}
	}
}

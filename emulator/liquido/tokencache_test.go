package liquido

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

// TestVerifiedTokensFollowTheMerchant: a remembered token answers as
// verifying it again would — refused once its merchant is removed, taken
// again (against the new merchant) when one with the same credentials is
// added back, and a tampered token is never taken for a remembered one.
func TestVerifiedTokensFollowTheMerchant(t *testing.T) {
	reg := tenant.NewRegistry(1, func() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC) })
	t.Cleanup(reg.Close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := scenarios.NewEngine(log, []scenarios.Vocabulary{Vocabulary()})
	mc := config.Default().LiquidoMerchants()[0]
	s := New(Options{Merchants: []config.LiquidoMerchant{mc}, Tenants: reg, Logger: log, Scenarios: engine})
	token := s.issueToken(s.merchantFor(mc.ClientID))

	check := func(step string, wantOK bool) {
		t.Helper()
		for _, pass := range []string{"first", "remembered"} {
			m, cl, ok := s.verifyToken(token)
			fm, fcl, fok := s.verifyTokenText(token)
			if ok != wantOK || ok != fok || m != fm || cl != fcl {
				t.Fatalf("%s, %s pass: verifyToken ok=%v merchant=%p, verifying afresh ok=%v merchant=%p (want ok=%v)",
					step, pass, ok, m, fok, fm, wantOK)
			}
		}
	}
	check("issued", true)
	if _, _, ok := s.verifyToken(token + "x"); ok {
		t.Fatal("a tampered token verified")
	}
	if !s.RemoveMerchant(mc.ClientID) {
		t.Fatal("merchant not removed")
	}
	check("merchant removed", false)
	if err := s.AddMerchant(mc); err != nil {
		t.Fatal(err)
	}
	check("merchant added back", true)
}

package server

import (
	"time"

	"github.com/mockpay/mockpay/internal/ledger"
)

// Retention (--retain-payments, --retain-age) keeps memory flat however
// long mockpay runs: once a second the sweeper asks the ledger which
// records (payments, Liquido payouts and payment links) are past the
// limits, each provider forgets those that are finished — with their
// refunds, index entries and page tokens — and the ledger then forgets
// them too. The callback log keeps at most as many callbacks per merchant
// as payments are retained (and never more than its own cap of 10,000),
// and forgets finished callbacks older than --retain-age. The journal is
// capped per merchant on its own (--journal-max).
const sweepEvery = time.Second

// retain sweeps until stop is closed.
func (s *Server) retain(stop <-chan struct{}) {
	if s.cfg.RetainPayments == 0 && s.cfg.RetainAge == 0 {
		return
	}
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			s.sweep(now)
		}
	}
}

// sweep forgets what is past retention at real time now and reports how
// many records it forgot.
func (s *Server) sweep(now time.Time) int {
	var cutoff time.Time
	if age := s.cfg.RetainAge.Std(); age > 0 {
		cutoff = now.Add(-age)
	}
	// What an emulator keeps (in progress) is spared and the listing
	// asked again, so the finished records after it go instead; a few
	// rounds at most, the rest waits for the next sweep.
	n, spared := 0, map[string]bool{}
	for range 4 {
		declined := false
		for _, ex := range s.ledger.Expired(s.cfg.RetainPayments, cutoff, spared) {
			if s.forget(ex) {
				n++
			} else {
				spared[ledger.SpareKey(ex.Tenant, ex.ID)], declined = true, true
			}
		}
		if !declined {
			break
		}
	}
	if !cutoff.IsZero() {
		s.callbacks.Expire(cutoff)
	}
	// What no ledger record stands for (card tokens, vaulted cards, FX
	// quotes, report files…) has a count cap of its own.
	s.liqpay.TrimStores(s.cfg.RetainPayments)
	s.liquido.TrimStores(s.cfg.RetainPayments)
	return n
}

// forget asks the record's emulator to forget it, then the ledger; false:
// it is kept. Liquido's ledger record goes under the merchant's lock: a
// forgotten idempotencyKey may be used again at once, and the new payment's
// record must not be the one the ledger forgets.
func (s *Server) forget(ex ledger.Expired) bool {
	gone := func() { s.ledger.Forget(ex.Tenant, ex.ID) }
	switch ex.Provider {
	case "liqpay":
		// payment_id, the record's id, is never used again.
		if !s.liqpay.Forget(ex.Merchant, ex.ID) {
			return false
		}
	case "liquido":
		return s.liquido.Forget(ex.Merchant, ex.ID, ex.Kind, gone)
	}
	gone()
	return true
}

// callbackCap is the callback log's cap per merchant: the retained payment
// count when that is below the log's own default (0 keeps the default).
func callbackCap(retain int) int {
	if retain > 0 && retain < 10_000 {
		return retain
	}
	return 0
}

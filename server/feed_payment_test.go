package server

import (
	"encoding/json"
	"testing"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/events"
)

// TestLiveFeedCarriesThePaymentOnlyWhenSubscribed: a payment's JSON is
// encoded for the live feed only while someone subscribes to its tenant
// (ledger.WantsPayment); a subscriber still gets every change with it.
func TestLiveFeedCarriesThePaymentOnlyWhenSubscribed(t *testing.T) {
	s := retentionServer(t, 0, 0)
	h := s.Handler()
	tenant := "liqpay:" + config.DefaultLiqPayPublicKey
	if s.feedWants(tenant) {
		t.Fatal("with no subscriber the feed wants payments")
	}
	if got := pay(t, h, "unwatched", "4242424242424242"); got != "success/" {
		t.Fatalf("pay: %s", got)
	}

	sub := s.events.Subscribe(nil)
	defer s.events.Unsubscribe(sub)
	if !s.feedWants(tenant) {
		t.Fatal("with a subscriber the feed does not want payments")
	}
	if got := pay(t, h, "watched", "4242424242424242"); got != "success/" {
		t.Fatalf("pay: %s", got)
	}
	for {
		select {
		case ev := <-sub.C:
			if ev.Kind != events.Payment {
				continue
			}
			var rec struct {
				OrderID string `json:"order_id"`
				Payment struct {
					OrderID string `json:"order_id"`
					Status  string `json:"status"`
				} `json:"payment"`
			}
			if err := json.Unmarshal(ev.Data, &rec); err != nil {
				t.Fatal(err)
			}
			if rec.OrderID == "unwatched" {
				t.Fatal("an event from before the subscription")
			}
			if rec.Payment.OrderID != "watched" || rec.Payment.Status == "" {
				t.Fatalf("the event carries no payment JSON: %s", ev.Data)
			}
			return
		default:
			t.Fatal("no payment event for the subscriber")
		}
	}
}

func (s *Server) feedWants(tenant string) bool { return feed{s.ledger, s.events}.WantsPayment(tenant) }

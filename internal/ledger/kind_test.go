package ledger

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Records of another kind (a payout, an unpaid payment link) are listed
// like payments but not counted as payments.
func TestCountLeavesOtherKindsOut(t *testing.T) {
	l := New()
	l.Publish(rec("liquido:a", "charge", "SETTLED", t0))
	payout := rec("liquido:a", "payout", "IN_PROGRESS", t0)
	payout.Provider, payout.Kind = "liquido", "payout"
	l.Publish(payout)
	link := rec("liquido:a", "link", "INITIAL_STATUS", t0)
	link.Provider, link.Kind = "liquido", "payment_link"
	l.Publish(link)
	if diff := cmp.Diff(map[string]int{"liqpay": 1}, l.Count()); diff != "" {
		t.Errorf("Count (-want +got):\n%s", diff)
	}
	// The link's charge takes its id over: it is a payment from then on.
	charge := rec("liquido:a", "link", "SETTLED", t0)
	charge.Provider = "liquido"
	l.Publish(charge)
	if diff := cmp.Diff(map[string]int{"liqpay": 1, "liquido": 1}, l.Count()); diff != "" {
		t.Errorf("Count after the link's charge (-want +got):\n%s", diff)
	}
}

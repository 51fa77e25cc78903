package liquido

import (
	"encoding/json"
	"net/http"
	"time"
)

// schedulePayout plays the comment's statusEvent on the merchant's clock:
// after statusDelay the payout settles or is rejected; SETTLED_THEN_REJECTED
// settles, then is returned after the same delay again (GUESS: the sandbox
// page does not say when the return comes). A statusDelay under 15 s is
// rejected, as the sandbox page says. Caller holds m.mu.
func (s *Server) schedulePayout(m *merchant, po *Payout) {
	first, msg := StatusSettled, ""
	switch {
	case po.plan.delay < payoutMinDelay:
		first, msg = StatusRejected, "statusDelay must be at least 15 seconds"
	case po.plan.event == statusEventRejected:
		first = StatusRejected
	}
	po.timer = m.at(po.Created.Add(po.plan.delay), func() {
		if po.Status != StatusInProgress {
			return
		}
		s.setPayoutStatus(m, po, first, msg, m.tenant.Clock.Now())
		if first == StatusSettled && po.plan.event == statusEventSettledThenRejected {
			s.schedulePayoutReturn(m, po)
		}
	})
}

// schedulePayoutReturn returns a SETTLED payout statusDelay after it
// settled, for SETTLED_THEN_REJECTED. Caller holds m.mu.
func (s *Server) schedulePayoutReturn(m *merchant, po *Payout) {
	po.timer = m.at(po.Finished.Add(po.plan.delay), func() {
		if po.Status == StatusSettled {
			s.setPayoutStatus(m, po, StatusRejected, payoutReturned, m.tenant.Clock.Now())
		}
	})
}

// payoutReturned is the transferErrorMsg of a settled payout returned.
const payoutReturned = "Payout returned by the recipient's bank"

// setPayoutStatus is the one place a payout's status changes: it stamps the
// final time, sets transferStatusCode and transferErrorMsg (200 and "" as
// the documented answer writes them, 400 and a message once REJECTED —
// Liquido publishes no payout failure codes, GUESS), and sends
// PAYOUT_SUCCEEDED on SETTLED and PAYOUT_REJECTED on REJECTED, a return
// after settling included. Caller holds m.mu.
func (s *Server) setPayoutStatus(m *merchant, po *Payout, st Status, msg string, now time.Time) {
	prev := po.Status
	po.Status = st
	po.Code, po.ErrMsg = http.StatusOK, ""
	if st == StatusRejected {
		if msg == "" {
			msg = "Payout rejected by the receiving bank"
		}
		po.Code, po.ErrMsg = http.StatusBadRequest, msg
	}
	if st == StatusSettled || st == StatusRejected {
		po.Finished = now
	}
	defer s.publishPayout(m, po, now) // to the ledger, as this change leaves the payout
	if prev == st {
		return
	}
	switch st {
	case StatusSettled:
		s.notifyPayout(m, po, EventPayoutSucceeded)
	case StatusRejected:
		s.notifyPayout(m, po, EventPayoutRejected)
	}
}

// notifyPayout sends a payout's callback: {eventType, data: {payoutDetails}}
// (GUESS, in the pattern of a charge's chargeDetails), signed like every
// Liquido callback. Caller holds m.mu.
func (s *Server) notifyPayout(m *merchant, po *Payout, ev Event) {
	s.notify(m, notice{
		event: ev, status: po.Status, key: po.Key, reference: po.Key, url: po.CallbackURL,
		details: po.encoded(),
		foreign: func() []byte {
			fake := *po
			fake.Key += "-foreign"
			return fake.encoded()
		},
		wrap: func(details []byte) any {
			var cb payoutCallbackJSON
			cb.EventType, cb.Data.PayoutDetails = ev, details
			return cb
		},
	})
}

// payoutCallbackJSON is a payout callback's body.
type payoutCallbackJSON struct {
	EventType Event `json:"eventType"`
	Data      struct {
		PayoutDetails json.RawMessage `json:"payoutDetails"`
	} `json:"data"`
}

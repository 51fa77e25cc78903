package liquido

import (
	"fmt"
	"time"
)

// The state-file sections of what is not a charge: payment links, payouts,
// FX proposals, PayCash recurring references and virtual accounts (the
// merchant's books beyond payments, refunds and cards; state.go). Each
// saves its object's exported fields as they are and names the rest.

type paymentLinkState struct {
	Link      *PaymentLink `json:"link"`
	Payment   string       `json:"payment,omitempty"` // the idempotencyKey of the charge that pays it
	Params    paramsState  `json:"params"`
	BoletoDue time.Time    `json:"boleto_due,omitzero"`
	Refunds   int          `json:"refunds,omitempty"` // refund attempts, naming each refund
}

type payoutState struct {
	Payout *Payout       `json:"payout"`
	Seq    int64         `json:"seq"`
	Hash   []byte        `json:"hash"`
	Event  string        `json:"event"` // the comment's statusEvent
	Delay  time.Duration `json:"delay"`
	// Timer: a scripted settlement (IN_PROGRESS) or return (SETTLED) is
	// still to come; a trigger that settled it cancelled it.
	Timer bool `json:"timer,omitempty"`
}

type proposalState struct {
	Proposal *proposal `json:"proposal"`
	Rate     int64     `json:"rate"`
	UsedBy   string    `json:"used_by,omitempty"`
}

type referenceState struct {
	Reference *reference `json:"reference"`
	Hash      []byte     `json:"hash"`
	Page      string     `json:"page"`
	Payments  []string   `json:"payments,omitempty"` // idempotencyKeys of the payments made against it
}

type accountState struct {
	Account *account `json:"account"`
	Hash    []byte   `json:"hash"`
}

// snapshotResources adds the merchant's links, payouts, proposals,
// references and accounts to st. Caller holds m.mu.
func (m *merchant) snapshotResources(st *merchantState) {
	for _, l := range m.links {
		ls := paymentLinkState{Link: l, Params: paramsState{FinalStatus: l.params.finalStatus, Delay: l.params.delay},
			BoletoDue: l.boletoDue, Refunds: l.refunds}
		if l.payment != nil {
			ls.Payment = l.payment.Key
		}
		st.PaymentLinks = append(st.PaymentLinks, ls)
	}
	for _, po := range m.payouts {
		st.Payouts = append(st.Payouts, payoutState{Payout: po, Seq: po.seq, Hash: po.hash[:], Event: po.plan.event,
			Delay: po.plan.delay, Timer: po.timer != nil})
	}
	for _, q := range m.proposals {
		st.Proposals = append(st.Proposals, proposalState{Proposal: q, Rate: q.rate, UsedBy: q.usedBy})
	}
	for _, ref := range m.references {
		st.References = append(st.References, referenceState{Reference: ref, Hash: ref.hash[:], Page: ref.page, Payments: ref.payments})
	}
	for _, a := range m.accounts {
		st.Accounts = append(st.Accounts, accountState{Account: a, Hash: a.hash[:]})
	}
}

// checkResources finds what would break restoreResources: a null object, a
// missing fingerprint, or a name of a payment, link or proposal the file
// does not hold. payments are the file's payment keys.
func (ms merchantState) checkResources(payments map[string]bool) error {
	links, proposals := map[string]bool{}, map[string]bool{}
	for _, ls := range ms.PaymentLinks {
		if ls.Link == nil {
			return fmt.Errorf("a payment link is null")
		}
		if ls.Payment != "" && !payments[ls.Payment] {
			return fmt.Errorf("payment link %s: no payment %q", ls.Link.ID, ls.Payment)
		}
		links[ls.Link.ID] = true
	}
	for _, ps := range ms.Payouts {
		if ps.Payout == nil || len(ps.Hash) != 32 {
			return fmt.Errorf("a payout is null or has no fingerprint")
		}
	}
	for _, qs := range ms.Proposals {
		if qs.Proposal == nil {
			return fmt.Errorf("a proposal is null")
		}
		proposals[qs.Proposal.ID] = true
	}
	for _, rs := range ms.References {
		if rs.Reference == nil || len(rs.Hash) != 32 {
			return fmt.Errorf("a reference is null or has no fingerprint")
		}
		for _, k := range rs.Payments {
			if !payments[k] {
				return fmt.Errorf("reference %s: no payment %q", rs.Reference.Key, k)
			}
		}
	}
	for _, as := range ms.Accounts {
		if as.Account == nil || len(as.Hash) != 32 {
			return fmt.Errorf("a virtual account is null or has no fingerprint")
		}
	}
	for _, ps := range ms.Payments {
		switch {
		case ps.Link != "" && !links[ps.Link]:
			return fmt.Errorf("payment %s: no payment link %q", ps.Payment.Key, ps.Link)
		case ps.FX != "" && !proposals[ps.FX]:
			return fmt.Errorf("payment %s: no proposal %q", ps.Payment.Key, ps.FX)
		}
	}
	return nil
}

// restoreResources puts back the links (before the payments, which point
// at them), proposals, payouts, references and accounts, and re-arms their
// timers: link expiry, payout settlement or return, reference expiry.
// Caller holds m.mu; the payments are restored already.
func (s *Server) restoreResources(m *merchant, ms merchantState) {
	for _, ls := range ms.PaymentLinks {
		l := ls.Link
		l.BillingAddress, l.ShippingAddress, l.Metadata = nullToNil(l.BillingAddress), nullToNil(l.ShippingAddress), nullToNil(l.Metadata)
		l.params = testParams{finalStatus: ls.Params.FinalStatus, delay: ls.Params.Delay}
		l.boletoDue, l.refunds = ls.BoletoDue, ls.Refunds
		l.payment = m.payments[ls.Payment] // nil when empty
		m.links[l.ID] = l
		if l.Status == StatusInitial || (l.payment != nil && l.payment.Status == StatusInProgress) {
			s.scheduleLinkExpiry(m, l)
		}
	}
	for _, qs := range ms.Proposals {
		q := qs.Proposal
		q.rate, q.usedBy = qs.Rate, qs.UsedBy
		m.proposals[q.ID] = q
	}
	for _, ps := range ms.Payouts {
		po := ps.Payout
		po.seq, po.plan = ps.Seq, payoutPlan{event: ps.Event, delay: ps.Delay}
		copy(po.hash[:], ps.Hash)
		m.payouts[po.Key] = po
		switch {
		case !ps.Timer:
		case po.Status == StatusInProgress:
			s.schedulePayout(m, po)
		case po.Status == StatusSettled && po.plan.event == statusEventSettledThenRejected:
			s.schedulePayoutReturn(m, po)
		}
	}
	for _, rs := range ms.References {
		ref := rs.Reference
		ref.Payer = nullToNil(ref.Payer)
		copy(ref.hash[:], rs.Hash)
		ref.page, ref.payments = rs.Page, rs.Payments
		m.references[ref.Key] = ref
		s.scheduleReferenceExpiry(m, ref)
	}
	for _, as := range ms.Accounts {
		a := as.Account
		a.UserInfo = nullToNil(a.UserInfo)
		copy(a.hash[:], as.Hash)
		m.accounts[a.Key] = a
	}
}

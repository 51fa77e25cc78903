package liquido

import (
	"fmt"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/scenarios"
)

// refundRequest is a validated refund (reference §8.1).
type refundRequest struct {
	key         string
	referenceID string
	amount      int64
	currency    string
	country     string
	description string
	callbackURL string
	bankInfo    bool
	params      testParams
	body        map[string]any
	hash        [32]byte
}

func decodeRefund(c *call) (request, *apiError) {
	body, e := decodeObject(c.body)
	if e != nil {
		return nil, e
	}
	f := newFields(body)
	in := &refundRequest{body: body}
	in.key = readKey(f, "idempotencyKey")
	in.referenceID = readKey(f, "referenceId")
	if n, ok := f.long("amount", true); ok {
		if n <= 0 {
			f.fail("amount", "must be greater than 0")
		}
		in.amount = n
	}
	in.currency = f.text("currency", true)
	in.country = f.text("country", true)
	in.description = f.text("description", false)
	in.params = readTestParams(f, in.description, refundFinalStatuses)
	in.callbackURL = readURL(f, "callbackUrl", false)
	in.bankInfo = readBankInfo(f)
	if f.failed() {
		return nil, errInvalid(*f.errs)
	}
	in.hash = fingerprint(c.m.hashKey, ActionRefund, body)
	return in, nil
}

// run refunds a payment (reference §8): fully or partly, each refund with
// its own idempotencyKey, never more than was charged. Card refunds are
// synchronous except where a scenario says otherwise (the 4000000000007726
// test card); local-method refunds are asynchronous, finalised per the
// refund's own description parameters.
func (in *refundRequest) run(s *Server, c *call) answer {
	m := c.m
	if r, ok := m.refunds[in.key]; ok {
		return replay(in.key, r.hash, in.hash, func() answer { return okRefund(r) })
	}
	p := m.payments[in.referenceID]
	switch {
	case p == nil:
		return failed(errPaymentNotFound(in.referenceID))
	case p.ex().link != nil:
		return failed(errBadRequest("Payment " + p.Key + " pays a payment link: refund it with POST /v2/cashier/payment-link/refund"))
	case p.Status != StatusSettled && p.Status != StatusRefunding:
		return failed(errBadRequest(fmt.Sprintf("Payment %s is %s: only SETTLED payments can be refunded", p.Key, p.Status)))
	case in.currency != p.Currency:
		return failed(errField("currency", "must be the payment's currency, "+p.Currency))
	case in.country != p.Country:
		return failed(errField("country", "must be the payment's country, "+p.Country))
	case p.Country == "CO" && (in.amount != p.Captured || p.ex().refunded+p.ex().refunding > 0):
		// "now just support full refund, as same as the payment amount" (reference §8.1).
		return failed(errField("amount", fmt.Sprintf("Colombia supports full refunds only: must be %d", p.Captured)))
	case in.amount > p.refundable():
		return failed(errField("amount", fmt.Sprintf("must not exceed the refundable amount of %d", p.refundable())))
	case p.Country == "BR" && (p.Method == MethodBoleto || p.Method == MethodBankTransfer) && !in.bankInfo:
		return failed(errField("additionalInfo.bankTransferAccountInfo", "must not be null: BOLETO and BANK_TRANSFER refunds are paid to this account"))
	}
	req := followUp(ActionRefund, p, in.body)
	req.OrderID, req.Description, req.Amount = in.key, in.description, amountOf(in.amount)
	if !s.decide(c, req) {
		return answer{skip: true}
	}
	r := &Refund{
		seq: m.nextSeq(), Key: in.key, Payment: p, Amount: in.amount, Currency: in.currency, Country: in.country,
		Description: in.description, CallbackURL: in.callbackURL, Created: c.now, hash: in.hash,
	}
	m.refunds[r.Key] = r
	p.more().refunds = append(p.ex().refunds, r)
	o := c.outcome()
	r.Overrides, r.CallbackRules = o.Fields, o.Callbacks
	switch {
	case o.Status != "":
		s.setRefundStatus(m, r, refundStatus(Status(o.Status)), parseCode(o.Code), o.Message, c.now)
		s.scheduleRefundThen(m, r, o.Then, c.now)
	case p.isCard():
		s.setRefundStatus(m, r, StatusSettled, 0, "", c.now)
	default:
		s.setRefundStatus(m, r, StatusInProgress, 0, "", c.now)
		r.params = in.params
		s.scheduleRefundFinalize(m, r)
	}
	return okRefund(r)
}

// scheduleRefundFinalize finishes an asynchronous refund per its
// description parameters, counted from its creation. Caller holds m.mu.
func (s *Server) scheduleRefundFinalize(m *merchant, r *Refund) {
	r.finalize = m.at(r.Created.Add(r.params.delay), func() {
		if r.Status == StatusInProgress {
			s.setRefundStatus(m, r, r.params.finalStatus, 0, "", m.tenant.Clock.Now())
		}
	})
}

func okRefund(r *Refund) answer {
	return answer{code: http.StatusOK, body: r.encoded(), key: r.Key, status: r.Status}
}

// refundStatus maps a scripted status onto the three a refund has
// ("SETTLED, IN_PROGRESS, FAILED", reference §8.1): the payment-side words
// REFUNDED and REFUNDING are taken to mean SETTLED and IN_PROGRESS, anything
// else fails the refund.
func refundStatus(st Status) Status {
	switch st {
	case StatusSettled, StatusRefunded:
		return StatusSettled
	case StatusInProgress, StatusRefunding:
		return StatusInProgress
	}
	return StatusFailed
}

// setRefundStatus moves a refund to st, keeps its payment's status in step
// (REFUNDING while a refund is in progress, REFUNDED once everything is
// returned, SETTLED again after a partial or failed one; reference §13.2),
// and sends CHARGE_REFUND_SUCCEEDED or CHARGE_REFUND_FAILED with the refund
// as chargeDetails (reference §8.3). Caller holds m.mu.
func (s *Server) setRefundStatus(m *merchant, r *Refund, st Status, code int, msg string, now time.Time) {
	prev, p := r.Status, r.Payment
	defer s.publish(m, p, now) // to the ledger: a refund moves its payment to REFUNDING or REFUNDED
	if prev == StatusInProgress {
		p.more().refunding -= r.Amount
	}
	r.Status = st
	r.Code, r.ErrMsg = failure(st, code, msg, "Refund")
	switch st {
	case StatusInProgress:
		p.more().refunding += r.Amount
	case StatusSettled:
		p.more().refunded += r.Amount
		r.Finished = now
	case StatusFailed:
		r.Finished = now
	}
	if st != StatusInProgress && r.finalize != nil {
		m.disarm(r.finalize)
		r.finalize = nil
	}
	// The payment follows its refunds; no payment callback: the refund's
	// own reports it.
	switch p.Status {
	case StatusSettled, StatusRefunding, StatusRefunded:
		switch {
		case p.ex().refunding > 0:
			p.Status = StatusRefunding
		case p.ex().refunded >= p.Captured:
			if p.Status != StatusRefunded {
				p.Finished = clock.StampAt(now)
			}
			p.Status = StatusRefunded
		default:
			p.Status = StatusSettled
		}
	}
	if p.ex().link != nil {
		// A payment link's refund is reported as the link (reference §10).
		s.setLinkStatus(m, p.ex().link, p.ex().link.Status, st, now)
		return
	}
	if prev == st {
		return
	}
	switch st {
	case StatusSettled:
		s.notifyRefund(m, r, EventChargeRefundSucceeded)
	case StatusFailed:
		s.notifyRefund(m, r, EventChargeRefundFailed)
	}
}

// scheduleRefundThen is scheduleThen for a refund.
func (s *Server) scheduleRefundThen(m *merchant, r *Refund, steps []scenarios.Transition, since time.Time) {
	if len(steps) == 0 {
		return
	}
	from := r.Status
	plan := &thenPlan{Steps: steps, Since: since, From: from}
	r.plan = plan
	// Not m.at: PlayThen arms the next step after this one returned and
	// unlocked. The books check does what m.at does: a reset ends the script.
	b := m.books
	at := func(t time.Time, fn func()) { m.tenant.Clock.At(t, fn) }
	scenarios.PlayThen(at, steps, since, func(step scenarios.Transition, due time.Time) bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.books != b || r.Status != from {
			return false
		}
		s.setRefundStatus(m, r, refundStatus(Status(step.Status)), parseCode(step.Code), step.Message, due)
		from = r.Status
		plan.advance(due, from)
		return true
	})
}

// retrieveRefund is GET /v1/payments/charges/refund/{idempotencyKey}, keyed
// by the refund's own key (reference §8.2).
func (s *Server) retrieveRefund(c *call, in *keyRequest) answer {
	r := c.m.refunds[in.key]
	if r == nil {
		return failed(errNotFound("No refund found with idempotencyKey " + in.key))
	}
	if !s.decide(c, followUp(ActionRetrieve, r.Payment, nil)) {
		return answer{skip: true}
	}
	return okRefund(r)
}

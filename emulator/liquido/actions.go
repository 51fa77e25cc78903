package liquido

import (
	"fmt"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// Each run below is called by the pipeline with the merchant's lock held, in
// the same order: the idempotency check or the lookup, the checks that need
// state, the decision (decide), then applying it. Errors found before the
// decision leave no trace; nothing after it fails.

// run creates a charge.
func (in *chargeRequest) run(s *Server, c *call) answer {
	m := c.m
	// Idempotency: the key is the payment's identity (reference §3, §14
	// GUESS). The same body returns the payment as it stands, with no new
	// side effect — the Magento plugin resends the key on a shopper's retry
	// on purpose — and another body under the same key is a conflict.
	if p, ok := m.payments[in.key]; ok {
		if p.hash != in.hash {
			return failed(errKeyReused(in.key))
		}
		return okPayment(p)
	}
	var fx *proposal
	if in.proposalID != "" {
		q, e := proposalFor(m, in, c.now)
		if e != nil {
			return failed(e)
		}
		fx = q
	}
	var card *storedCard
	switch {
	case in.cardID != "":
		// A saved card is usable by the merchant that saved it only.
		if card = m.cards[in.cardID]; card == nil {
			return failed(errField("cardId", "no card was saved with this cardId"))
		}
	case in.card != nil:
		sc := in.card.stored()
		card = &sc
	}
	p := s.newPayment(c, in, card, fx)

	// An expired card fails whatever the scenarios say: it is the card's
	// own state, not an outcome to script.
	if card != nil && expired(card.info.ExpirationMonth, card.info.ExpirationYear, c.now) {
		m.payments[p.Key] = p
		if fx != nil {
			useProposal(fx, p.Key)
		}
		s.setStatus(m, p, StatusFailed, 400, "Card expired", c.now)
		return okPayment(p)
	}
	if !s.decide(c, in.scenarioRequest(card)) {
		return answer{skip: true}
	}
	m.payments[p.Key] = p
	if fx != nil {
		useProposal(fx, p.Key)
	}
	o := c.outcome()
	p.Overrides, p.CallbackRules = o.Fields, o.Callbacks
	switch {
	case p.isCard():
		s.beginCard(c, p, in, o)
	default:
		s.beginLocal(c, p, in, o)
	}
	return okPayment(p)
}

// scenarioRequest is what the scenario engine matches a charge on. The full
// card number is used for matching only; a saved card is matched by its
// masked number (bin, stars, last four).
func (in *chargeRequest) scenarioRequest(card *storedCard) scenarios.Request {
	r := scenarios.Request{
		Action: string(in.action), Method: in.method, Currency: in.currency, Country: in.country,
		OrderID: in.key, Description: in.description, Phone: in.payerPhone, Amount: amountOf(in.amount), Body: in.body,
	}
	if r.Phone == "" {
		r.Phone = in.nequiPhone
	}
	switch {
	case in.card != nil:
		r.Card = in.card.pan
	case card != nil:
		r.Card = card.masked()
	}
	return r
}

// newPayment builds (but does not store) the payment of a charge.
func (s *Server) newPayment(c *call, in *chargeRequest, card *storedCard, fx *proposal) *Payment {
	p := &Payment{
		seq: c.m.nextSeq(), Key: in.key, Action: in.action, Method: in.method, Flow: in.flow,
		Amount: in.amount, Currency: in.currency, Country: in.country, Captured: in.amount,
		Created: c.now, Payer: in.payer, OrderInfo: in.orderInfo, Description: in.description,
		CallbackURL: in.callbackURL, SubMerchantID: in.subMerchant, Vendor: in.vendor, ReturnURL: in.returnURL,
		capture: in.capture, hash: in.hash, params: in.params, baseURL: c.baseURL, card: card, link: in.link, fx: fx,
	}
	price(p, c.m.cfg.Withholds())
	if p.isCard() {
		d := &cardDetails{Installments: in.installments}
		if card != nil {
			info := card.info
			d.CardInfo = &info
		}
		if in.cardID != "" {
			d.CardID = in.cardID // "returned when paid with card ID" (SEED)
		}
		p.Details.Card = d
	}
	return p
}

// price sets finalAmount and finalCurrency from the charged amount: a USD
// pay-in converted to local money (reference §12), and Colombia's 2 %
// CO_IVA_TAX withholding on top for cards of a merchant that withholds, as
// the seed example shows (10000 → 10200). Liquido sets tax withholding up
// per merchant (reference §12); mockpay's built-in default merchant has it
// on, so the seed reproduces, and other merchants have it off unless their
// configuration turns it on (GUESS, as the reference suggests).
func price(p *Payment, withhold bool) {
	final, currency := convert(p.Captured, p.Currency, p.Country)
	if p.fx != nil { // at the proposal's quoted rate (proposals.go)
		final, currency = convertAt(p.Captured, p.fx.rate), p.fx.Target
	}
	p.Tax = nil
	if withhold && p.Country == "CO" && p.isCard() {
		withheld := (final*2 + 50) / 100
		p.Tax = &amountDetails{TaxWithholdDetails: taxWithholdDetails{
			TaxRate:        taxRate{ModifierType: "RATE", Type: "CO_IVA_TAX", Rate: 0.02},
			WithholdAmount: withheld,
		}}
		final += withheld
	}
	p.FinalAmount, p.FinalCurrency = final, currency
}

// beginCard starts a card payment: synchronous for DIRECT (reference §16:
// "processed asynchronously except credit card"), waiting on a hosted page
// for 3-D Secure and REDIRECT.
func (s *Server) beginCard(c *call, p *Payment, in *chargeRequest, o scenarios.Outcome) {
	m := c.m
	if in.card != nil && in.country == "MX" {
		// MX: "the response will return a card id" on a first payment with
		// card data (reference §5.2); mockpay saves the card as the vault does.
		p.Details.Card.CardID = m.uuid()
		m.cards[p.Details.Card.CardID] = p.card
	}
	switch {
	case p.Flow == FlowRedirect && (o.Status == "" || Status(o.Status) == StatusSettled):
		// The payer enters the card on mockpay's hosted page; the outcome
		// is decided then, by the card entered (test cards work there too).
		p.page = s.link(m, p, pageCheckout)
		p.Details.Card.PaymentURL = c.baseURL + "/liquido/" + pageCheckout.path() + "/" + p.page
		s.setStatus(m, p, StatusInProgress, 0, "", c.now)
	case in.use3DS:
		// IN_PROGRESS with threeDsRedirectUrl (reference §5.6); approving on
		// the page applies what was decided now — a failure card still
		// fails, after the challenge, as it would at the issuer.
		p.page = s.link(m, p, page3DS)
		p.Details.Card.Card3DSInfo = &card3DSInfo{Use3DS: true, MerchantSite3DS: in.site3DS,
			ThreeDSRedirectURL: c.baseURL + "/liquido/" + page3DS.path() + "/" + p.page}
		p.pending = &o
		s.setStatus(m, p, StatusInProgress, 0, "", c.now)
	default:
		s.applyCardOutcome(m, p, o, c.now)
	}
}

// applyCardOutcome carries out a decided card outcome: no status (or
// SETTLED) is a charge that goes through — AUTHORIZED when capture is false
// (reference §5.7) — anything else is the scenario's own status. Caller
// holds m.mu.
func (s *Server) applyCardOutcome(m *merchant, p *Payment, o scenarios.Outcome, now time.Time) {
	st := Status(o.Status)
	if st == "" || st == StatusSettled {
		st = StatusSettled
		if !p.capture {
			st = StatusAuthorized
		}
	}
	s.setStatus(m, p, st, parseCode(o.Code), o.Message, now)
	s.scheduleThen(m, p, o.Then, now)
}

// beginLocal starts a local-method payment: IN_PROGRESS with its payment
// data (QR code, digitable line, reference, account), finalised on the
// merchant's clock after asyncFinalizationDelay (default 180 s) to
// finalStatus (default SETTLED), as the sandbox does (reference §16). A
// scenario's then: replaces that schedule; a scenario's other status is
// applied at once.
func (s *Server) beginLocal(c *call, p *Payment, in *chargeRequest, o scenarios.Outcome) {
	m := c.m
	p.page = s.link(m, p, pagePay)
	payURL := c.baseURL + "/liquido/" + pagePay.path() + "/" + p.page
	threeDays := c.now.Add(72 * time.Hour)
	switch p.Action {
	case ActionPix:
		exp := in.expiresAt
		if exp.IsZero() {
			exp = c.now.Add(24 * time.Hour) // GUESS: the SDKs send no expirationInfo
		}
		p.pixExpiry = exp
		dynamic := p.Method == MethodPixDynamic
		target, txid, typ := pixLocation(c.baseURL, p.page), "***", "DYNAMIC"
		if !dynamic {
			target, txid, typ = m.uuid(), pixTxid(p.Key), "STATIC" // a random Pix key
		}
		p.Details.Pix = &pixDetails{QRCode: pixCode(dynamic, target, p.FinalAmount, txid), QRCodeType: typ, ExpirationTime: UTCTime(exp)}
	case ActionBoleto:
		due := in.dueDate
		if due.IsZero() {
			due = threeDays.In(brasilia)
		}
		barcode, line := boleto(due, p.FinalAmount, m.digits(25))
		p.Details.Boleto = &boletoDetails{DigitalLine: line, Barcode: barcode, DueDate: Date(due)}
		p.pdf = s.link(m, p, fileBoleto)
	case ActionOXXO:
		p.Details.OXXO = &oxxoDetails{ReferenceNumber: m.digits(14), ExpirationDate: Date(threeDays.In(zone))}
	case ActionPayCash:
		exp := in.expirationDate
		if exp.IsZero() {
			exp = threeDays.In(zone)
		}
		d := &payCashDetails{ReferenceNumber: m.digits(13), ExpirationDate: Date(exp)}
		if p.Country == "CO" {
			d.Convenio = "112766"
		}
		p.Details.PayCash = d
	case ActionBankTransfer:
		m.refs++
		p.Details.BankTransfer = &bankTransferDetails{
			ExpirationTime: Time(threeDays), ReferenceNumber: fmt.Sprintf("%07d", m.refs),
			BankAccountInfo: bankTransferAccount(p.Country, m.digits(11)),
		}
	case ActionPSE:
		// paymentUrl is filled in a few seconds later: merchants must poll
		// for it (reference §6, §16).
		p.Details.PSE = &pseDetails{PersonType: in.personType, FinancialInstitutionCode: in.institution}
		s.schedulePSEURL(m, p, payURL)
	case ActionWebPay, ActionPago46, ActionServifacil, ActionFintoc, ActionPicPay:
		setHosted(p, payURL, in.hostedRedirect)
	case ActionNequi:
		// With a phone, Nequi pushes the payment to the app; without one the
		// payer scans a QR on a payment page (reference §6).
		d := &nequiDetails{Phone: in.nequiPhone}
		if in.nequiPhone == "" {
			d.PaymentURL = payURL
		}
		p.Details.Nequi = d
	}

	switch st := Status(o.Status); st {
	case "", StatusInProgress:
		s.setStatus(m, p, StatusInProgress, 0, "", c.now)
		if len(o.Then) > 0 {
			s.scheduleThen(m, p, o.Then, c.now)
		} else {
			s.scheduleFinalize(m, p, c.now)
		}
	default:
		s.setStatus(m, p, st, parseCode(o.Code), o.Message, c.now)
		s.scheduleThen(m, p, o.Then, c.now)
	}
}

// schedulePSEURL shows a PSE payment's paymentUrl pseURLDelay after it was
// created. Caller holds m.mu.
func (s *Server) schedulePSEURL(m *merchant, p *Payment, payURL string) {
	m.at(p.Created.Add(pseURLDelay), func() {
		if p.Status == StatusInProgress {
			p.Details.PSE.PaymentURL = payURL
		}
	})
}

// pseURLDelay is how long PSE's paymentUrl takes to appear (virtual time).
const pseURLDelay = 5 * time.Second

// pixLocation is a dynamic Pix code's location: the hosted payment page,
// without the scheme as BR Codes write it. A field holds at most 77
// characters; a long host falls back to a placeholder one.
func pixLocation(baseURL, token string) string {
	loc := baseURL
	for _, prefix := range []string{"https://", "http://"} {
		if len(loc) >= len(prefix) && loc[:len(prefix)] == prefix {
			loc = loc[len(prefix):]
		}
	}
	loc += "/liquido/" + pagePay.path() + "/" + token
	if len(loc) > 77 {
		loc = "mockpay.local/liquido/" + pagePay.path() + "/" + token
	}
	return loc
}

// scheduleFinalize settles (or fails, per finalStatus) a local-method payment
// after its delay, unless something else finished it first. A Pix code that
// expires before then expires the payment instead. Caller holds m.mu.
func (s *Server) scheduleFinalize(m *merchant, p *Payment, now time.Time) {
	at, st := now.Add(p.params.delay), p.params.finalStatus
	if !p.pixExpiry.IsZero() && p.pixExpiry.Before(at) {
		at, st = p.pixExpiry, StatusExpired
	}
	p.finalize = m.at(at, func() {
		if p.Status == StatusInProgress {
			s.setStatus(m, p, st, 0, "", m.tenant.Clock.Now())
		}
	})
}

// scheduleThen plays a scenario's later transitions on the merchant's
// virtual clock, each After the one before, counted from since (the virtual
// time of the change that started the script). A step applies only if the
// payment is still in the status the step before left it in: a capture, a
// cancel or a refund in between ends the script. Caller holds m.mu.
func (s *Server) scheduleThen(m *merchant, p *Payment, steps []scenarios.Transition, since time.Time) {
	if len(steps) == 0 {
		return
	}
	from := p.Status
	plan := &thenPlan{Steps: steps, Since: since, From: from}
	p.plan = plan // what is left to play, for a state file (state.go)
	// Not m.at: PlayThen arms the next step after this one returned and
	// unlocked. The books check does what m.at does: a reset ends the script.
	b := m.books
	at := func(t time.Time, fn func()) { m.tenant.Clock.At(t, fn) }
	scenarios.PlayThen(at, steps, since, func(step scenarios.Transition, due time.Time) bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.books != b || p.Status != from {
			return false
		}
		s.setStatus(m, p, Status(step.Status), parseCode(step.Code), step.Message, due)
		from = p.Status
		plan.advance(due, from)
		return true
	})
}

// setStatus moves a payment to st and sends the callback the real provider
// sends for that change (reference §15.3): CHARGE_SUCCEEDED on reaching
// SETTLED, CHARGE_FAILED on FAILED — and, a GUESS the reference suggests, on
// CANCELLED and EXPIRED — CHARGE_CHARGED_BACK on CHARGED_BACK; none for
// IN_PROGRESS, AUTHORIZED, REFUNDING or REFUNDED. Caller holds m.mu.
func (s *Server) setStatus(m *merchant, p *Payment, st Status, code int, msg string, now time.Time) {
	prev := p.Status
	defer s.publish(m, p, now) // to the ledger, as this change leaves the payment
	p.Status = st
	p.Code, p.ErrMsg = failure(st, code, msg, "")
	if st.final() {
		p.Finished = now
	}
	if st != StatusInProgress && p.finalize != nil {
		p.finalize.Stop()
		p.finalize = nil
	}
	if st != StatusInProgress {
		p.pending = nil
	}
	switch st {
	case StatusSettled:
		if p.Details.PayCash != nil {
			p.Details.PayCash.PaymentTime = LocalTime(now)
		}
	case StatusChargedBack:
		// The documented example's reason (reference §5.9), for cards.
		if p.Details.Card != nil {
			p.Details.Card.ChargebackInfo = &chargebackInfo{Category: "OTHER", ReasonCode: "1999", ReasonMessage: "Not Classified"}
		}
	}
	if p.link != nil {
		// A payment link's charge is reported as the link (reference §10).
		s.setLinkStatus(m, p.link, linkPaymentStatus(st), p.link.RefundStatus, now)
		return
	}
	if ev := paymentEvent(prev, st); ev != "" {
		s.notifyPayment(m, p, ev)
	}
}

// paymentEvent is the callback a status change sends, if any. Returning to
// SETTLED after a partial or failed refund is not a new success.
func paymentEvent(prev, st Status) Event {
	if prev == st {
		return ""
	}
	switch st {
	case StatusSettled:
		if prev == StatusRefunding || prev == StatusRefunded {
			return ""
		}
		return EventChargeSucceeded
	case StatusFailed, StatusCancelled, StatusExpired:
		return EventChargeFailed
	case StatusChargedBack:
		return EventChargeChargedBack
	}
	return ""
}

// failure gives transferStatusCode and transferErrorMsg for a status: 200
// and null except for FAILED and EXPIRED, which carry the scenario's code and
// message or 400 and a plain default (Liquido publishes no failure codes,
// reference §13.3; GUESS).
func failure(st Status, code int, msg, subject string) (int, string) {
	if !st.failed() {
		return http.StatusOK, ""
	}
	if code == 0 || code == http.StatusOK {
		code = http.StatusBadRequest
	}
	if msg == "" {
		if subject == "" {
			subject = "Payment"
		}
		msg = subject + " failed"
		if st == StatusExpired {
			msg = subject + " expired"
		}
	}
	return code, msg
}

// retrieve is GET /v1/payments/charges/{idempotencyKey} (reference §7): the
// payment as it stands. It is how merchants poll, PSE's paymentUrl included.
func (s *Server) retrieve(c *call, in *keyRequest) answer {
	p := c.m.payments[in.key]
	if p == nil {
		return failed(errPaymentNotFound(in.key))
	}
	if !s.decide(c, followUp(ActionRetrieve, p, nil)) {
		return answer{skip: true}
	}
	return okPayment(p)
}

func errPaymentNotFound(key string) *apiError {
	return errNotFound("No payment found with idempotencyKey " + key)
}

// followUp is the scenario request of an operation on an existing payment.
func followUp(a Action, p *Payment, body map[string]any) scenarios.Request {
	r := scenarios.Request{Action: string(a), Method: p.Method, Currency: p.Currency, Country: p.Country,
		OrderID: p.Key, Description: p.Description, Amount: amountOf(p.Amount), Body: body}
	if p.card != nil {
		r.Card = p.card.masked()
	}
	return r
}

// capture is POST /v1/payments/charges/card/capture/{idempotencyKey}
// (reference §5.7): an AUTHORIZED card becomes SETTLED, for its whole amount
// or, with {"amount": n}, part of it. Capturing a payment again returns it
// as it is, so a retried capture is harmless.
func (s *Server) capture(c *call, in *keyRequest) answer {
	m := c.m
	p := m.payments[in.key]
	switch {
	case p == nil:
		return failed(errPaymentNotFound(in.key))
	case p.captured && p.Status != StatusAuthorized && in.amount > 0 && in.amount != p.Captured:
		// A retry is harmless; a second capture of another amount is not a retry.
		return failed(errField("amount", fmt.Sprintf("payment %s was already captured for %d", p.Key, p.Captured)))
	case p.captured && p.Status != StatusAuthorized:
		return okPayment(p)
	case p.Status != StatusAuthorized:
		return failed(errBadRequest(fmt.Sprintf("Payment %s is %s: only AUTHORIZED card payments can be captured", p.Key, p.Status)))
	case in.amount > p.Amount:
		return failed(errField("amount", fmt.Sprintf("must not exceed the authorized amount of %d", p.Amount)))
	}
	if !s.decide(c, followUp(ActionCapture, p, in.body)) {
		return answer{skip: true}
	}
	p.captured = true
	if in.amount > 0 {
		p.Captured = in.amount
		price(p, c.m.cfg.Withholds())
	}
	o := c.outcome()
	adopt(p, o)
	st := Status(o.Status)
	if st == "" {
		st = StatusSettled
	}
	s.setStatus(m, p, st, parseCode(o.Code), o.Message, c.now)
	s.scheduleThen(m, p, o.Then, c.now)
	return okPayment(p)
}

// adopt takes a follow-up scenario's field overrides and callback rules,
// when it has any, for the rest of the payment's life.
func adopt(p *Payment, o scenarios.Outcome) {
	if o.Fields != nil {
		p.Overrides = o.Fields
	}
	if o.Callbacks != nil {
		p.CallbackRules = o.Callbacks
	}
}

// cancel is POST /v1/payments/charges/cancel/{idempotencyKey} (reference
// §9): a card while AUTHORIZED (a void), a local method while IN_PROGRESS
// (the voucher or reference stops working) becomes CANCELLED. The docs list
// card, BANK_TRANSFER and PAY_CASH; mockpay lets every unpaid local method
// be cancelled (GUESS). Any other state is a 400; cancelling twice returns
// the cancelled payment.
func (s *Server) cancel(c *call, in *keyRequest) answer {
	m := c.m
	p := m.payments[in.key]
	switch {
	case p == nil:
		return failed(errPaymentNotFound(in.key))
	case p.Status == StatusCancelled:
		return okPayment(p)
	case !(p.isCard() && p.Status == StatusAuthorized) && !(!p.isCard() && p.Status == StatusInProgress):
		return failed(errBadRequest(fmt.Sprintf("Payment %s (%s) is %s and cannot be cancelled: card payments can be cancelled while AUTHORIZED, other methods while IN_PROGRESS",
			p.Key, p.Method, p.Status)))
	}
	if !s.decide(c, followUp(ActionCancel, p, nil)) {
		return answer{skip: true}
	}
	o := c.outcome()
	adopt(p, o)
	st := Status(o.Status)
	if st == "" {
		st = StatusCancelled
	}
	s.setStatus(m, p, st, parseCode(o.Code), o.Message, c.now)
	s.scheduleThen(m, p, o.Then, c.now)
	return okPayment(p)
}

// run refunds a payment (reference §8): fully or partly, each refund with
// its own idempotencyKey, never more than was charged. Card refunds are
// synchronous except where a scenario says otherwise (the 4000000000007726
// test card); local-method refunds are asynchronous, finalised per the
// refund's own description parameters.
func (in *refundRequest) run(s *Server, c *call) answer {
	m := c.m
	if r, ok := m.refunds[in.key]; ok {
		if r.hash != in.hash {
			return failed(errKeyReused(in.key))
		}
		return okRefund(r)
	}
	p := m.payments[in.referenceID]
	switch {
	case p == nil:
		return failed(errPaymentNotFound(in.referenceID))
	case p.link != nil:
		return failed(errBadRequest("Payment " + p.Key + " pays a payment link: refund it with POST /v2/cashier/payment-link/refund"))
	case p.Status != StatusSettled && p.Status != StatusRefunding:
		return failed(errBadRequest(fmt.Sprintf("Payment %s is %s: only SETTLED payments can be refunded", p.Key, p.Status)))
	case in.currency != p.Currency:
		return failed(errField("currency", "must be the payment's currency, "+p.Currency))
	case in.country != p.Country:
		return failed(errField("country", "must be the payment's country, "+p.Country))
	case p.Country == "CO" && (in.amount != p.Captured || p.refunded+p.refunding > 0):
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
	p.refunds = append(p.refunds, r)
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
		p.refunding -= r.Amount
	}
	r.Status = st
	r.Code, r.ErrMsg = failure(st, code, msg, "Refund")
	switch st {
	case StatusInProgress:
		p.refunding += r.Amount
	case StatusSettled:
		p.refunded += r.Amount
		r.Finished = now
	case StatusFailed:
		r.Finished = now
	}
	if st != StatusInProgress && r.finalize != nil {
		r.finalize.Stop()
		r.finalize = nil
	}
	// The payment follows its refunds; no payment callback: the refund's
	// own reports it.
	switch p.Status {
	case StatusSettled, StatusRefunding, StatusRefunded:
		switch {
		case p.refunding > 0:
			p.Status = StatusRefunding
		case p.refunded >= p.Captured:
			if p.Status != StatusRefunded {
				p.Finished = now
			}
			p.Status = StatusRefunded
		default:
			p.Status = StatusSettled
		}
	}
	if p.link != nil {
		// A payment link's refund is reported as the link (reference §10).
		s.setLinkStatus(m, p.link, p.link.Status, st, now)
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

// run saves a card and returns its cardId (reference §5.3).
func (in *vaultRequest) run(s *Server, c *call) answer {
	m := c.m
	if !s.decide(c, scenarios.Request{Action: string(ActionVault), Country: in.country, Card: in.card.pan, Body: in.body}) {
		return answer{skip: true}
	}
	sc := in.card.stored()
	id := m.uuid()
	m.cards[id] = &sc
	return answer{code: http.StatusOK, body: encode(vaultJSON{CardID: id, Card: sc.info}, nil), key: id}
}

// run lists PSE's banks (reference §4).
func (banksRequest) run(s *Server, c *call) answer {
	return answer{code: http.StatusOK, body: encode(struct {
		Data []pseBank `json:"data"`
	}{pseBanks}, nil)}
}

// boletoPDFPath is GET /v1/payments/files/boleto/pdf/{idempotencyKey}: a
// link to the boleto's PDF, {"path": …} (reference §4, the SDK's
// BoletoClient). The link carries a token, not the key: two merchants may use
// the same key, and the file itself needs no credentials.
func (s *Server) boletoPDFPath(c *call, in *keyRequest) answer {
	p := c.m.payments[in.key]
	switch {
	case p == nil:
		return failed(errPaymentNotFound(in.key))
	case p.Details.Boleto == nil:
		return failed(errBadRequest("Payment " + p.Key + " is not a BOLETO payment"))
	}
	if !s.decide(c, followUp(ActionRetrieve, p, nil)) {
		return answer{skip: true}
	}
	return answer{code: http.StatusOK, key: p.Key, status: p.Status, body: encode(struct {
		Path string `json:"path"`
	}{c.baseURL + "/liquido/files/boleto/" + p.pdf + ".pdf"}, nil)}
}

package liquido

import (
	"fmt"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// FX proposals (reference §12): POST /v1/payments/proposals quotes a pay-in
// in a foreign currency (USD) in the country's own; a charge that carries
// paymentProposalInfo: {proposalId} is then converted at the quoted rate.
//
// The proposal's answer was not captured (reference §19.9). mockpay's GUESS:
// {proposalId, country, amount, currency, targetAmount, targetCurrency,
// exchangeRate, createTime, expireTime}, the rate from mockpay's fixed table
// (usdRates), valid for proposalTTL of the merchant's virtual clock, and
// used by one charge only: it quotes one amount, for one pay-in. A charge
// must match the proposal's amount, currency and country. The charge echoes
// paymentProposalInfo with the rate it was converted at; its finalAmount and
// finalCurrency are the converted amount (reference §12).

// proposalTTL is how long a quote holds (GUESS; Liquido documents none).
const proposalTTL = 15 * time.Minute

// proposal is one FX quote of a merchant.
type proposal struct {
	ID           string
	Country      string
	Amount       int64 // in Currency's minor unit
	Currency     string
	TargetAmount int64 // in TargetCurrency's minor unit
	Target       string
	rate         int64 // target minor units per source minor unit, ×100 (usdRates)
	Created      time.Time
	Expires      time.Time
	usedBy       string // the idempotencyKey of the charge that used it
}

// proposalJSON is a proposal as the API writes it.
type proposalJSON struct {
	ProposalID     string  `json:"proposalId"`
	Country        string  `json:"country"`
	Amount         int64   `json:"amount"`
	Currency       string  `json:"currency"`
	TargetAmount   int64   `json:"targetAmount"`
	TargetCurrency string  `json:"targetCurrency"`
	ExchangeRate   float64 `json:"exchangeRate"`
	CreateTime     Time    `json:"createTime"`
	ExpireTime     Time    `json:"expireTime"`
}

func (q *proposal) wire() proposalJSON {
	return proposalJSON{ProposalID: q.ID, Country: q.Country, Amount: q.Amount, Currency: q.Currency,
		TargetAmount: q.TargetAmount, TargetCurrency: q.Target, ExchangeRate: float64(q.rate) / 100,
		CreateTime: Time(q.Created), ExpireTime: Time(q.Expires)}
}

// proposalInfoJSON is what a converted charge echoes of its proposal.
type proposalInfoJSON struct {
	ProposalID   string  `json:"proposalId"`
	ExchangeRate float64 `json:"exchangeRate"`
}

// proposalRequest is a validated POST /v1/payments/proposals.
type proposalRequest struct {
	amount            int64
	country, currency string
	target            string
	rate              int64
	body              map[string]any
}

func decodeProposal(c *call) (request, *apiError) {
	body, e := decodeObject(c.body)
	if e != nil {
		return nil, e
	}
	f := newFields(body)
	in := &proposalRequest{body: body}
	if n, ok := f.long("amount", true); ok {
		if p := amountProblem(n); p != "" {
			f.fail("amount", p)
		}
		in.amount = n
	}
	in.country = f.text("country", true)
	in.currency = f.text("currency", true)
	in.target = f.text("targetCurrency", false)
	cc, known := countries[in.country]
	switch {
	case in.country == "":
	case !known:
		f.fail("country", "must be one of "+countryList())
	case in.target == "":
		in.target = cc.currency // the country's own money (GUESS: the SDK always sends it)
	case in.target != cc.currency:
		f.fail("targetCurrency", "must be "+in.country+"'s currency, "+cc.currency)
	}
	if in.currency != "" && in.currency != "USD" {
		f.fail("currency", "must be USD: mockpay quotes USD into local currencies")
	}
	if known && in.target == cc.currency {
		rate, ok := usdRates[cc.currency]
		if !ok {
			f.fail("targetCurrency", cc.currency+" is quoted 1:1 with USD; no proposal is needed")
		}
		in.rate = rate
	}
	if f.failed() {
		return nil, errInvalid(*f.errs)
	}
	return in, nil
}

// run quotes: a new proposal every time (a quote has no idempotencyKey).
func (in *proposalRequest) run(s *Server, c *call) answer {
	m := c.m
	if !s.decide(c, scenarios.Request{Action: string(ActionProposal), Currency: in.currency, Country: in.country,
		Amount: amountOf(in.amount), Body: in.body}) {
		return answer{skip: true}
	}
	q := &proposal{ID: m.uuid(), Country: in.country, Amount: in.amount, Currency: in.currency,
		Target: in.target, rate: in.rate, Created: c.now, Expires: c.now.Add(proposalTTL)}
	q.TargetAmount = convertAt(q.Amount, q.rate)
	m.proposals[q.ID] = q
	m.proposalOrder.Add(q.ID)
	return answer{code: http.StatusOK, body: encode(q.wire(), nil), key: q.ID}
}

// convertAt converts minor units at a usdRates-style rate (×100), rounding
// half up, as convert does. Amounts are at most maxAmount, so the product
// stays far inside int64.
func convertAt(amount, rate int64) int64 { return (amount*rate + 50) / 100 }

// proposalFor checks the proposal a charge names, under the merchant's
// lock: it must exist, be unused and unexpired at the charge's virtual time,
// and quote the charge's amount, currency and country.
func proposalFor(m *merchant, in *chargeRequest, now time.Time) (*proposal, *apiError) {
	const field = "paymentProposalInfo.proposalId"
	q := m.proposals[in.proposalID]
	switch {
	case q == nil:
		return nil, errField(field, "no proposal "+in.proposalID+" was created by this merchant")
	case q.usedBy != "":
		return nil, errField(field, "proposal "+q.ID+" was already used by payment "+q.usedBy)
	case !now.Before(q.Expires):
		return nil, errField(field, "proposal "+q.ID+" expired at "+q.Expires.In(zone).Format(TimeLayout))
	case q.Amount != in.amount || q.Currency != in.currency || q.Country != in.country:
		return nil, errField(field, fmt.Sprintf("proposal %s quotes %d %s in %s; the charge is %d %s in %s",
			q.ID, q.Amount, q.Currency, q.Country, in.amount, in.currency, in.country))
	}
	return q, nil
}

// useProposal is the one place a proposal changes state: a charge used it.
// Caller holds m.mu.
func useProposal(q *proposal, paymentKey string) { q.usedBy = paymentKey }

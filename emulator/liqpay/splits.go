package liqpay

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mockpay/mockpay/internal/callback"
)

// split is one receiver of a split payment (reference §3 split_rules,
// seed 001): its shop, its share, who pays its acquiring fee, and where its
// own callbacks go.
type split struct {
	PublicKey       string `json:"public_key"`
	Amount          Amount `json:"amount"` // for a state file: no answer carries a split
	CommissionPayer string `json:"commission_payer"`
	ServerURL       string `json:"server_url"`
	Description     string `json:"description"`
}

// maxSplits bounds the receivers of one payment; LiqPay documents no limit
// (GUESS: 20 is more than any marketplace sends and keeps callbacks bounded).
const maxSplits = 20

// parseSplits reads split_rules: a JSON array written as a string (as the
// documentation and liqpy send it) or, tolerated, as the array itself. The
// shares must add up to the payment's amount exactly, else err_split_amount
// (reference §6.2). paysplit needs rules; other charges may carry them.
func parseSplits(c *call, total Amount) ([]split, *apiError) {
	raw, present := c.params["split_rules"]
	if !present || raw == nil || raw == "" {
		if c.action == ActionPaySplit {
			return nil, newError(ErrMissing, c.lang, "split_rules")
		}
		return nil, nil
	}
	var text []byte
	switch v := raw.(type) {
	case string:
		text = []byte(v)
	case []any:
		text, _ = json.Marshal(v)
	default:
		return nil, newError(ErrWrong, c.lang, "split_rules")
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var rules []map[string]any
	if err := dec.Decode(&rules); err != nil || len(rules) == 0 || len(rules) > maxSplits {
		return nil, newError(ErrWrong, c.lang, "split_rules")
	}
	out := make([]split, 0, len(rules))
	var sum Amount
	for _, r := range rules {
		p := Params(r)
		sp := split{PublicKey: p.S("public_key"), CommissionPayer: p.S("commission_payer"),
			ServerURL: p.S("server_url"), Description: p.S("description")}
		a, ok := parseAmount(p.S("amount"))
		if sp.PublicKey == "" || !ok || a <= 0 {
			return nil, newError(ErrWrong, c.lang, "split_rules")
		}
		// GUESS: a rule without commission_payer charges the receiver,
		// LiqPay's default for an ordinary payment.
		switch sp.CommissionPayer {
		case "":
			sp.CommissionPayer = "receiver"
		case "sender", "receiver":
		default:
			return nil, newError(ErrWrong, c.lang, "split_rules")
		}
		if sp.ServerURL != "" && (len(sp.ServerURL) > 510 || !validHTTPURL(sp.ServerURL)) {
			return nil, newError(ErrWrong, c.lang, "split_rules")
		}
		sp.Amount = a
		sum += a
		out = append(out, sp)
	}
	if sum != total {
		return nil, newError(ErrSplitAmount, c.lang, "")
	}
	return out, nil
}

// receiverView is what one split receiver sees of the payment: its own
// share, its own public_key and its own commission (reference §3: "the
// acquiring fee is charged from each shop in the split_rules"). The payer
// of the fee decides where it shows: commission_payer sender puts it on top
// of the share as sender_commission, receiver takes it off as
// receiver_commission.
func (p *Payment) receiverView(sp split) paymentJSON {
	j := p.wire("")
	j.PublicKey = sp.PublicKey
	j.Amount, j.AmountDebit, j.AmountCredit = sp.Amount, money4(sp.Amount), sp.Amount
	fee := commission(sp.Amount)
	if sp.CommissionPayer == "sender" {
		j.SenderCommission, j.ReceiverCommission, j.CommissionDebit, j.CommissionCredit = fee, 0, fee, 0
		j.AmountDebit = money4(sp.Amount + fee)
	} else {
		j.SenderCommission, j.ReceiverCommission, j.CommissionDebit, j.CommissionCredit = 0, fee, 0, fee
	}
	if sp.Description != "" {
		j.Description = sp.Description
	}
	j.overrides = nil
	return j
}

// notifySplits sends each split receiver its own callback of a status
// change, to the receiver's own server_url (reference §7, A.5). It is signed
// with the receiver shop's private key when mockpay serves that shop, and
// with the paying shop's key otherwise (GUESS: mockpay cannot know a
// stranger's key, and the paying shop's key is the one a test holds).
// Caller holds sh.mu.
func (s *Server) notifySplits(sh *shop, p *Payment) {
	if s.opts.Callbacks == nil || len(p.flow().Splits) == 0 {
		return
	}
	for i, sp := range p.flow().Splits {
		if sp.ServerURL == "" {
			continue
		}
		key := sh.merchant.PrivateKey
		if other := s.shop(sp.PublicKey); other != nil {
			key = other.merchant.PrivateKey
		}
		raw := bytes.TrimSuffix(encode(p.receiverView(sp)), []byte("\n"))
		data := base64.StdEncoding.EncodeToString(raw)
		id := strconv.FormatInt(p.ID, 10)
		s.opts.Callbacks.Enqueue(sh.tenant.Clock, callback.Request{
			Tenant:   sh.tenant.ID,
			Provider: "liqpay",
			URL:      sp.ServerURL,
			Header:   http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			Body:     []byte(url.Values{"data": {data}, "signature": {Sign(p.Algo, key, data)}}.Encode()),
			// Each receiver's callbacks keep their own order.
			OrderKey: id + "/split/" + strconv.Itoa(i),
			Labels: map[string]string{
				"order_id": p.OrderID, "payment_id": id, "status": string(p.Status), "action": p.Action,
				"split_receiver": sp.PublicKey,
			},
			Policy: s.opts.CallbackPolicy(sh.merchant.PublicKey),
		})
	}
}

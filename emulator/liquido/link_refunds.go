package liquido

import (
	"fmt"
	"net/http"
	"strings"
)

// linkRefundRequest is a validated POST /v2/cashier/payment-link/refund.
type linkRefundRequest struct {
	linkID   string
	amount   int64 // 0: the whole amount
	reason   string
	params   testParams
	bankInfo bool
}

func decodeLinkRefund(c *call) (request, *apiError) {
	body, e := decodeObject(c.body)
	if e != nil {
		return nil, asCashier(e)
	}
	f := newFields(body)
	in := &linkRefundRequest{}
	in.linkID = f.text("linkId", true)
	if n, ok := f.long("refundAmount", false); ok {
		if n <= 0 {
			f.fail("refundAmount", "must be greater than 0")
		}
		in.amount = n
	}
	in.reason = f.text("reason", false)
	// The refund's test parameters go in reason, the one free text of the
	// request (mockpay's convention; the docs name none for link refunds).
	in.params = readTestParams(f, in.reason, refundFinalStatuses)
	in.bankInfo = readBankInfo(f)
	if f.failed() {
		return nil, asCashier(errInvalid(*f.errs))
	}
	return in, nil
}

// run refunds a paid link: "Each payment link allows only one successful
// refund (failure can be retried), and supports partial refund" (reference
// §10). The refund answers IN_PROGRESS, as the documented answer shows, and
// settles after asyncFinalizationDelay (180 s unless reason says
// otherwise). It is an ordinary refund of the link's charge, so GET
// /v1/payments/charges/refund/{linkId}-refund-N shows it too.
func (in *linkRefundRequest) run(s *Server, c *call) answer {
	m := c.m
	l := m.links[in.linkID]
	switch {
	case l == nil:
		return failed(errCashier(http.StatusNotFound, "Payment link "+in.linkID+" not found"))
	case l.Status != StatusSettled || l.payment == nil:
		return failed(errCashier(http.StatusBadRequest, fmt.Sprintf("Payment link %s is %s: only a paid (SETTLED) payment link can be refunded", l.ID, l.Status)))
	case l.RefundStatus == StatusInProgress:
		return failed(errCashier(http.StatusBadRequest, "Payment link "+l.ID+" already has a refund in progress"))
	case l.RefundStatus == StatusSettled:
		return failed(errCashier(http.StatusBadRequest, "Payment link "+l.ID+" was already refunded: each payment link allows only one successful refund"))
	case in.amount > l.payment.refundable():
		return failed(errCashier(http.StatusBadRequest, fmt.Sprintf("refundAmount must not exceed the paid amount of %d", l.payment.refundable())))
	case l.Country == "BR" && (l.payment.Method == MethodBoleto || l.payment.Method == MethodBankTransfer) && !in.bankInfo:
		return failed(errCashier(http.StatusBadRequest, "additionalInfo.bankTransferAccountInfo must not be null: BOLETO and BANK_TRANSFER refunds are paid to this account"))
	}
	p := l.payment
	amount := in.amount
	if amount == 0 {
		amount = p.refundable()
	}
	l.refunds++
	key := fmt.Sprintf("%s-refund-%d", l.ID, l.refunds)
	for m.refunds[key] != nil {
		key += "x"
	}
	r := &Refund{
		seq: m.nextSeq(), Key: key, Payment: p, Amount: amount, Currency: p.Currency, Country: p.Country,
		Description: in.reason, Created: c.now,
	}
	m.refunds[r.Key] = r
	p.more().refunds = append(p.ex().refunds, r)
	l.RefundAmount = amount
	s.setRefundStatus(m, r, StatusInProgress, 0, "", c.now)
	r.params = in.params // a state file saves them, to re-arm the finalisation
	s.scheduleRefundFinalize(m, r)
	return answer{code: http.StatusOK, key: l.ID, status: l.RefundStatus,
		body: encode(cashierJSON{Code: 0, Message: "success", Data: trimNewline(l.encoded())}, nil)}
}

func trimNewline(b []byte) []byte { return []byte(strings.TrimSuffix(string(b), "\n")) }

package liqpay

import (
	"strings"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/scenarios"
)

// acqID is the acquirer id every observed LiqPay response carries (reference §2.5).
const acqID = 414963

// Payment is one LiqPay payment as mockpay keeps it. It holds only the
// masked card: the full number and the CVV never reach it.
type Payment struct {
	ID int64
	// Common holds action, type, paytype, version, algo, public_key,
	// currency, language, BaseURL, server_url and the card, shared with the shop's
	// payments made alike (common.go).
	*Common
	Status        Status
	OrderID       string
	LiqPayOrderID string
	Description   string
	Amount        Amount // current amount: a partial capture lowers it
	RefundAmount  Amount
	// Extras are the optional strings (extras.go): nil on most payments.
	*Extras
	AuthcodeDebit Digits // digits.go
	RRNDebit      Digits
	ErrCode       ErrCode
	// Virtual times (stamp.go): made, last changed status, completed.
	Created   clock.Stamp
	Ended     clock.Stamp
	Completed clock.Stamp

	// Token confirms a verification step (confirm_token) and names the 3-DS page.
	Token  string
	Verify *verification

	// The rest of the catalogue: split receivers, auth's verifycode, the
	// payer-facing page of an invoice (or payment_prepare), payqr's code.
	Invoice *invoice
	// Flow holds what DCC, splits, holds, refunds and the deciding
	// scenario add (flow.go): nil on a plain charge.
	*Flow
	// The flags together, so they share one word instead of padding three.
	Recurring bool
	Is3DS     bool
	Sandbox   bool
	// waitCallbacks: a before_response callback rule fired during the
	// current request; the handler takes it with takeWait.
	waitCallbacks bool
}

// takeWait reports and clears waitCallbacks. Caller holds sh.mu.
func (p *Payment) takeWait() bool {
	w := p.waitCallbacks
	p.waitCallbacks = false
	return w
}

// verification is a pending confirmation step.
type verification struct {
	Step     Status
	Then     Status // the status a successful confirmation leads to
	Deadline time.Time
	// OTPFailures counts wrong OTPs; the configured maximum fails the payment.
	OTPFailures int
	// Approved3DS: the customer passed the 3-DS page of a payment that came
	// with return_to; the merchant's confirm finishes it (reference §5.3).
	Approved3DS bool
	// Rules are a scenario's confirm rules for this step.
	Rules []scenarios.ConfirmRule
	timer *clock.Timer
}

// expiryCode is the err_code of a step whose deadline passed.
func expiryCode(step Status) ErrCode {
	switch step {
	case Status3DSVerify:
		return ErrExpired3DS
	case StatusOTPVerify:
		return ErrExpiredOTP
	case StatusCVVVerify:
		return ErrExpiredCVV
	case StatusSenderVerify:
		return ErrExpiredSender
	default:
		return ErrExpiredReceiver
	}
}

// wire renders the standard payment object. result is "ok" for answers to
// successful requests and "" inside callbacks.
func (p *Payment) wire(result string) paymentJSON {
	lang, x := p.Language, p.extras()
	j := paymentJSON{
		Result:             result,
		PaymentID:          p.ID,
		Action:             p.Action,
		Status:             p.Status,
		Version:            p.Version,
		Type:               p.Type,
		Paytype:            p.Paytype,
		PublicKey:          p.PublicKey,
		AcqID:              acqID,
		OrderID:            p.OrderID,
		LiqPayOrderID:      p.LiqPayOrderID,
		Description:        p.Description,
		SenderPhone:        x.Phone,
		SenderFirstName:    x.FirstName,
		SenderLastName:     x.LastName,
		SenderCardMask2:    p.Card.Mask2,
		SenderCardBank:     p.Card.Bank,
		SenderCardType:     p.Card.Type,
		SenderCardCountry:  p.Card.Country,
		IP:                 x.IP,
		CardToken:          x.CardToken,
		Info:               x.Info,
		Customer:           x.Customer,
		Amount:             p.Amount,
		Currency:           p.Currency,
		ReceiverCommission: commission(p.Amount),
		AmountDebit:        money4(p.Amount),
		AmountCredit:       p.Amount,
		CommissionCredit:   commission(p.Amount),
		CurrencyDebit:      p.Currency,
		CurrencyCredit:     p.Currency,
		AuthcodeDebit:      p.AuthcodeDebit.String(),
		RRNDebit:           p.RRNDebit.String(),
		MpiEci:             "7",
		Is3DS:              p.Is3DS,
		Language:           lang,
		CreateDate:         epochMS(p.Created.Time()),
		EndDate:            epochMS(p.Ended.Time()),
		CompletionDate:     epochMS(p.Completed.Time()),
		RefundAmount:       p.RefundAmount,
		RefundDateLast:     epochMS(p.flow().RefundedAt),
		TransactionID:      p.ID,
		ProductCategory:    x.Product[0],
		ProductDescription: x.Product[1],
		ProductName:        x.Product[2],
		ProductURL:         x.Product[3],
	}
	if p.Is3DS {
		j.MpiEci = "5" // ECI 5: fully authenticated 3-D Secure (reference §5.3)
	}
	f := p.flow()
	if d := f.DCCDebit; d != nil {
		j.AmountDebit, j.CurrencyDebit = d.Amount, d.Currency
	}
	j.DCCAllowed = f.DCCAllowed
	if p.Status == StatusWaitLC {
		j.Token = p.Token // confirm_token of the secured payment's confirmation
	}
	j.Verifycode, j.QRCode = x.Verifycode, x.QRCode
	if p.Invoice != nil && p.Status == waitStatus(p.Invoice.Kind) {
		j.Token, j.Href = p.Invoice.Token, p.href()
	}
	if p.Verify != nil {
		j.Token = p.Token
		j.ConfirmPhone = x.ConfirmPhone
		if p.Verify.Step == Status3DSVerify {
			j.RedirectTo = x.RedirectTo
		}
	}
	if p.ErrCode != "" {
		j.Code, j.ErrCode, j.ErrDescription = p.ErrCode, p.ErrCode, describe(p.ErrCode, lang, "")
		if x.ErrMessage != "" {
			j.ErrDescription = x.ErrMessage
		}
	}
	j.overrides = f.Overrides
	return j
}

// chargeResult answers a charge or confirm: a failed payment comes back as
// result "error" with the whole object (reference §11, a GUESS the liqpy
// client agrees with); anything else as result "ok".
func (p *Payment) chargeResult() paymentJSON {
	if p.Status == StatusFailure || p.Status == StatusError {
		return p.wire("error")
	}
	return p.wire("ok")
}

// maskPhone hides the middle of a phone number for confirm_phone.
func maskPhone(phone string) string {
	if len(phone) < 7 {
		return phone
	}
	return phone[:5] + strings.Repeat("*", len(phone)-7) + phone[len(phone)-2:]
}

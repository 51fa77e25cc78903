package liqpay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// Amount is money in minor units (kopecks). LiqPay writes amounts as floats
// that always carry a decimal point: 3.0, 0.05, 7.34 (reference §2.5, A.4);
// Go's encoding/json would print 3.
type Amount int64

// MarshalJSON writes the amount the way LiqPay does.
func (a Amount) MarshalJSON() ([]byte, error) {
	return appendDecimal(make([]byte, 0, 24), int64(a), 100), nil
}

func (a Amount) String() string { return decimal(int64(a), 100) }

// decimal writes n units of 1/unit (a power of ten) as LiqPay writes money:
// the decimals it needs, and at least one (3.0, 0.05, 7.34).
func decimal(n, unit int64) string {
	var b [32]byte
	return string(appendDecimal(b[:0], n, unit))
}

// appendDecimal appends decimal(n, unit) to dst: an answer has a dozen
// amounts, and building each from strings was four allocations.
func appendDecimal(dst []byte, n, unit int64) []byte {
	if n < 0 {
		n = -n
		dst = append(dst, '-')
	}
	dst = strconv.AppendInt(dst, n/unit, 10)
	frac := n % unit
	if frac == 0 {
		return append(dst, ".0"...)
	}
	var f [24]byte
	digits := strconv.AppendInt(f[:0], frac+unit, 10)[1:]
	dst = append(dst, '.')
	return append(dst, bytes.TrimRight(digits, "0")...)
}

// parseAmount reads "7.34", "3", 3, 3.0 or 1e2 into kopecks, rounding half
// up past two decimals. It works on the decimal text, not a float64, so
// "1.005" is 1.01 as a person reading it expects.
func parseAmount(s string) (Amount, bool) {
	s = strings.TrimSpace(s)
	// Decimal text only: big.Rat would also take "0x10", "1/4", "1_000",
	// "0x1p-9999999" (tens of milliseconds), which LiqPay refuses.
	if s == "" || len(s) > 64 || strings.Trim(s, "+-.0123456789eE") != "" {
		return 0, false
	}
	if a, ok := plainAmount(s); ok {
		return a, true
	}
	// 1e999999 would cost big.Rat tens of milliseconds and hundreds of
	// kilobytes; no amount needs an exponent of more than two digits.
	if i := strings.IndexAny(s, "eE"); i >= 0 && len(strings.TrimLeft(s[i+1:], "+-")) > 2 {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	r.Mul(r, big.NewRat(100, 1))
	neg := r.Sign() < 0
	r.Abs(r)
	// Half up: floor(x + 1/2).
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if !q.IsInt64() || q.Int64() > 1e15 {
		return 0, false
	}
	if neg {
		return Amount(-q.Int64()), true
	}
	return Amount(q.Int64()), true
}

// plainAmount reads the amounts nearly every request sends — digits, and
// at most two decimals ("7.34", "100", "-5.5") — without big.Rat (a dozen
// allocations each time); ok is false for any other text, which
// parseAmount then reads.
func plainAmount(s string) (Amount, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if len(whole) == 0 || len(whole) > 13 || (dot && (len(frac) == 0 || len(frac) > 2)) {
		return 0, false
	}
	var n int64
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, false
			}
			n = n*10 + int64(part[i]-'0')
		}
	}
	for range 2 - len(frac) {
		n *= 10 // kopecks
	}
	if neg {
		n = -n
	}
	return Amount(n), true
}

// commission is LiqPay's observed 1.5 % receiver commission, rounded half up
// to the kopeck (reference §2.5: 3 → 0.05, 13 → 0.2, 16 → 0.24).
func commission(a Amount) Amount { return (a*15 + 500) / 1000 }

// EpochMS is a date written as epoch milliseconds (reference §2.5).
type EpochMS int64

func epochMS(t time.Time) EpochMS {
	if t.IsZero() {
		return 0
	}
	return EpochMS(t.UnixMilli())
}

// apiError is LiqPay's error envelope: HTTP 200, duplicated code/err_code
// (reference §6.1, A.2).
type apiError struct {
	Result         string  `json:"result"`
	Status         string  `json:"status"`
	Code           ErrCode `json:"code"`
	ErrCode        ErrCode `json:"err_code"`
	ErrDescription string  `json:"err_description"`
}

// Error lets an apiError travel as an error through the pipeline.
func (e *apiError) Error() string { return string(e.ErrCode) + ": " + e.ErrDescription }

// newError builds the envelope with the description in the request's language.
func newError(code ErrCode, lang string, arg string) *apiError {
	return &apiError{Result: "error", Status: "error", Code: code, ErrCode: code, ErrDescription: describe(code, lang, arg)}
}

// describe returns the err_description text for a code.
func describe(code ErrCode, lang, arg string) string {
	d, ok := descriptions[code]
	if !ok {
		return string(code)
	}
	text := d[0]
	if lang == "en" {
		text = d[1]
	}
	if strings.Contains(text, "%s") {
		text = fmt.Sprintf(text, arg)
	}
	return text
}

// encode writes an answer as LiqPay does: compact JSON, "/" and "<" as
// they are. A payment object with scenario overrides gets them merged in
// place, keeping LiqPay's field order; new fields go last.
func encode(v any) []byte {
	var out []byte
	pj, isPayment := v.(paymentJSON)
	ok := false
	if isPayment {
		out, ok = pj.appendJSON(make([]byte, 0, 1536)) // without reflection (wire_append.go)
	}
	if !ok {
		out = encodeByReflection(v)
	}
	if isPayment && len(pj.overrides) > 0 {
		if merged, err := scenarios.MergeFields(out, pj.overrides); err == nil {
			return merged
		}
	}
	return out
}

// encodeByReflection is encode's encoding/json part.
func encodeByReflection(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only an override value JSON cannot hold gets here (scenario
		// values come from YAML, so in practice never).
		buf.Reset()
		buf.WriteString(`{"result":"error","status":"error","code":"err_payment","err_code":"err_payment","err_description":"unencodable answer"}` + "\n")
	}
	return buf.Bytes()
}

// paymentJSON is the standard payment object (reference §4.0) in the order
// LiqPay's real sandbox writes it (reference §2.5), followed by the fields
// that appear only in some states.
type paymentJSON struct {
	Result             string  `json:"result,omitempty"`
	PaymentID          int64   `json:"payment_id,omitempty"`
	Action             string  `json:"action"`
	Status             Status  `json:"status"`
	Version            int     `json:"version"`
	Type               string  `json:"type"`
	Paytype            string  `json:"paytype"`
	PublicKey          string  `json:"public_key"`
	AcqID              int64   `json:"acq_id"`
	OrderID            string  `json:"order_id"`
	LiqPayOrderID      string  `json:"liqpay_order_id"`
	Description        string  `json:"description"`
	SenderPhone        string  `json:"sender_phone,omitempty"`
	SenderFirstName    string  `json:"sender_first_name,omitempty"`
	SenderLastName     string  `json:"sender_last_name,omitempty"`
	SenderCardMask2    string  `json:"sender_card_mask2"`
	SenderCardBank     string  `json:"sender_card_bank"`
	SenderCardType     string  `json:"sender_card_type"`
	SenderCardCountry  int     `json:"sender_card_country"`
	IP                 string  `json:"ip,omitempty"`
	CardToken          string  `json:"card_token,omitempty"`
	Info               string  `json:"info,omitempty"`
	Customer           string  `json:"customer,omitempty"`
	Amount             Amount  `json:"amount"`
	Currency           string  `json:"currency"`
	SenderCommission   Amount  `json:"sender_commission"`
	ReceiverCommission Amount  `json:"receiver_commission"`
	AgentCommission    Amount  `json:"agent_commission"`
	AmountDebit        Money4  `json:"amount_debit"`
	AmountCredit       Amount  `json:"amount_credit"`
	CommissionDebit    Amount  `json:"commission_debit"`
	CommissionCredit   Amount  `json:"commission_credit"`
	CurrencyDebit      string  `json:"currency_debit"`
	CurrencyCredit     string  `json:"currency_credit"`
	SenderBonus        Amount  `json:"sender_bonus"`
	AmountBonus        Amount  `json:"amount_bonus"`
	AuthcodeDebit      string  `json:"authcode_debit,omitempty"`
	RRNDebit           string  `json:"rrn_debit,omitempty"`
	MpiEci             string  `json:"mpi_eci"`
	Is3DS              bool    `json:"is_3ds"`
	Language           string  `json:"language"`
	CreateDate         EpochMS `json:"create_date"`
	EndDate            EpochMS `json:"end_date"`
	CompletionDate     EpochMS `json:"completion_date,omitempty"`
	RefundAmount       Amount  `json:"refund_amount,omitempty"`
	RefundDateLast     EpochMS `json:"refund_date_last,omitempty"`
	TransactionID      int64   `json:"transaction_id,omitempty"`
	ProductCategory    string  `json:"product_category,omitempty"`
	ProductDescription string  `json:"product_description,omitempty"`
	ProductName        string  `json:"product_name,omitempty"`
	ProductURL         string  `json:"product_url,omitempty"`
	// Verification steps: the token to confirm with, and where to send the
	// customer for 3-D Secure (reference §5.3, §5.4).
	Token        string `json:"token,omitempty"`
	RedirectTo   string `json:"redirect_to,omitempty"`
	ConfirmPhone string `json:"confirm_phone,omitempty"`
	// auth/cardverification with verifycode=Y (reference §4.12), payqr's code (§4.16).
	Verifycode string `json:"verifycode,omitempty"`
	QRCode     string `json:"qr_code,omitempty"`
	// The payer page of a payment waiting for its payer (invoices, paycash,
	// payqr, payment_prepare): mockpay's extension, next to the token.
	Href string `json:"href,omitempty"`
	// Failures carry the code twice, like API errors (reference §6.1).
	Code           ErrCode `json:"code,omitempty"`
	ErrCode        ErrCode `json:"err_code,omitempty"`
	ErrDescription string  `json:"err_description,omitempty"`
	// DCC's alternative amounts (seed 002).
	DCCAllowed []dccQuote `json:"dcc_allowed,omitempty"`

	// overrides are a scenario's outcome.fields, merged in by encode.
	overrides map[string]any
}

// refundJSON answers action=refund (reference §4.5).
type refundJSON struct {
	Result     string `json:"result"`
	PaymentID  int64  `json:"payment_id"`
	Action     string `json:"action"`
	Status     Status `json:"status"`
	WaitAmount bool   `json:"wait_amount"`
}

package liquido

import (
	"encoding/json"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/scenarios"
)

// paymentRecord is a payment's exported fields as a state file has always
// held them — the names, order and JSON of the Payment before it was
// compacted (times as time.Time, the scenario's parts inline) — so a state
// file written before reads, and one written now reads in an older build.
type paymentRecord struct {
	Key    string
	Action Action
	Method string
	Flow   string
	Status Status
	Code   int
	ErrMsg string

	Amount        int64
	Currency      string
	Country       string
	Captured      int64
	FinalAmount   int64
	FinalCurrency string
	Tax           *amountDetails

	Created  time.Time
	Finished time.Time

	Payer, OrderInfo json.RawMessage
	Description      string
	CallbackURL      string
	SubMerchantID    string
	Vendor           string
	ReturnURL        string
	Details          transferDetails

	Overrides     map[string]any
	CallbackRules []scenarios.CallbackRule
}

// recordOf is p as a state file keeps it. Caller holds the merchant's lock.
func recordOf(p *Payment) *paymentRecord {
	x := p.ex()
	return &paymentRecord{
		Key: p.Key, Action: p.Action, Method: p.Method, Flow: p.Flow, Status: p.Status, Code: p.Code, ErrMsg: p.ErrMsg,
		Amount: p.Amount, Currency: p.Currency, Country: p.Country, Captured: p.Captured,
		FinalAmount: p.FinalAmount, FinalCurrency: p.FinalCurrency, Tax: p.Tax,
		Created: p.Created.Time(), Finished: p.Finished.Time(),
		Payer: p.Payer, OrderInfo: p.OrderInfo, Description: p.Description, CallbackURL: p.CallbackURL,
		SubMerchantID: p.SubMerchantID, Vendor: p.Vendor, ReturnURL: p.ReturnURL, Details: p.Details,
		Overrides: x.Overrides, CallbackRules: x.CallbackRules,
	}
}

// payment is the stored payment of r, made at baseURL, its repeated values
// shared through m's tables as a new payment's are; the caller sets the
// rest. An absent
// payer or orderInfo was saved as null; as null it would be written back,
// where it was left out.
func (r *paymentRecord) payment(m *merchant, baseURL string) *Payment {
	return &Payment{
		Key: r.Key,
		PaymentCommon: m.common(PaymentCommon{Action: r.Action, Method: r.Method, Flow: r.Flow, Currency: r.Currency,
			Country: r.Country, FinalCurrency: r.FinalCurrency, CallbackURL: r.CallbackURL, SubMerchantID: r.SubMerchantID,
			Vendor: r.Vendor, ReturnURL: r.ReturnURL, baseURL: baseURL}),
		Status: r.Status, Code: r.Code, ErrMsg: r.ErrMsg,
		Amount: r.Amount, Captured: r.Captured, FinalAmount: r.FinalAmount, Tax: r.Tax,
		Created: clock.StampAt(r.Created), Finished: clock.StampAt(r.Finished),
		Payer: m.shareRaw(nullToNil(r.Payer)), OrderInfo: m.shareRaw(nullToNil(r.OrderInfo)),
		Description: r.Description, Details: r.Details,
	}
}

// empty reports whether x holds nothing, so a payment needs none.
func (x *paymentExtra) empty() bool {
	return x.Overrides == nil && x.CallbackRules == nil && x.params == (testParams{}) && x.pending == nil &&
		x.refunded == 0 && x.refunding == 0 && len(x.refunds) == 0 && x.finalize == nil && x.page == "" &&
		x.pdf == "" && x.pixExpiry.IsZero() && x.link == nil && x.fx == nil && x.reference == "" && x.plan == nil
}

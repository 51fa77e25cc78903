package liquido

import (
	"encoding/json"
	"strings"
	"time"
)

// linkJSON is the link object of notifications and the refund answer, in
// the field order of reference §10. Times are "2022-12-15 19:36:47" with a
// unix-seconds twin (reference §3).
type linkJSON struct {
	LinkID               string          `json:"linkId"`
	OrderID              string          `json:"orderId"`
	Amount               int64           `json:"amount"`
	Currency             string          `json:"currency"`
	Country              string          `json:"country"`
	PaymentStatus        Status          `json:"paymentStatus"`
	RedirectURL          string          `json:"redirectUrl"`
	CallbackURL          string          `json:"callbackUrl"`
	FinalPaymentMethod   *string         `json:"finalPaymentMethod"`
	FinalStatusTimestamp *int64          `json:"finalStatusTimestamp"`
	FinalStatusTime      LocalTime       `json:"finalStatusTime"`
	RefundAmount         int64           `json:"refundAmount"`
	RefundStatus         Status          `json:"refundStatus"`
	RefundTime           LocalTime       `json:"refundTime"`
	RefundTimestamp      *int64          `json:"refundTimestamp"`
	Name                 string          `json:"name"`
	Email                string          `json:"email"`
	Phone                string          `json:"phone"`
	DocumentID           string          `json:"documentId"`
	Description          string          `json:"description"`
	AllowPaymentMethods  []string        `json:"allowPaymentMethods"`
	BillingAddress       json.RawMessage `json:"billingAddress"`
	ShippingAddress      json.RawMessage `json:"shippingAddress"`
	Refunded             bool            `json:"refunded"`
	ExpiredTime          LocalTime       `json:"expiredTime"`
	CreateTime           LocalTime       `json:"createTime"`
	UpdateTime           LocalTime       `json:"updateTime"`
	NeedCollectAddress   bool            `json:"needCollectAddress"`
	Metadata             json.RawMessage `json:"metadata"`
	SubMerchantID        string          `json:"subMerchantId,omitempty"`
}

func unixOrNull(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	u := t.Unix()
	return &u
}

// encoded is the link object. Caller holds the merchant's lock.
func (l *PaymentLink) encoded() []byte {
	j := linkJSON{
		LinkID: l.ID, OrderID: l.OrderID, Amount: l.Amount, Currency: l.Currency, Country: l.Country,
		PaymentStatus: l.Status, RedirectURL: l.RedirectURL, CallbackURL: l.CallbackURL,
		FinalStatusTimestamp: unixOrNull(l.Finished), FinalStatusTime: LocalTime(l.Finished),
		RefundAmount: l.RefundAmount, RefundStatus: l.RefundStatus,
		RefundTime: LocalTime(l.RefundTime), RefundTimestamp: unixOrNull(l.RefundTime),
		Name: l.Name, Email: l.Email, Phone: l.Phone, DocumentID: l.DocumentID, Description: l.Description,
		AllowPaymentMethods: l.Methods, BillingAddress: l.BillingAddress, ShippingAddress: l.ShippingAddress,
		Refunded: l.Refunded, ExpiredTime: LocalTime(l.ExpiresAt), CreateTime: LocalTime(l.Created),
		UpdateTime: LocalTime(l.Updated), NeedCollectAddress: l.NeedCollectAddress, Metadata: l.Metadata,
		SubMerchantID: l.SubMerchantID,
	}
	if l.FinalMethod != "" {
		j.FinalPaymentMethod = &l.FinalMethod
	}
	return encode(j, nil)
}

// cashierJSON is the v2 cashier API's envelope: {"code": 0, "message":
// "success", "data": …} on success, the HTTP status as code on errors.
type cashierJSON struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// errCashier is an error of the v2 cashier API. The docs show the body
// {"code": 400, "message": "Minimum amount of Boleto is 5BRL."} but not the
// HTTP status (reference §14); mockpay answers with the code as the status
// too (GUESS), so clients that check either see the failure.
func errCashier(status int, message string) *apiError {
	return &apiError{status: status, shape: shapeCashier, message: message}
}

// asCashier rewrites a decoding error into the cashier envelope, one message
// naming every bad field.
func asCashier(e *apiError) *apiError {
	if len(e.fields) == 0 {
		return errCashier(e.status, e.message)
	}
	parts := make([]string, len(e.fields))
	for i, f := range e.fields {
		parts[i] = f.Message
		if f.Field != "" {
			parts[i] = f.Field + ": " + f.Message
		}
	}
	return errCashier(e.status, strings.Join(parts, "; "))
}

package liquido

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// Liquido writes its timestamps as text in several shapes, none of them ISO
// 8601 (reference §3, §18.9). Each shape is one small type here.

// zone is the offset Liquido's timestamps carry. The docs show GMT-08:00 in
// March and GMT-07:00 in September (US Pacific time with daylight saving);
// mockpay writes every time in a fixed GMT-08:00 — one offset, no tz database,
// the same answer all year. Merchants parse the offset, so any fixed one works.
var zone = time.FixedZone("GMT-08:00", -8*60*60)

// Time is a payment timestamp: "2022-03-01 17:53:18 GMT-08:00". The zero
// time is null (finalStatusTime before a payment is final).
type Time time.Time

// TimeLayout is Time's Go layout; "GMT" is a literal, "-07:00" the offset.
const TimeLayout = "2006-01-02 15:04:05 GMT-07:00"

// MarshalJSON writes the time in Liquido's layout and zone.
func (t Time) MarshalJSON() ([]byte, error) {
	return quoted(time.Time(t), TimeLayout, zone), nil
}

// UTCTime is Pix's expirationTime: "2023-09-22 11:01:27 UTC" (reference §6).
type UTCTime time.Time

// MarshalJSON writes the time in UTC with a literal "UTC" suffix.
func (t UTCTime) MarshalJSON() ([]byte, error) {
	return quoted(time.Time(t), "2006-01-02 15:04:05 UTC", time.UTC), nil
}

// LocalTime is PayCash's paymentTime: "2022-09-06 00:21:20", no zone
// (reference §6); mockpay writes it in Time's zone.
type LocalTime time.Time

// MarshalJSON writes the time without a zone.
func (t LocalTime) MarshalJSON() ([]byte, error) {
	return quoted(time.Time(t), "2006-01-02 15:04:05", zone), nil
}

// Date is a calendar day: PayCash's expirationDate "2022-09-30" (reference
// §6). It is written in the zone the time carries — the day the merchant
// meant — not converted.
type Date time.Time

// MarshalJSON writes the day.
func (t Date) MarshalJSON() ([]byte, error) {
	return quoted(time.Time(t), "2006-01-02", time.Time(t).Location()), nil
}

// brasilia is Brazil's official time (UTC−3, no daylight saving since
// 2019): a boleto falls due on a Brazilian calendar day.
var brasilia = time.FixedZone("BRT", -3*60*60)

func quoted(t time.Time, layout string, loc *time.Location) []byte {
	if t.IsZero() {
		return []byte("null")
	}
	return []byte(`"` + t.In(loc).Format(layout) + `"`)
}

// errShape names one of the three error bodies Liquido's stack answers with
// (reference §2.3, §14).
type errShape int

const (
	// shapeGateway is AWS API Gateway's {"message": …}: what stands in
	// front of the API and checks the token and the x-api-key.
	shapeGateway errShape = iota
	// shapeOAuth is the Cognito token endpoint's {"error": …}.
	shapeOAuth
	// shapeSpring is Spring Boot's default error body from the API itself,
	// plus mockpay's field list.
	shapeSpring
	// shapeCashier is the v2 cashier API's envelope (payment links):
	// {"code": 400, "message": …, "data": null} (reference §10, §14.3).
	shapeCashier
)

// apiError is an HTTP-level error in one of Liquido's shapes. Business
// declines are not errors: they are payments with transferStatus FAILED.
type apiError struct {
	status  int
	shape   errShape
	message string // the gateway message, the OAuth error code, or Spring's message
	fields  []FieldError
}

// FieldError is one field-level validation problem.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// The gateway answers (reference §2.3, §14): stock API Gateway bodies.
func errUnauthorized() *apiError {
	return &apiError{status: http.StatusUnauthorized, shape: shapeGateway, message: "Unauthorized"}
}

func errTokenExpired() *apiError {
	return &apiError{status: http.StatusUnauthorized, shape: shapeGateway, message: "The incoming token has expired"}
}

func errForbidden() *apiError {
	return &apiError{status: http.StatusForbidden, shape: shapeGateway, message: "Forbidden"}
}

// OAuth error codes of the token endpoint (RFC 6749 §5.2, as Cognito words them).
const (
	oauthInvalidRequest       = "invalid_request"
	oauthInvalidClient        = "invalid_client"
	oauthUnsupportedGrantType = "unsupported_grant_type"
)

func errOAuth(code string) *apiError {
	return &apiError{status: http.StatusBadRequest, shape: shapeOAuth, message: code}
}

// errInvalid is a validation failure: 400 with one entry per bad field. The
// message lists them too, for clients that print only message.
func errInvalid(fields []FieldError) *apiError {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return &apiError{status: http.StatusBadRequest, shape: shapeSpring,
		message: "Validation failed: " + strings.Join(parts, "; "), fields: fields}
}

// errField is a validation failure of one field.
func errField(field, message string) *apiError {
	return errInvalid([]FieldError{{Field: field, Message: message}})
}

// errBadRequest is a 400 that is about the request as a whole.
func errBadRequest(message string) *apiError {
	return &apiError{status: http.StatusBadRequest, shape: shapeSpring, message: message}
}

func errNotFound(message string) *apiError {
	return &apiError{status: http.StatusNotFound, shape: shapeSpring, message: message}
}

// errKeyReused answers an idempotencyKey sent again with another body
// (reference §14 GUESS: a conflict).
func errKeyReused(key string) *apiError {
	return &apiError{status: http.StatusConflict, shape: shapeSpring,
		message: "idempotencyKey " + key + " was already used with a different request"}
}

// springTime is the timestamp layout of Spring Boot's error body.
const springTime = "2006-01-02T15:04:05.000-07:00"

// encode writes the error's body: the one place each shape is spelled out.
// path and now fill Spring's path and timestamp.
func (e *apiError) encode(path string, now time.Time) []byte {
	var v any
	switch e.shape {
	case shapeGateway:
		v = struct {
			Message string `json:"message"`
		}{e.message}
	case shapeOAuth:
		v = struct {
			Error string `json:"error"`
		}{e.message}
	case shapeCashier:
		v = cashierJSON{Code: e.status, Message: e.message}
	default:
		v = struct {
			Timestamp string       `json:"timestamp"`
			Status    int          `json:"status"`
			Error     string       `json:"error"`
			Message   string       `json:"message"`
			Path      string       `json:"path"`
			Errors    []FieldError `json:"errors,omitempty"`
		}{now.UTC().Format(springTime), e.status, http.StatusText(e.status), e.message, path, e.fields}
	}
	return encode(v, nil)
}

// gatewayErrorType is the x-amzn-ErrorType header API Gateway sends with its
// own answers, so a client logging headers sees what it would see for real.
func (e *apiError) gatewayErrorType() string {
	switch {
	case e.shape != shapeGateway:
		return ""
	case e.status == http.StatusForbidden:
		return "ForbiddenException"
	}
	return "UnauthorizedException"
}

// encode writes v as compact JSON with "/", "<" and "&" as they are (URLs in
// answers stay readable), merging a scenario's field overrides into the top
// level object.
func encode(v any, overrides map[string]any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a scenario value JSON cannot hold gets here.
		return []byte(`{"message":"mockpay could not encode the answer"}` + "\n")
	}
	if len(overrides) > 0 {
		if merged, err := scenarios.MergeFields(buf.Bytes(), overrides); err == nil {
			return merged
		}
	}
	return buf.Bytes()
}

// marshal encodes a value without HTML escaping and without a newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// errorMessage is a transferErrorMsg: null on success (reference §5.2).
func errorMessage(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// paymentJSON is a payment as Liquido writes it, in the field order of the
// documented response (reference §5.2).
type paymentJSON struct {
	TransferStatusCode  int             `json:"transferStatusCode"`
	TransferErrorMsg    *string         `json:"transferErrorMsg"`
	IdempotencyKey      string          `json:"idempotencyKey"`
	ReferenceID         string          `json:"referenceId"`
	PaymentFlow         string          `json:"paymentFlow"`
	PaymentMethod       string          `json:"paymentMethod"`
	Amount              int64           `json:"amount"`
	Currency            string          `json:"currency"`
	Country             string          `json:"country"`
	FinalAmount         int64           `json:"finalAmount"`
	FinalCurrency       string          `json:"finalCurrency"`
	CreateTime          Time            `json:"createTime"`
	ScheduledTime       Time            `json:"scheduledTime"`
	FinalStatusTime     Time            `json:"finalStatusTime"`
	Payer               json.RawMessage `json:"payer,omitempty"`
	OrderInfo           json.RawMessage `json:"orderInfo,omitempty"`
	TransferDetails     transferDetails `json:"transferDetails"`
	AmountDetails       *amountDetails  `json:"amountDetails,omitempty"`
	TransferStatus      Status          `json:"transferStatus"`
	Description         string          `json:"description"`
	CallbackURL         string          `json:"callbackUrl"`
	SubMerchantID       string          `json:"subMerchantId,omitempty"`
	OrchestrationVendor string          `json:"orchestration_vendor,omitempty"`
	// PaymentProposalInfo echoes the FX proposal a charge was converted by,
	// with its rate (proposals.go; GUESS).
	PaymentProposalInfo *proposalInfoJSON `json:"paymentProposalInfo,omitempty"`
}

// transferDetails holds the method-specific data under the method's key
// (reference §5.2, §6).
type transferDetails struct {
	Card         *cardDetails         `json:"card,omitempty"`
	Pix          *pixDetails          `json:"pix,omitempty"`
	Boleto       *boletoDetails       `json:"boleto,omitempty"`
	OXXO         *oxxoDetails         `json:"oxxo,omitempty"`
	PayCash      *payCashDetails      `json:"payCash,omitempty"`
	BankTransfer *bankTransferDetails `json:"bankTransfer,omitempty"`
	PSE          *pseDetails          `json:"pse,omitempty"`
	Nequi        *nequiDetails        `json:"nequi,omitempty"`
	WebPay       *hostedDetails       `json:"webPay,omitempty"`
	Pago46       *hostedDetails       `json:"pago46,omitempty"`
	Servifacil   *hostedDetails       `json:"servifacil,omitempty"`
	Fintoc       *hostedDetails       `json:"fintoc,omitempty"`
	PicPay       *hostedDetails       `json:"picPay,omitempty"`
}

type cardDetails struct {
	CardInfo *cardInfo `json:"cardInfo,omitempty"`
	// CardID is returned for charges by cardId (and for first charges in
	// MX, reference §5.2).
	CardID       string `json:"cardId,omitempty"`
	Installments int    `json:"installments,omitempty"`
	// PaymentURL is the hosted card page of a REDIRECT charge. The field
	// was not captured in the docs; paymentUrl under the method's key is
	// what every other Liquido redirect uses (GUESS, reference §5.5).
	PaymentURL     string          `json:"paymentUrl,omitempty"`
	Card3DSInfo    *card3DSInfo    `json:"card3dsInfo,omitempty"`
	ChargebackInfo *chargebackInfo `json:"chargebackInfo,omitempty"`
}

// cardInfo is what Liquido tells about a card: never the number or the CVC.
// Expiry is a number in answers, a text in requests (reference §5.2).
type cardInfo struct {
	CardHolderName  string `json:"cardHolderName"`
	ExpirationMonth int    `json:"expirationMonth"`
	ExpirationYear  int    `json:"expirationYear"`
	Bin             string `json:"bin"`
	Last4           string `json:"last4"`
	Brand           string `json:"brand"`
}

type card3DSInfo struct {
	Use3DS             bool   `json:"use3ds"`
	MerchantSite3DS    string `json:"merchantSite3ds,omitempty"`
	ThreeDSRedirectURL string `json:"threeDsRedirectUrl,omitempty"`
}

// chargebackInfo is the documented example's, the only one known (reference §5.9).
type chargebackInfo struct {
	Category      string `json:"category"`
	ReasonCode    string `json:"reasonCode"`
	ReasonMessage string `json:"reasonMessage"`
}

type pixDetails struct {
	QRCode         string  `json:"qrCode"`
	QRCodeType     string  `json:"qrCodeType"`
	ExpirationTime UTCTime `json:"expirationTime"`
}

// boletoDetails: digitalLine is documented; barcode (the 44 digits the line
// encodes) is a mockpay addition for receipts.
type boletoDetails struct {
	DigitalLine string `json:"digitalLine"`
	Barcode     string `json:"barcode"`
	DueDate     Date   `json:"dueDate"`
}

// oxxoDetails: the OXXO answer was not captured (reference §6); a payment
// reference and its expiry are what a voucher needs (GUESS).
type oxxoDetails struct {
	ReferenceNumber string `json:"referenceNumber"`
	ExpirationDate  Date   `json:"expirationDate"`
}

type payCashDetails struct {
	ReferenceNumber string    `json:"referenceNumber"`
	ExpirationDate  Date      `json:"expirationDate"`
	Recurring       bool      `json:"recurring"`
	PaymentTime     LocalTime `json:"paymentTime"`
	// Convenio is Colombia's agreement code the payer quotes at the store
	// (reference §6: 112766); where Liquido puts it in the answer is not
	// documented (GUESS).
	Convenio string `json:"convenio,omitempty"`
}

type bankTransferDetails struct {
	ExpirationTime  Time            `json:"expirationTime"`
	ReferenceNumber string          `json:"referenceNumber"`
	BankAccountInfo bankAccountInfo `json:"bankAccountInfo"`
}

type bankAccountInfo struct {
	BankCode          string `json:"bankCode"`
	BeneficiaryName   string `json:"beneficiaryName"`
	BankAccountNumber string `json:"bankAccountNumber"`
	BankAccountType   string `json:"bankAccountType"`
	BankName          string `json:"bankName"`
	BankBranchID      string `json:"bankBranchId,omitempty"`
	ISPB              string `json:"ispb,omitempty"`
}

// pseDetails: paymentUrl appears some seconds after creation; merchants poll
// for it (reference §6: "query it continuously … until it contains a field
// called 'paymentUrl' inside an object 'pse'").
type pseDetails struct {
	PersonType               string `json:"personType,omitempty"`
	FinancialInstitutionCode string `json:"financialInstitutionCode,omitempty"`
	PaymentURL               string `json:"paymentUrl,omitempty"`
}

type nequiDetails struct {
	Phone      string `json:"phone,omitempty"`
	PaymentURL string `json:"paymentUrl,omitempty"`
}

// amountDetails carries Colombia's tax withholding: an object, not the
// array the parameter table says, with withholdAmount as in the example
// (reference §12, §18.6).
type amountDetails struct {
	TaxWithholdDetails taxWithholdDetails `json:"taxWithholdDetails"`
}

type taxWithholdDetails struct {
	TaxRate        taxRate `json:"taxRate"`
	WithholdAmount int64   `json:"withholdAmount"`
}

type taxRate struct {
	ModifierType string  `json:"modifierType"`
	Type         string  `json:"type"`
	Rate         float64 `json:"rate"`
}

// refundJSON is a refund in the payment envelope (reference §8.1):
// idempotencyKey is the refund's, referenceId the payment's.
type refundJSON struct {
	TransferStatusCode int     `json:"transferStatusCode"`
	TransferErrorMsg   *string `json:"transferErrorMsg"`
	IdempotencyKey     string  `json:"idempotencyKey"`
	ReferenceID        string  `json:"referenceId"`
	PaymentMethod      string  `json:"paymentMethod"`
	Amount             int64   `json:"amount"`
	Currency           string  `json:"currency"`
	Country            string  `json:"country"`
	FinalAmount        int64   `json:"finalAmount"`
	FinalCurrency      string  `json:"finalCurrency"`
	CreateTime         Time    `json:"createTime"`
	ScheduledTime      Time    `json:"scheduledTime"`
	FinalStatusTime    Time    `json:"finalStatusTime"`
	TransferStatus     Status  `json:"transferStatus"`
	Description        string  `json:"description"`
	CallbackURL        string  `json:"callbackUrl"`
}

// vaultJSON answers POST /v1/payments/vault/card (reference §5.3): no
// transferStatusCode.
type vaultJSON struct {
	CardID string   `json:"cardId"`
	Card   cardInfo `json:"card"`
}

// callbackJSON is a callback's body (reference §15.4).
type callbackJSON struct {
	EventType Event `json:"eventType"`
	Data      struct {
		ChargeDetails json.RawMessage `json:"chargeDetails"`
	} `json:"data"`
}

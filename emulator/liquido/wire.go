package liquido

import (
	"bytes"
	"encoding/json"

	"github.com/mockpay/mockpay/scenarios"
)

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
// (reference §5.2, §6). A card payment's is inline; the local methods' are
// behind one pointer, which a stored card payment does not need (its JSON
// is the same: the pointer's fields are promoted).
type transferDetails struct {
	Card *cardDetails `json:"card,omitempty"`
	*MethodDetails
}

// MethodDetails is the local methods' part of transferDetails. Exported so
// that encoding/json can make it when it reads a state file.
type MethodDetails struct {
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

// of reads the local methods' details: none when the payment has none.
func (d transferDetails) of() MethodDetails {
	if d.MethodDetails == nil {
		return MethodDetails{}
	}
	return *d.MethodDetails
}

// set is the local methods' details, to be set: made when there are none.
func (d *transferDetails) set() *MethodDetails {
	if d.MethodDetails == nil {
		d.MethodDetails = &MethodDetails{}
	}
	return d.MethodDetails
}

package liquido

// The provider's vocabulary: statuses, callback events, payment methods,
// flows and scenario actions as typed constants whose values are the wire
// strings (reference liquido.md §4, §5, §6, §13, §15).

// Status is a transferStatus (reference §13.1).
type Status string

const (
	StatusInitial     Status = "INITIAL_STATUS"
	StatusInProgress  Status = "IN_PROGRESS"
	StatusAuthorized  Status = "AUTHORIZED"
	StatusSettled     Status = "SETTLED"
	StatusFailed      Status = "FAILED"
	StatusCancelled   Status = "CANCELLED"
	StatusExpired     Status = "EXPIRED"
	StatusRefunding   Status = "REFUNDING"
	StatusRefunded    Status = "REFUNDED"
	StatusChargedBack Status = "CHARGED_BACK"
	// StatusActive belongs to reference objects (PayCash recurring, CLABE
	// accounts), not payments; it is listed so scenarios may name it.
	StatusActive Status = "ACTIVE"
)

// allStatuses is every value of reference §13.1, for the scenario loader.
var allStatuses = []Status{
	StatusInitial, StatusInProgress, StatusAuthorized, StatusSettled, StatusFailed, StatusCancelled,
	StatusExpired, StatusRefunding, StatusRefunded, StatusChargedBack, StatusActive,
}

// final reports whether a payment in this status is done: finalStatusTime is
// stamped when it gets there (reference §13.2).
func (s Status) final() bool {
	switch s {
	case StatusSettled, StatusFailed, StatusCancelled, StatusExpired, StatusRefunded, StatusChargedBack:
		return true
	}
	return false
}

// failed reports whether the status carries a failure transferStatusCode
// ("200 transaction SETTLED or IN_PROGRESS, other FAILED", reference §13.3;
// cancel answers "200 if CANCELLED").
func (s Status) failed() bool { return s == StatusFailed || s == StatusExpired }

// Event is a callback's eventType (reference §15.3). The official list has
// exactly these five: no CHARGE_PENDING, CHARGE_AUTHORIZED or CHARGE_CANCELLED.
type Event string

const (
	EventChargeSucceeded       Event = "CHARGE_SUCCEEDED"
	EventChargeFailed          Event = "CHARGE_FAILED"
	EventChargeChargedBack     Event = "CHARGE_CHARGED_BACK"
	EventChargeRefundSucceeded Event = "CHARGE_REFUND_SUCCEEDED"
	EventChargeRefundFailed    Event = "CHARGE_REFUND_FAILED"
)

// Payment methods as the paymentMethod field names them (reference §5.1, §6).
const (
	MethodCreditCard   = "CREDIT_CARD" // older pages, the SDK and the Magento plugins
	MethodCard         = "CARD"        // newer CO/AR/EC/SV/BR pages
	MethodDebitCard    = "DEBIT_CARD"  // MX
	MethodPixDynamic   = "PIX_DYNAMIC_QR"
	MethodPixStatic    = "PIX_STATIC_QR"
	MethodBoleto       = "BOLETO"
	MethodOXXO         = "OXXO"
	MethodPayCash      = "PAY_CASH"
	MethodBankTransfer = "BANK_TRANSFER"
	MethodPSE          = "PSE"
	MethodNequi        = "NEQUI"
	// Chile's hosted methods and Brazil's PicPay (reference §6).
	MethodWebPay     = "WEB_PAY"
	MethodPago46     = "PAGO46"
	MethodServifacil = "SERVIFACIL"
	MethodFintoc     = "FINTOC"
	MethodPicPay     = "PIC_PAY"
)

// Payment flows (reference §5.5).
const (
	FlowDirect   = "DIRECT"
	FlowRedirect = "REDIRECT"
)

// Action names what a request does, for scenarios' match.action: the charge
// endpoints by their path segment, then the follow-up operations.
type Action string

const (
	ActionCard         Action = "card"
	ActionPix          Action = "pix"
	ActionBoleto       Action = "boleto"
	ActionOXXO         Action = "oxxo"
	ActionPayCash      Action = "paycash"
	ActionBankTransfer Action = "bank_transfer"
	ActionPSE          Action = "pse"
	ActionNequi        Action = "nequi"
	ActionCapture      Action = "capture"
	ActionCancel       Action = "cancel"
	ActionRefund       Action = "refund"
	ActionRetrieve     Action = "retrieve"
	ActionVault        Action = "vault"

	// The path segments of Chile's methods and PicPay were not captured;
	// these are the reference's GUESS (§4): /v1/payments/charges/webpay, …
	ActionWebPay     Action = "webpay"
	ActionPago46     Action = "pago46"
	ActionServifacil Action = "servifacil"
	ActionFintoc     Action = "fintoc"
	ActionPicPay     Action = "picpay"

	// Issue 13's other resources, so scenarios can script their faults
	// and delays: creating a PayCash recurring reference, an FX proposal,
	// a virtual CLABE account, and reading installment plans.
	ActionReference Action = "references"
	ActionProposal  Action = "proposals"
	ActionAccount   Action = "virtual_accounts"
	ActionPlans     Action = "plans"
)

// chargeActions are the charge endpoints: a scenario that names no action
// applies to these only.
var chargeActions = []Action{
	ActionCard, ActionPix, ActionBoleto, ActionOXXO, ActionPayCash, ActionBankTransfer, ActionPSE, ActionNequi,
	ActionWebPay, ActionPago46, ActionServifacil, ActionFintoc, ActionPicPay,
}

// otherActions are the operations on an existing payment or card.
var otherActions = []Action{ActionCapture, ActionCancel, ActionRefund, ActionRetrieve, ActionVault,
	ActionReference, ActionProposal, ActionAccount, ActionPlans}

// methodRule says which paymentMethod values and countries a charge endpoint
// takes (reference §6 table, §17).
type methodRule struct {
	methods   []string
	countries []string // nil: every country of §17
}

var methodRules = map[Action]methodRule{
	ActionCard:         {methods: []string{MethodCreditCard, MethodCard, MethodDebitCard}},
	ActionPix:          {methods: []string{MethodPixDynamic, MethodPixStatic}, countries: []string{"BR"}},
	ActionBoleto:       {methods: []string{MethodBoleto}, countries: []string{"BR"}},
	ActionOXXO:         {methods: []string{MethodOXXO}, countries: []string{"MX"}},
	ActionPayCash:      {methods: []string{MethodPayCash}, countries: []string{"MX", "CO"}},
	ActionBankTransfer: {methods: []string{MethodBankTransfer}, countries: []string{"MX", "BR"}},
	ActionPSE:          {methods: []string{MethodPSE}, countries: []string{"CO"}},
	ActionNequi:        {methods: []string{MethodNequi}, countries: []string{"CO"}},
	ActionWebPay:       {methods: []string{MethodWebPay}, countries: []string{"CL"}},
	ActionPago46:       {methods: []string{MethodPago46}, countries: []string{"CL"}},
	ActionServifacil:   {methods: []string{MethodServifacil}, countries: []string{"CL"}},
	ActionFintoc:       {methods: []string{MethodFintoc}, countries: []string{"CL"}},
	ActionPicPay:       {methods: []string{MethodPicPay}, countries: []string{"BR"}},
}

// country is one row of the per-country cheat sheet (reference §17).
type country struct {
	currency  string
	documents []string
}

// countries are the pay-in countries. Document types are those the docs'
// examples use; the MX CURP/RFC, PE DNI/CE/RUC and AR CUIT/CUIL entries are a
// GUESS (the docs name IFE/INE only for MX, nothing for PE, DNI for AR).
var countries = map[string]country{
	"BR": {"BRL", []string{"CPF", "CNPJ"}},
	"MX": {"MXN", []string{"IFE", "INE", "CURP", "RFC"}},
	"CO": {"COP", []string{"CC", "CE", "NIT", "TI"}},
	"CL": {"CLP", []string{"RUT"}},
	"PE": {"PEN", []string{"DNI", "CE", "RUC"}},
	"AR": {"ARS", []string{"DNI", "CUIT", "CUIL"}},
	"EC": {"USD", []string{"CI"}},
	"SV": {"USD", []string{"DUI"}},
	"PA": {"USD", []string{"CI"}},
	"GT": {"GTQ", []string{"CUI"}},
}

// usdRates convert a USD pay-in to the local currency: local minor units per
// USD minor unit, times 100. Liquido quotes live rates (reference §12); these
// fixed ones are a GUESS that keeps results repeatable.
var usdRates = map[string]int64{
	"BRL": 500, "MXN": 1700, "COP": 400000, "CLP": 90000, "PEN": 375, "ARS": 90000, "GTQ": 780,
}

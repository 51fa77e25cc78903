package liqpay

// The provider's vocabulary: statuses, actions and error codes as typed
// constants whose values are the wire strings (reference liqpay.md §4.21, §5, §6).

// Status is a payment status as LiqPay writes it.
type Status string

const (
	StatusSuccess        Status = "success"
	StatusFailure        Status = "failure"
	StatusError          Status = "error"
	StatusReversed       Status = "reversed"
	StatusSandbox        Status = "sandbox"
	StatusHoldWait       Status = "hold_wait"
	Status3DSVerify      Status = "3ds_verify"
	StatusOTPVerify      Status = "otp_verify"
	StatusCVVVerify      Status = "cvv_verify"
	StatusSenderVerify   Status = "sender_verify"
	StatusReceiverVerify Status = "receiver_verify"
	StatusInvoiceWait    Status = "invoice_wait"
	StatusCashWait       Status = "cash_wait"
	StatusWaitQR         Status = "wait_qr"
)

// Action is the "action" field of a request.
type Action string

const (
	ActionPay            Action = "pay"
	ActionHold           Action = "hold"
	ActionHoldCompletion Action = "hold_completion"
	ActionRefund         Action = "refund"
	ActionStatus         Action = "status"
	ActionPayToken       Action = "paytoken"
	ActionAuth           Action = "auth"
	ActionData           Action = "data"
	ActionConfirm        Action = "confirm"

	// The rest of the catalogue (reference §4.8, §4.12–§4.19).
	ActionPaySplit                Action = "paysplit"
	ActionPayDonate               Action = "paydonate"
	ActionCardVerification        Action = "cardverification"
	ActionP2PDebit                Action = "p2pdebit"
	ActionP2PCredit               Action = "p2pcredit"
	ActionPayCash                 Action = "paycash"
	ActionPayQR                   Action = "payqr"
	ActionPaymentPrepare          Action = "payment_prepare"
	ActionTicket                  Action = "ticket"
	ActionMPI                     Action = "mpi"
	ActionInvoiceSend             Action = "invoice_send"
	ActionInvoiceBot              Action = "invoice_bot"
	ActionInvoiceCancel           Action = "invoice_cancel"
	ActionInvoiceUnits            Action = "invoice_units_get_list"
	ActionInvoiceUnitsByLang      Action = "invoice_units_get_list_by_lang"
	ActionTokenCreate             Action = "token_create"
	ActionTokenCreateUnique       Action = "token_create_unique"
	ActionTokenUpdate             Action = "token_update"
	ActionReports                 Action = "reports"
	ActionRegister                Action = "register"
	ActionReportsCompensation     Action = "reports_compensation"
	ActionReportsCompensationFile Action = "reports_compensation_file"
	ActionReportsCompensationStat Action = "reports_compensation_file_status"
)

// partnerActions are LiqPay's partner (agent) API (reference §4.20): the
// only documented actions mockpay does not emulate. They answer err_action
// with a description that says so, instead of "unknown action".
var partnerActions = map[string]bool{
	"agent_shop_create": true, "agent_shop_register": true, "agent_shop_edit": true,
	"agent_info_merchant": true, "agent_info_user": true,
}

// ErrCode is an err_code value.
type ErrCode string

const (
	ErrPublicKeyNotFound ErrCode = "public_key_not_found"
	ErrInvalidSignature  ErrCode = "invalid_signature"
	ErrPaymentNotFound   ErrCode = "payment_not_found"
	ErrOrderIDDuplicate  ErrCode = "order_id_duplicate"
	ErrOrderIDEmpty      ErrCode = "order_id_empty"
	ErrAPIAction         ErrCode = "err_api_action"
	ErrAction            ErrCode = "err_action"
	ErrMissing           ErrCode = "err_missing"
	ErrWrong             ErrCode = "err_wrong"
	ErrWrongCurrency     ErrCode = "err_wrong_currency"
	ErrCard              ErrCode = "err_card"
	ErrPhone             ErrCode = "err_phone"
	ErrLimitAmount       ErrCode = "err_limit_amount"
	ErrAmountHold        ErrCode = "err_amount_hold"
	ErrPaymentStatus     ErrCode = "payment_err_status"
	ErrSMSOTP            ErrCode = "err_sms_otp"
	ErrMPI               ErrCode = "err_mpi"
	ErrPath              ErrCode = "err_path"
	ErrSplitAmount       ErrCode = "err_split_amount"
	ErrTokenInactive     ErrCode = "102"
	ErrCancel            ErrCode = "cancel"
	// ErrPayment answers an internal mockpay bug (a recovered panic). It is not
	// in LiqPay's list; its shape is, so clients handle it like any error.
	ErrPayment ErrCode = "err_payment"

	// Payment failures (status "failure").
	ErrLimit             ErrCode = "limit"
	ErrInsufficientFunds ErrCode = "9859"
	ErrCardExpired       ErrCode = "9851"
	ErrTokenNotFound     ErrCode = "108"
	ErrExpired3DS        ErrCode = "expired_3ds"
	ErrExpiredOTP        ErrCode = "expired_otp"
	ErrExpiredCVV        ErrCode = "expired_cvv"
	ErrExpiredSender     ErrCode = "expired_sender"
	// ErrExpiredReceiver is a GUESS: LiqPay lists expired_sender but no
	// receiver twin; this name follows the pattern.
	ErrExpiredReceiver ErrCode = "expired_receiver"
)

// errNotEmulated is not a wire code: it names the err_description of
// err_action for LiqPay's partner API, which mockpay does not emulate.
const errNotEmulated ErrCode = "mockpay_not_emulated"

// descriptions holds err_description texts: Ukrainian (LiqPay's default
// language since 2022) and English for language=en. "%s" takes a parameter name.
var descriptions = map[ErrCode][2]string{
	ErrPublicKeyNotFound: {"Не знайдено public_key", "Public_key not found"},
	ErrInvalidSignature:  {"Невірний підпис запиту", "Wrong signature"},
	ErrPaymentNotFound:   {"Платіж не знайдено", "Payment not found"},
	ErrOrderIDDuplicate:  {"Такий order_id вже існує", "Such order_id already exists"},
	ErrOrderIDEmpty:      {"Порожній order_id", "Empty order_id"},
	ErrAPIAction:         {"Не переданий параметр action", "Parameter action not passed"},
	ErrAction:            {"Невідома дія %s", "Unknown action %s"},
	errNotEmulated:       {"Партнерський API (\"%s\") не емулюється mockpay", "LiqPay's partner API (\"%s\") is not emulated by mockpay"},
	ErrSplitAmount:       {"Сума розщеплення не дорівнює сумі платежу", "Split amounts do not equal the payment amount"},
	ErrTokenInactive:     {"Токен не активний", "Token is not active"},
	ErrCancel:            {"Платіж скасовано", "Payment cancelled"},
	ErrMissing:           {"Не передано обов'язковий параметр %s", "Required parameter not passed %s"},
	ErrWrong:             {"Параметр %s вказано невірно", "Parameter %s specified incorrectly"},
	ErrWrongCurrency:     {"Невірна валюта. Використовуйте USD, UAH, EUR", "Wrong currency, use USD, UAH, EUR"},
	ErrCard:              {"Невірний номер картки", "Wrong card number"},
	ErrPhone:             {"Невірний номер телефону", "Wrong phone number"},
	ErrLimitAmount:       {"Сума менша або більша за ліміт", "Amount below or above the limit"},
	ErrAmountHold:        {"Сума не може бути більше суми платежу", "Amount cannot exceed the payment amount"},
	ErrPaymentStatus:     {"Невірний статус платежу", "Wrong payment status"},
	ErrSMSOTP:            {"Невірний SMS-пароль", "Wrong SMS password"},
	ErrMPI:               {"Не вдалося перевірити картку", "Failed to check card"},
	ErrPath:              {"Невірна адреса запиту", "Wrong request URL"},
	ErrPayment:           {"Внутрішня помилка mockpay, дивіться його журнал", "mockpay internal error, see its log"},
	ErrLimit:             {"Перевищено ліміт на суму або кількість платежів клієнта", "Amount or number of payments limit exceeded"},
	ErrInsufficientFunds: {"Недостатньо коштів", "Insufficient funds"},
	ErrCardExpired:       {"Термін дії картки закінчився", "Card expired"},
	ErrTokenNotFound:     {"Токен не існує", "Token does not exist"},
	"decline":            {"Операція нетипова або ризикова згідно з антифрод-системою", "Operation is atypical or risky according to the anti-fraud system"},
	"frod":               {"Операція нетипова або ризикова згідно з правилами банку", "Operation is atypical or risky according to the bank's anti-fraud rules"},
	ErrExpired3DS:        {"Час підтвердження 3DS минув", "3-D Secure confirmation time expired"},
	ErrExpiredOTP:        {"Час підтвердження OTP минув", "OTP confirmation time expired"},
	ErrExpiredCVV:        {"Час підтвердження CVV минув", "CVV confirmation time expired"},
	ErrExpiredSender:     {"Час підтвердження даних відправника минув", "Sender confirmation time expired"},
	ErrExpiredReceiver:   {"Час підтвердження даних отримувача минув", "Receiver confirmation time expired"},
	// liqpy's translation table has the Russian "Платеж не является
	// регулярным" (reference §4.10); this is its Ukrainian.
	ErrPaymentNotSubscribed: {"Платіж не є регулярним", "Payment is not regular"},
}

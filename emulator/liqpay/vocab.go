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
)

// documentedActions are actions LiqPay documents that mockpay does not emulate
// yet (reference §4.21); they get a clear error instead of err_action.
var documentedActions = map[string]bool{
	"ticket": true, "subscribe": true, "subscribe_update": true, "unsubscribe": true,
	"paydonate": true, "paysplit": true, "paycash": true, "payqr": true, "payment_prepare": true,
	"cardverification": true, "mpi": true, "invoice_send": true, "invoice_cancel": true,
	"invoice_units_get_list": true, "invoice_units_get_list_by_lang": true, "invoice_bot": true,
	"p2pcredit": true, "p2pdebit": true, "token_create": true, "token_create_unique": true,
	"token_update": true, "reports": true, "register": true, "reports_compensation": true,
	"reports_compensation_file": true, "reports_compensation_file_status": true,
	"letter_of_credit": true, "apay": true, "gpay": true, "agent_shop_create": true,
	"agent_shop_register": true, "agent_shop_edit": true, "agent_info_merchant": true, "agent_info_user": true,
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
	// ErrCancel: the customer cancelled on the hosted checkout (reference §5.1).
	ErrCancel ErrCode = "cancel"
	// ErrExpiredReceiver is a GUESS: LiqPay lists expired_sender but no
	// receiver twin; this name follows the pattern.
	ErrExpiredReceiver ErrCode = "expired_receiver"
)

// errNotEmulated is not a wire code: it names the err_description of
// err_action for an action LiqPay documents but mockpay does not emulate yet.
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
	errNotEmulated:       {"Дія \"%s\" не емулюється цією версією mockpay", "LiqPay action \"%s\" is not emulated by this mockpay version"},
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
	ErrCancel:               {"Платіж скасовано клієнтом", "Payment cancelled by the customer"},
}

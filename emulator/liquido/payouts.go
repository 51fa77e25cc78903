package liquido

import (
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/mockpay/mockpay/internal/clock"
)

// Payouts (reference §11): money sent from the merchant's balance to a
// person, by Pix in Brazil (POST /v1/payments/payouts/pix) or SPEI in Mexico
// (POST /v1/payments/payouts/spei). A payout answers IN_PROGRESS and later
// becomes SETTLED or REJECTED; a SETTLED payout can still become REJECTED
// when the recipient's bank returns the money. Each change is signed and
// sent to the callbackUrl like a charge's.

// StatusRejected is a payout's failure status (reference §11, the payout
// sandbox page); payments use FAILED instead.
const StatusRejected Status = "REJECTED"

// Payout callback events. Liquido's payout notification was not captured
// (reference §15.4, §19.10): these names are a GUESS, in the pattern of the
// charge events, one per status a payout ends in.
const (
	EventPayoutSucceeded Event = "PAYOUT_SUCCEEDED"
	EventPayoutRejected  Event = "PAYOUT_REJECTED"
)

// Payout rails, as the payout's paymentMethod in callbacks (GUESS).
const (
	payoutPix  = "PIX"
	payoutSPEI = "SPEI"
)

// Payout sandbox parameters go in the payout's comment (reference §16):
// "statusEvent=SETTLED|REJECTED|SETTLED_THEN_REJECTED;statusDelay=<secs>".
const (
	payoutDefaultDelay = 15 * time.Second
	// "The input parameter must be greater than 15, otherwise the
	// transaction will REJECTED": mockpay takes 15 itself (the default) and
	// rejects anything shorter.
	payoutMinDelay = 15 * time.Second

	statusEventSettled             = "SETTLED"
	statusEventRejected            = "REJECTED"
	statusEventSettledThenRejected = "SETTLED_THEN_REJECTED"
)

// payoutPlan is what the comment's test parameters ask for.
type payoutPlan struct {
	event string
	delay time.Duration
}

// readPayoutPlan parses the comment's test parameters; a known name with a
// value it cannot take is a 400 on comment, as for a charge's description.
func readPayoutPlan(f fields, comment string) payoutPlan {
	p := payoutPlan{event: statusEventSettled, delay: payoutDefaultDelay}
	for name, value := range testParamPairs(comment) {
		switch {
		case strings.EqualFold(name, "statusEvent"):
			switch v := strings.ToUpper(value); v {
			case statusEventSettled, statusEventRejected, statusEventSettledThenRejected:
				p.event = v
			default:
				f.fail("comment", "statusEvent="+value+": must be one of SETTLED, REJECTED, SETTLED_THEN_REJECTED")
			}
		case strings.EqualFold(name, "statusDelay"):
			if d, ok := delaySeconds(f, "comment", "statusDelay", value); ok {
				p.delay = d
			}
		}
	}
	return p
}

// Payout is one payout as mockpay keeps it; its idempotencyKey is its
// identity, as a charge's is.
type Payout struct {
	seq      int64
	Key      string
	Method   string // PIX or SPEI
	Status   Status
	Code     int
	ErrMsg   string
	Amount   int64 // amountInCents
	Currency string
	Country  string
	// What the recipient receives: the amount converted to local money
	// when the payout is in USD (reference §11: FX payouts carry
	// paidAmount, paidCurrency, exchangeRate).
	PaidAmount   int64
	PaidCurrency string
	Rate         float64

	Target        payoutTarget
	Comment       string
	CallbackURL   string
	SubMerchantID string
	Created       time.Time
	Finished      time.Time

	hash  [32]byte
	plan  payoutPlan
	timer *clock.Timer
}

// payoutTarget is the recipient as the request names them, echoed in the
// callback.
type payoutTarget struct {
	Name       string `json:"targetName,omitempty"`
	LastName   string `json:"targetLastName,omitempty"`
	Email      string `json:"targetEmail,omitempty"`
	Phone      string `json:"targetPhone,omitempty"`
	BirthDate  string `json:"targetBirthDate,omitempty"`
	Document   string `json:"targetDocument,omitempty"`
	PixKey     string `json:"targetPixKey,omitempty"`
	PixKeyType string `json:"targetPixKeyType,omitempty"`
	BankName   string `json:"targetBankName,omitempty"`
	BankCode   string `json:"targetBankCode,omitempty"`
	BranchID   string `json:"targetBankBranchId,omitempty"`
	AccountID  string `json:"targetBankAccountId,omitempty"`
	BankID     string `json:"targetBankId,omitempty"`
}

// payoutAnswerJSON is the documented answer of both payout endpoints
// (reference §11), in its field order.
type payoutAnswerJSON struct {
	IdempotencyKey     string `json:"idempotencyKey"`
	StatusCode         int    `json:"statusCode"`
	ErrorMsg           string `json:"errorMsg"`
	TransferStatus     Status `json:"transferStatus"`
	TransferStatusCode int    `json:"transferStatusCode"`
	TransferErrorMsg   string `json:"transferErrorMsg"`
}

// payoutJSON is a payout in its callback (GUESS: the answer's fields, the
// FX fields reference §11 names, the times of a charge and the recipient
// as sent).
type payoutJSON struct {
	IdempotencyKey     string  `json:"idempotencyKey"`
	PaymentMethod      string  `json:"paymentMethod"`
	Country            string  `json:"country"`
	AmountInCents      int64   `json:"amountInCents"`
	Currency           string  `json:"currency"`
	PaidAmount         int64   `json:"paidAmount"`
	PaidCurrency       string  `json:"paidCurrency"`
	ExchangeRate       float64 `json:"exchangeRate"`
	TransferStatus     Status  `json:"transferStatus"`
	TransferStatusCode int     `json:"transferStatusCode"`
	TransferErrorMsg   string  `json:"transferErrorMsg"`
	CreateTime         Time    `json:"createTime"`
	FinalStatusTime    Time    `json:"finalStatusTime"`
	payoutTarget
	Comment       string `json:"comment"`
	CallbackURL   string `json:"callbackUrl"`
	SubMerchantID string `json:"subMerchantId,omitempty"`
}

func (po *Payout) answer() []byte {
	return encode(payoutAnswerJSON{
		IdempotencyKey: po.Key, StatusCode: http.StatusOK, TransferStatus: po.Status,
		TransferStatusCode: po.Code, TransferErrorMsg: po.ErrMsg,
	}, nil)
}

func (po *Payout) encoded() []byte {
	return encode(payoutJSON{
		IdempotencyKey: po.Key, PaymentMethod: po.Method, Country: po.Country,
		AmountInCents: po.Amount, Currency: po.Currency,
		PaidAmount: po.PaidAmount, PaidCurrency: po.PaidCurrency, ExchangeRate: po.Rate,
		TransferStatus: po.Status, TransferStatusCode: po.Code, TransferErrorMsg: po.ErrMsg,
		CreateTime: Time(po.Created), FinalStatusTime: Time(po.Finished),
		payoutTarget: po.Target, Comment: po.Comment, CallbackURL: po.CallbackURL, SubMerchantID: po.SubMerchantID,
	}, nil)
}

// payoutRequest is a validated payout.
type payoutRequest struct {
	method      string
	key         string
	amount      int64
	currency    string
	country     string
	target      payoutTarget
	comment     string
	plan        payoutPlan
	callbackURL string
	subMerchant string
	hash        [32]byte
}

// decodePayout is the decoder of POST /v1/payments/payouts/{pix,spei}.
func decodePayout(method string) decoder {
	return func(c *call) (request, *apiError) {
		body, e := decodeObject(c.body)
		if e != nil {
			return nil, e
		}
		in, e := readPayout(method, body)
		if e != nil {
			return nil, e
		}
		in.hash = fingerprint(c.m.hashKey, Action("payout_"+strings.ToLower(method)), body)
		return in, nil
	}
}

// readPayout validates a payout request (reference §11). It is pure.
func readPayout(method string, body map[string]any) (*payoutRequest, *apiError) {
	f := newFields(body)
	in := &payoutRequest{method: method}
	in.key = readKey(f, "idempotencyKey")
	in.amount = readPayoutAmount(f)
	country, currency := "BR", "BRL"
	if method == payoutSPEI {
		country, currency = "MX", "MXN"
	}
	in.country = f.text("country", true)
	if in.country != "" && in.country != country {
		f.fail("country", "must be "+country+" for a "+method+" payout")
	}
	in.currency = f.text("currency", true)
	if in.currency != "" && in.currency != currency && in.currency != "USD" {
		f.fail("currency", "must be "+currency+" or USD")
	}
	t := &in.target
	t.Name = f.text("targetName", true)
	t.LastName = f.text("targetLastName", false)
	if t.Email = f.text("targetEmail", false); t.Email != "" && pixKeyProblem(pixKeyEmail, t.Email) != "" {
		f.fail("targetEmail", "must be a well-formed email address")
	}
	if t.Phone = f.text("targetPhone", false); t.Phone != "" && !phoneLike(t.Phone) {
		f.fail("targetPhone", "must be a phone number such as +5511987654321")
	}
	if t.BirthDate = f.text("targetBirthDate", false); t.BirthDate != "" {
		if _, err := time.Parse("2006-01-02", t.BirthDate); err != nil {
			f.fail("targetBirthDate", "must be a date written yyyy-MM-dd")
		}
	}
	switch method {
	case payoutPix:
		// "targetDocument (11-digit CPF or 14-digit CNPJ)" (reference §11).
		t.Document = f.text("targetDocument", true)
		if d := docDigits(t.Document); t.Document != "" {
			switch {
			case len(d) == 11 && !validCPF(d):
				f.fail("targetDocument", "is not a valid CPF: its check digits do not match")
			case len(d) == 14 && !validCNPJ(d):
				f.fail("targetDocument", "is not a valid CNPJ: its check digits do not match")
			case len(d) != 11 && len(d) != 14 || !digits(d, 11, 14):
				f.fail("targetDocument", "must be a CPF (11 digits) or a CNPJ (14 digits)")
			}
		}
		t.PixKey = f.text("targetPixKey", true)
		t.PixKeyType = f.text("targetPixKeyType", true)
		typ := pixKeyType(t.PixKeyType)
		switch {
		case t.PixKeyType == "":
		case typ == "":
			f.fail("targetPixKeyType", "must be one of email, phone, document, random (CPF, CNPJ and EVP are also understood)")
		case t.PixKey != "":
			if msg := pixKeyProblem(typ, t.PixKey); msg != "" {
				f.fail("targetPixKey", msg)
			}
		}
	case payoutSPEI:
		t.AccountID = f.text("targetBankAccountId", true)
		t.BankName = f.text("targetBankName", false)
		t.BankCode = f.text("targetBankCode", false)
		t.BranchID = f.text("targetBankBranchId", false)
		t.BankID = f.text("targetBankId", false)
		switch {
		case t.AccountID == "":
		case !digits(t.AccountID, 18, 18):
			f.fail("targetBankAccountId", "must be an 18-digit CLABE")
		case !validCLABE(t.AccountID):
			f.fail("targetBankAccountId", "is not a valid CLABE: its check digit should be "+clabe(t.AccountID[:17])[17:])
		case t.BankCode != "" && digits(t.BankCode, 3, 5) && !strings.HasSuffix(t.BankCode, t.AccountID[:3]):
			// A CLABE starts with its bank's three-digit code; Banxico
			// writes bank codes with five digits (40012, 90706).
			f.fail("targetBankCode", "does not match the CLABE's bank, "+t.AccountID[:3])
		}
	}
	in.comment = f.text("comment", false)
	in.plan = readPayoutPlan(f, in.comment)
	in.callbackURL = readURL(f, "callbackUrl", false)
	in.subMerchant = f.text("subMerchantId", false)
	if f.failed() {
		return nil, errInvalid(*f.errs)
	}
	return in, nil
}

// readPayoutAmount reads amountInCents, or the deprecated amount in major
// units as a text ("amountInCents will be preferred if both exist",
// reference §11). Neither may carry a fraction of a cent.
func readPayoutAmount(f fields) int64 {
	var n int64
	switch {
	case f.present("amountInCents"):
		n, _ = f.long("amountInCents", true)
	case f.present("amount"):
		s := strings.TrimSpace(f.text("amount", true))
		if s == "" || len(s) > 40 || notPlainNumber(s) { // checked before big.Rat reads a megabyte of digits
			f.fail("amount", "must be an amount such as \"10.50\"")
			return 0
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			f.fail("amount", "must be an amount such as \"10.50\"")
			return 0
		}
		r.Mul(r, big.NewRat(100, 1))
		if !r.IsInt() || !r.Num().IsInt64() {
			f.fail("amount", "must not have more than two decimals")
			return 0
		}
		n = r.Num().Int64()
	default:
		f.fail("amountInCents", "must not be null")
		return 0
	}
	if p := amountProblem(n); p != "" {
		f.fail("amountInCents", p)
	}
	return n
}

// run creates a payout, or answers a retry with the payout as it stands.
func (in *payoutRequest) run(s *Server, c *call) answer {
	m := c.m
	if po, ok := m.payouts[in.key]; ok {
		return replay(in.key, po.hash, in.hash, func() answer { return okPayout(po) })
	}
	po := &Payout{
		seq: m.nextSeq(), Key: in.key, Method: in.method, Amount: in.amount, Currency: in.currency, Country: in.country,
		Target: in.target, Comment: in.comment, CallbackURL: in.callbackURL, SubMerchantID: in.subMerchant,
		Created: c.now, hash: in.hash, plan: in.plan,
	}
	po.PaidAmount, po.PaidCurrency = convert(po.Amount, po.Currency, po.Country)
	po.Rate = 1
	if po.PaidCurrency != po.Currency {
		po.Rate = float64(usdRates[po.PaidCurrency]) / 100
	}
	m.payouts[po.Key] = po
	s.setPayoutStatus(m, po, StatusInProgress, "", c.now)
	s.schedulePayout(m, po)
	return okPayout(po)
}

func okPayout(po *Payout) answer {
	return answer{code: http.StatusOK, body: po.answer(), key: po.Key, status: po.Status}
}

package liquido

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// Virtual CLABE accounts (reference §6.1, Liquido's "sub accounts"): a
// Mexican account number (CLABE) of its own for one payer, status ACTIVE.
//
// The path was not captured (reference §4). mockpay's GUESS, named after
// the documentation's pages ("create a virtual account", "get virtual
// account info"): POST /v1/payments/virtual-accounts to create, GET
// /v1/payments/virtual-accounts/{idempotencyKey} to read. The request and
// answer are the documented ones: paymentMethod CLABE_ACCOUNT, country MX,
// currency MXN, userInfo {legalName, phoneNumber}; the answer carries
// transferDetails.clabeAccount {userInfo, clabeAccountNumber}. The CLABE is
// Liquido's bank and plaza (706 180, as in the documented example
// 706180162569438880) with a per-account number and a valid check digit.

// MethodClabeAccount is a virtual account's paymentMethod.
const MethodClabeAccount = "CLABE_ACCOUNT"

// account is one virtual CLABE account of a merchant. Accounts are created
// ACTIVE and stay so: Liquido documents no other status, nor a way to close
// one, so nothing changes an account after it is created.
type account struct {
	Key         string
	Clabe       string
	UserInfo    json.RawMessage
	Created     time.Time
	Description string
	CallbackURL string
	Status      Status
	hash        [32]byte
}

type accountJSON struct {
	TransferStatusCode int                `json:"transferStatusCode"`
	IdempotencyKey     string             `json:"idempotencyKey"`
	Country            string             `json:"country"`
	Currency           string             `json:"currency"`
	CreateTime         Time               `json:"createTime"`
	Status             Status             `json:"status"`
	Description        string             `json:"description"`
	CallbackURL        string             `json:"callbackUrl"`
	TransferDetails    accountDetailsJSON `json:"transferDetails"`
}

type accountDetailsJSON struct {
	ClabeAccount struct {
		UserInfo           json.RawMessage `json:"userInfo"`
		ClabeAccountNumber string          `json:"clabeAccountNumber"`
	} `json:"clabeAccount"`
}

func (a *account) wire() accountJSON {
	j := accountJSON{TransferStatusCode: http.StatusOK, IdempotencyKey: a.Key, Country: "MX", Currency: "MXN",
		CreateTime: Time(a.Created), Status: a.Status, Description: a.Description, CallbackURL: a.CallbackURL}
	j.TransferDetails.ClabeAccount.UserInfo = a.UserInfo
	j.TransferDetails.ClabeAccount.ClabeAccountNumber = a.Clabe
	return j
}

// accountRequest is a validated POST /v1/payments/virtual-accounts.
type accountRequest struct {
	key, description, callbackURL string
	userInfo                      json.RawMessage
	body                          map[string]any
	hash                          [32]byte
}

func decodeAccount(c *call) (request, *apiError) {
	body, e := decodeObject(c.body)
	if e != nil {
		return nil, e
	}
	f := newFields(body)
	in := &accountRequest{body: body}
	in.key = readKey(f, "idempotencyKey")
	if v := f.text("paymentMethod", true); v != "" && v != MethodClabeAccount {
		f.fail("paymentMethod", "must be CLABE_ACCOUNT")
	}
	if v := f.text("country", true); v != "" && v != "MX" {
		f.fail("country", "virtual CLABE accounts are offered in MX only")
	}
	if v := f.text("currency", true); v != "" && v != "MXN" {
		f.fail("currency", "must be MXN")
	}
	user := f.object("userInfo", true)
	if name := user.text("legalName", true); name != "" && len(name) > 120 {
		user.fail("legalName", "must be at most 120 characters")
	}
	if phone := user.text("phoneNumber", false); phone != "" && !phoneLike(phone) {
		user.fail("phoneNumber", "must be a phone number such as +525512345678")
	}
	in.userInfo = f.raw("userInfo")
	in.description = f.text("description", false)
	in.callbackURL = readURL(f, "callbackUrl", false)
	if f.failed() {
		return nil, errInvalid(*f.errs)
	}
	in.hash = fingerprint(c.m.hashKey, "virtual-accounts", body)
	return in, nil
}

// run creates the account, or returns the one this key made with the same
// body (another body is a conflict).
func (in *accountRequest) run(s *Server, c *call) answer {
	m := c.m
	if a, ok := m.accounts[in.key]; ok {
		return replay(in.key, a.hash, in.hash, func() answer { return okAccount(a) })
	}
	if !s.decide(c, scenarios.Request{Action: string(ActionAccount), Method: MethodClabeAccount, Currency: "MXN", Country: "MX",
		OrderID: in.key, Description: in.description, Body: in.body}) {
		return answer{skip: true}
	}
	a := &account{Key: in.key, Clabe: clabe("706180" + m.digits(11)), UserInfo: in.userInfo, Created: c.now,
		Description: in.description, CallbackURL: in.callbackURL, Status: StatusActive, hash: in.hash}
	m.accounts[a.Key] = a
	m.accountOrder.Add(a.Key)
	return okAccount(a)
}

func okAccount(a *account) answer {
	return answer{code: http.StatusOK, body: encode(a.wire(), nil), key: a.Key, status: a.Status}
}

// retrieveAccount is GET /v1/payments/virtual-accounts/{idempotencyKey}.
func (s *Server) retrieveAccount(c *call, in *keyRequest) answer {
	a := c.m.accounts[in.key]
	if a == nil {
		return failed(errNotFound("No virtual account found with idempotencyKey " + in.key))
	}
	if !s.decide(c, scenarios.Request{Action: string(ActionRetrieve), Method: MethodClabeAccount, Currency: "MXN", Country: "MX",
		OrderID: a.Key, Description: a.Description}) {
		return answer{skip: true}
	}
	return okAccount(a)
}

var decodeAccountLookup = keyDecoder((*Server).retrieveAccount)

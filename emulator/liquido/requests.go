package liquido

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// maxAmount bounds an amount: ten billion in major units is past any real
// pay-in, and keeps FX and tax arithmetic far from overflow.
const maxAmount = 1_000_000_000_000

// amountProblem says what is wrong with an amount in minor units, "" if
// nothing: the same bounds and messages for every endpoint that takes one.
func amountProblem(n int64) string {
	switch {
	case n <= 0:
		return "must be greater than 0"
	case n > maxAmount:
		return fmt.Sprintf("must be at most %d", int64(maxAmount))
	}
	return ""
}

// readKey reads an idempotencyKey: it names the payment in later URL paths,
// so it may not contain "/" (GUESS: Liquido documents no format; its
// examples are UUIDs, digits and "hz-testpixdynamic-230703-001").
func readKey(f fields, name string) string {
	k := f.text(name, true)
	if k != "" && !validKey(k) {
		f.fail(name, "must be 1 to 255 characters without '/' or control characters")
	}
	return k
}

func validKey(k string) bool {
	// "." and ".." could never be used again: a key is a path segment of
	// later calls, and those two are dot segments that URL handling removes.
	if len(k) > 255 || !utf8.ValidString(k) || strings.TrimSpace(k) == "" || k == "." || k == ".." {
		return false
	}
	for _, r := range k {
		if r == '/' || r < 0x20 || (r >= 0x7f && r <= 0x9f) { // C0, DEL and C1, as LiqPay order_id
			return false
		}
	}
	return true
}

// readURL reads an absolute http(s) URL field; "" is allowed unless required
// (callbackUrl "may be empty", reference §3).
func readURL(f fields, name string, required bool) string {
	s := f.text(name, required)
	if s != "" && !validHTTPURL(s) {
		f.fail(name, "must be an absolute http(s) URL")
	}
	return s
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func payerName(s string) bool {
	for _, r := range s {
		if !(r == ' ' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

func phoneLike(s string) bool {
	n := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == '+' && i == 0, r == ' ', r == '-':
		default:
			return false
		}
	}
	return n >= 10 && n <= 15
}

func oneOf(list []string) string {
	if len(list) == 1 {
		return list[0]
	}
	return "one of " + strings.Join(list, ", ")
}

func countryList() string {
	out := make([]string, 0, len(countries))
	for c := range countries {
		out = append(out, c)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// convert turns an amount into the country's currency: a USD pay-in is
// charged in local money at mockpay's fixed rate (reference §12).
func convert(amount int64, currency, countryCode string) (int64, string) {
	local := countries[countryCode].currency
	if currency == local || currency != "USD" {
		return amount, currency
	}
	rate, ok := usdRates[local]
	if !ok {
		return amount, currency
	}
	return (amount*rate + 50) / 100, local
}

// readExpirationDate reads an optional expirationDate: a day, in Liquido's
// zone, no earlier than today. Zero when absent or wrong (wrong fails f).
func readExpirationDate(f fields, now time.Time) time.Time {
	s := f.text("expirationDate", false)
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02", s, zone)
	y, mo, d := now.In(zone).Date()
	switch {
	case err != nil:
		f.fail("expirationDate", "must be a date such as 2022-09-30")
	case t.Before(time.Date(y, mo, d, 0, 0, 0, 0, zone)):
		f.fail("expirationDate", "must not be in the past")
	default:
		return t
	}
	return time.Time{}
}

// readBankInfo reads a refund's optional
// additionalInfo.bankTransferAccountInfo, whose three fields are then
// required, and reports whether it was sent.
func readBankInfo(f fields) bool {
	extra := f.object("additionalInfo", false)
	if !extra.present("bankTransferAccountInfo") {
		return false
	}
	acct := extra.object("bankTransferAccountInfo", false)
	for _, name := range []string{"bankCode", "beneficiaryName", "bankAccountNumber"} {
		acct.text(name, true)
	}
	return true
}

// keyRequest is a request naming an existing payment or refund in its path.
type keyRequest struct {
	key    string
	amount int64 // capture only: a partial capture (GUESS, reference §5.7)
	body   map[string]any
	do     func(s *Server, c *call, in *keyRequest) answer
}

func (k *keyRequest) run(s *Server, c *call) answer { return k.do(s, c, k) }

func pathKey(c *call) (string, *apiError) {
	if !validKey(c.key) {
		return "", errBadRequest("Invalid idempotencyKey in the path")
	}
	return c.key, nil
}

func keyDecoder(run func(s *Server, c *call, in *keyRequest) answer) decoder {
	return func(c *call) (request, *apiError) {
		key, e := pathKey(c)
		if e != nil {
			return nil, e
		}
		return &keyRequest{key: key, do: run}, nil
	}
}

var (
	decodeRetrieve     = keyDecoder((*Server).retrieve)
	decodeCancel       = keyDecoder((*Server).cancel)
	decodeRefundLookup = keyDecoder((*Server).retrieveRefund)
	decodeBoletoPDF    = keyDecoder((*Server).boletoPDFPath)
)

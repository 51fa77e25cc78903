package liqpay

import (
	"strconv"
	"strings"
	"time"
)

// SandboxToken is LiqPay's documented test card token (reference §8).
const SandboxToken = "sandbox_token"

// card is what mockpay keeps of a card: never the full number, never the CVV.
type card struct {
	Mask2    string // first 6 + "*" + last 2, as sender_card_mask2
	BIN      string
	Last4    string
	Bank     string
	Type     string
	Country  int
	ExpMonth int
	ExpYear  int
	// TestCard: a documented test card, which succeeds with any expiry.
	TestCard bool
}

// Mask returns the PAN as first 6 and last 4 with the middle hidden, for logs.
func Mask(pan string) string {
	if len(pan) < 10 {
		return strings.Repeat("*", len(pan))
	}
	return pan[:6] + strings.Repeat("*", len(pan)-10) + pan[len(pan)-4:]
}

// luhn reports whether a digit string passes the Luhn check.
func luhn(pan string) bool {
	sum := 0
	for i := len(pan) - 1; i >= 0; i-- {
		d := int(pan[i] - '0')
		if (len(pan)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// normalizePAN strips the spaces and dashes people paste and reports whether
// what is left is a plausible card number.
func normalizePAN(s string) (string, bool) {
	pan := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
	if len(pan) < 12 || len(pan) > 19 {
		return pan, false
	}
	for i := 0; i < len(pan); i++ {
		if pan[i] < '0' || pan[i] > '9' {
			return pan, false
		}
	}
	return pan, true
}

// bins maps a few well-known Ukrainian BIN prefixes to issuer names; the
// sandbox answers "Test" for everything else, as LiqPay does for test cards.
var bins = []struct{ prefix, bank string }{
	{"414961", "pb"}, {"414960", "pb"}, {"516875", "pb"}, {"516874", "pb"}, {"535145", "pb"},
	{"537541", "monobank"}, {"444111", "monobank"}, {"444112", "monobank"},
}

// describeCard builds the stored card from a PAN and expiry.
func describeCard(pan string, month, year int) card {
	c := card{
		Mask2:    pan[:6] + "*" + pan[len(pan)-2:],
		BIN:      pan[:6],
		Last4:    pan[len(pan)-4:],
		Bank:     "Test",
		Type:     cardType(pan),
		Country:  804, // Ukraine, ISO 3166 numeric
		ExpMonth: month,
		ExpYear:  year,
	}
	for _, b := range bins {
		if strings.HasPrefix(pan, b.prefix) {
			c.Bank = b.bank
		}
	}
	return c
}

// cardType names the scheme the way LiqPay's sender_card_type does ("visa",
// "mc"); the non-Visa/Mastercard names are a GUESS.
func cardType(pan string) string {
	two, _ := strconv.Atoi(pan[:2])
	four, _ := strconv.Atoi(pan[:4])
	switch {
	case pan[0] == '4':
		return "visa"
	case two >= 51 && two <= 55, four >= 2221 && four <= 2720:
		return "mc"
	case strings.HasPrefix(pan, "9804"):
		return "prostir"
	case two == 34 || two == 37:
		return "amex"
	case two == 50 || (two >= 56 && two <= 69):
		return "maestro"
	}
	return "other"
}

// parseExpiry reads card_exp_month ("06" or 6) and card_exp_year ("30" or
// "2030").
func parseExpiry(p Params) (month, year int, bad string) {
	m, ok := p.Int("card_exp_month")
	if !ok || m < 1 || m > 12 {
		return 0, 0, "card_exp_month"
	}
	y, ok := p.Int("card_exp_year")
	switch {
	case !ok || y < 0:
		return 0, 0, "card_exp_year"
	case y < 100:
		y += 2000
	case y < 2000 || y > 2100:
		return 0, 0, "card_exp_year"
	}
	return int(m), int(y), ""
}

// expired reports whether a card is past its expiry month at now (a card is
// valid through the last day of its month).
func expired(month, year int, now time.Time) bool {
	now = now.UTC()
	return year < now.Year() || (year == now.Year() && month < int(now.Month()))
}

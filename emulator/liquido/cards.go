package liquido

import (
	"strings"
	"time"
)

// storedCard is what mockpay keeps of a card — bin, last four, brand, holder
// and expiry — never the full number or the CVC. A vaulted card belongs to
// the merchant that saved it.
type storedCard struct {
	info   cardInfo
	panLen int // for the masked number scenarios match on
	// lead is the first eight digits (what PCI DSS lets a merchant keep of a
	// 16-digit card, with the last four): test cards differ in them, so
	// scenarios can tell 4000001240000000 from 4000000000000000.
	lead string
}

// masked is the card as scenarios see it once the full number is gone: the
// leading digits, stars, the last four, at the real length. match.bin and
// match.last4 work on it; match.card (the full number) never matches it.
func (c storedCard) masked() string {
	lead := c.lead
	if lead == "" {
		lead = c.info.Bin
	}
	n := c.panLen - len(lead) - len(c.info.Last4)
	if n < 0 {
		n = 0
	}
	return lead + strings.Repeat("*", n) + c.info.Last4
}

// cardInput is a card as a request gives it. The number lives only as long
// as the request.
type cardInput struct {
	pan    string
	holder string
	month  int
	year   int
}

// leadDigits is how many leading digits may be kept with the last four:
// eight of a card of 16 digits or more, six of a shorter one (PCI DSS), so
// at least two digits are always hidden.
func leadDigits(n int) int {
	if n >= 16 {
		return 8
	}
	return 6
}

func (c cardInput) stored() storedCard {
	return storedCard{
		info: cardInfo{
			CardHolderName: c.holder, ExpirationMonth: c.month, ExpirationYear: c.year,
			Bin: c.pan[:6], Last4: c.pan[len(c.pan)-4:], Brand: brand(c.pan),
		},
		panLen: len(c.pan),
		lead:   c.pan[:leadDigits(len(c.pan))],
	}
}

// readCard validates the card object of a charge or a vault request
// (reference §5.1): "16 digit number … without any separators" — mockpay
// also takes 12 to 19 digits with spaces or dashes, as people paste them.
func readCard(f fields) (cardInput, bool) {
	var c cardInput
	start := len(*f.errs)
	c.holder = f.text("cardHolderName", true)
	raw := f.text("cardNumber", true)
	if raw != "" {
		// No Luhn check: the docs' own successful example card,
		// 4581243338680000, fails it (reference §16).
		if pan, ok := normalizePAN(raw); ok {
			c.pan = pan
		} else {
			f.fail("cardNumber", "must be 12 to 19 digits")
		}
	}
	if m, ok := f.small("expirationMonth", true); ok {
		if m < 1 || m > 12 {
			f.fail("expirationMonth", "must be between 1 and 12")
		}
		c.month = m
	}
	if y, ok := f.small("expirationYear", true); ok {
		switch {
		case y >= 0 && y < 100:
			y += 2000 // "29" means 2029
		case y < 2000 || y > 2100:
			f.fail("expirationYear", "must be a year such as 2029")
		}
		c.year = y
	}
	cvc := f.text("cvc", true)
	if cvc != "" && !digits(cvc, 3, 4) {
		f.fail("cvc", "must be 3 or 4 digits")
	}
	return c, len(*f.errs) == start
}

// expired reports whether a card is past its expiry month at now: a card is
// valid through the last day of its month.
func expired(month, year int, now time.Time) bool {
	now = now.In(zone)
	return year < now.Year() || (year == now.Year() && month < int(now.Month()))
}

// normalizePAN strips spaces and dashes and reports whether what is left is
// a plausible card number.
func normalizePAN(s string) (string, bool) {
	pan := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
	return pan, digits(pan, 12, 19)
}

// digits reports whether s is between min and max ASCII digits.
func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// eloPrefixes are Elo (Brazil) ranges that would otherwise read as Visa or
// Mastercard; checked first.
var eloPrefixes = []string{"401178", "401179", "431274", "438935", "451416", "457393", "457631", "457632", "504175", "506699", "5067", "509", "627780", "636297", "636368", "650", "6516", "6550"}

// brand names a card's scheme in Liquido's upper-case words (reference §5.2:
// VISA, MASTERCARD, …). Names other than VISA and MASTERCARD are a GUESS.
func brand(pan string) string {
	for _, p := range eloPrefixes {
		if strings.HasPrefix(pan, p) {
			return "ELO"
		}
	}
	two := pan[:2]
	four := pan[:4]
	switch {
	case strings.HasPrefix(pan, "606282"), strings.HasPrefix(pan, "3841"):
		return "HIPERCARD"
	case pan[0] == '4':
		return "VISA"
	case two >= "51" && two <= "55", four >= "2221" && four <= "2720":
		return "MASTERCARD"
	case two == "34" || two == "37":
		return "AMEX"
	case two == "36" || two == "38" || (pan[:3] >= "300" && pan[:3] <= "305"):
		return "DINERS"
	case four == "6011" || two == "65" || (pan[:3] >= "644" && pan[:3] <= "649"):
		return "DISCOVER"
	case two == "35":
		return "JCB"
	}
	return "UNKNOWN"
}

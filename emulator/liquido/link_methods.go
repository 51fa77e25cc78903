package liquido

import (
	"fmt"
	"strconv"
)

// linkMethod is one method a link may offer in allowPaymentMethods: the
// charge endpoint and paymentMethod it runs as, where it is offered, and
// its amount limits.
type linkMethod struct {
	label     string // as the limit messages name it ("Boleto")
	action    Action
	method    string
	countries []string
	// min and max are limits in minor units of the local currency (0: none).
	min, max map[string]int64
	// contact: the payer's name, phone and email are required.
	contact bool
}

// linkMethods is reference §10's table of methods and limits. Where the two
// doc revisions differ, the newer one's limits are used: PAY_CASH at most
// 20,000 MXN or 5,000,000 COP, PSE at least 1,000 COP (the older revision
// says 10,000 MXN, 3,000,000 COP and 1,500 COP).
var linkMethods = map[string]linkMethod{
	"CREDIT_CARD":      {label: "Credit card", action: ActionCard, method: MethodCreditCard, countries: []string{"BR", "MX", "CO"}},
	"PIX":              {label: "Pix", action: ActionPix, method: MethodPixDynamic, countries: []string{"BR"}},
	"BOLETO":           {label: "Boleto", action: ActionBoleto, method: MethodBoleto, countries: []string{"BR"}, min: map[string]int64{"BRL": 5_00}},
	"BANK_TRANSFER_BR": {label: "Bank transfer", action: ActionBankTransfer, method: MethodBankTransfer, countries: []string{"BR"}},
	"BANK_TRANSFER_MX": {label: "Bank transfer", action: ActionBankTransfer, method: MethodBankTransfer, countries: []string{"MX"}},
	"OXXO":             {label: "OXXO", action: ActionOXXO, method: MethodOXXO, countries: []string{"MX"}},
	"PAY_CASH": {label: "PayCash", action: ActionPayCash, method: MethodPayCash, countries: []string{"MX", "CO"},
		max: map[string]int64{"MXN": 20_000_00, "COP": 5_000_000_00}},
	"PSE":   {label: "PSE", action: ActionPSE, method: MethodPSE, countries: []string{"CO"}, min: map[string]int64{"COP": 1_000_00}, contact: true},
	"NEQUI": {label: "Nequi", action: ActionNequi, method: MethodNequi, countries: []string{"CO"}, min: map[string]int64{"COP": 1_500_00}, contact: true},
}

// linkMethodOrder lists the methods for messages, in the reference's order.
var linkMethodOrder = []string{"CREDIT_CARD", "PIX", "BOLETO", "BANK_TRANSFER_BR", "BANK_TRANSFER_MX", "OXXO", "PAY_CASH", "PSE", "NEQUI"}

// limitProblem says why amount (minor units of currency) is outside the
// method's limits, in the documented wording: "Minimum amount of Boleto is
// 5BRL." (reference §10); "" when it is within them.
func (lm linkMethod) limitProblem(amount int64, currency string) string {
	if n, ok := lm.min[currency]; ok && amount < n {
		return "Minimum amount of " + lm.label + " is " + majorUnits(n) + currency + "."
	}
	if n, ok := lm.max[currency]; ok && amount > n {
		return "Maximum amount of " + lm.label + " is " + majorUnits(n) + currency + "."
	}
	return ""
}

// majorUnits writes minor units as major ones without needless zeros: 500 → "5".
func majorUnits(n int64) string {
	if n%100 == 0 {
		return strconv.FormatInt(n/100, 10)
	}
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}

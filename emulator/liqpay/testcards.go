package liqpay

import "github.com/mockpay/mockpay/scenarios"

// documentedTestCards are the card numbers the embedded default scenarios
// name (defaults.yaml): LiqPay's documented test cards and mockpay's own.
// Only these are exempt from the Luhn check and from the expiry date:
// LiqPay's own documentation pays with 4731195301524634, which fails Luhn,
// and with 03/22, long past (seed 001). Any other card is checked as a real
// card would be.
var documentedTestCards = testCardsOf(defaultScenarios)

func testCardsOf(yaml []byte) map[string]bool {
	cards := map[string]bool{}
	// Statuses only: the full Vocabulary lists the actions, whose handlers
	// read this very variable (an initialisation cycle).
	v := scenarios.Vocabulary{Provider: "liqpay"}
	for _, st := range allStatuses {
		v.Statuses = append(v.Statuses, string(st))
	}
	set, err := scenarios.Parse("default:liqpay", yaml, []scenarios.Vocabulary{v})
	if err != nil {
		return cards // a bug in defaults.yaml; the engine's AddDefaults reports it
	}
	for _, sc := range set.Scenarios {
		if sc.Match.Card != nil {
			for _, c := range sc.Match.Card.Any {
				cards[c] = true
			}
		}
	}
	return cards
}

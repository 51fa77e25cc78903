package liquido

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestSharedTables: equal values come back as the one shared copy, and a
// table that fills up starts over instead of growing past sharedMax.
func TestSharedTables(t *testing.T) {
	m := &merchant{books: newBooks()}
	c := PaymentCommon{Action: ActionCard, Method: MethodCreditCard, Flow: FlowDirect, Currency: "BRL", Country: "BR"}
	if a, b := m.common(c), m.common(c); a != b {
		t.Errorf("equal PaymentCommons not shared")
	}
	card := storedCard{info: cardInfo{CardHolderName: "A", Bin: "424242", Last4: "4242", Brand: "VISA"}, panLen: 16, lead: "42424242"}
	if a, b := m.shareCard(card), m.shareCard(card); a != b || *a != card {
		t.Errorf("equal cards not shared: %p %p", a, b)
	}
	first := m.shareRaw(json.RawMessage(`{"name":"A"}`))
	if got := m.shareRaw(json.RawMessage(`{"name":"A"}`)); &got[0] != &first[0] {
		t.Errorf("equal payer JSON not shared")
	}
	d := cardDetails{CardInfo: &m.shareCard(card).info, Installments: 1}
	if a, b := m.shareCardDetails(&d), m.shareCardDetails(&cardDetails{CardInfo: d.CardInfo, Installments: 1}); a != b {
		t.Errorf("equal card details not shared")
	}
	for i := range 3 * sharedMax {
		c.CallbackURL = fmt.Sprintf("http://127.0.0.1/%d", i)
		m.common(c)
		m.shareRaw(json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
		m.shareCard(storedCard{panLen: i})
		m.shareCardDetails(&cardDetails{Installments: i})
	}
	for name, n := range map[string]int{"commons": len(m.shared.commons), "raws": len(m.shared.raws),
		"cards": len(m.shared.cards), "cardDetails": len(m.shared.cardDetails)} {
		if n > sharedMax {
			t.Errorf("%s: %d values, over %d", name, n, sharedMax)
		}
	}
}

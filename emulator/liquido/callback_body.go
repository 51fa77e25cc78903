package liquido

import "bytes"

// CallbackBody is the JSON body of a payment's callback exactly as notify
// sends it ({eventType, data: {chargeDetails}}), for code outside the
// emulator that must send Liquido's callbacks itself: the receiver audit
// (package audit) signs it with Sign.
func CallbackBody(p *Payment, ev Event) ([]byte, error) {
	var charge callbackJSON
	charge.EventType = ev
	charge.Data.ChargeDetails = bytes.TrimSuffix(p.encoded(), []byte("\n"))
	return marshal(charge)
}

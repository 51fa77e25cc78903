package liqpay

import "unicode/utf8"

// cleanID tells whether a merchant-chosen id (order_id) is valid UTF-8
// without control characters (C0, DEL, C1) or NUL. GUESS: LiqPay documents
// only "String ≤255" (reference §4); an id with a NUL or a line break would
// corrupt the merchant's logs and CSV reports, so mockpay answers
// err_wrong for order_id, LiqPay's answer to a malformed parameter.
func cleanID(id string) bool {
	if !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return false
		}
	}
	return true
}

package liqpay

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The payment object is LiqPay's answer to pay and status, and its
// callbacks' body. encoding/json wrote it by reflection, calling a
// MarshalJSON and re-validating its output for each of its eleven amounts:
// with the rest of the walk, 3–7 % of a LiqPay request's CPU
// (docs/benchmarks.md). appendJSON writes the same bytes directly, field by
// field in the struct's order with its omitempty rules, and leaves to
// encoding/json what it does not write itself (a text with a character
// encoding/json escapes, DCC quotes); TestAppendJSONMatchesEncodingJSON
// compares the two on randomly filled payments.

// appendJSON appends j as encode's encoder writes it, newline included; ok
// is false when encoding/json must write it.
func (j *paymentJSON) appendJSON(dst []byte) ([]byte, bool) {
	if len(j.DCCAllowed) > 0 {
		return dst, false
	}
	w := wireWriter{b: append(dst, '{'), ok: true, first: true}
	w.strOmit("result", j.Result)
	w.intOmit("payment_id", j.PaymentID)
	w.str("action", j.Action)
	w.str("status", string(j.Status))
	w.int("version", int64(j.Version))
	w.str("type", j.Type)
	w.str("paytype", j.Paytype)
	w.str("public_key", j.PublicKey)
	w.int("acq_id", j.AcqID)
	w.str("order_id", j.OrderID)
	w.str("liqpay_order_id", j.LiqPayOrderID)
	w.str("description", j.Description)
	w.strOmit("sender_phone", j.SenderPhone)
	w.strOmit("sender_first_name", j.SenderFirstName)
	w.strOmit("sender_last_name", j.SenderLastName)
	w.str("sender_card_mask2", j.SenderCardMask2)
	w.str("sender_card_bank", j.SenderCardBank)
	w.str("sender_card_type", j.SenderCardType)
	w.int("sender_card_country", int64(j.SenderCardCountry))
	w.strOmit("ip", j.IP)
	w.strOmit("card_token", j.CardToken)
	w.strOmit("info", j.Info)
	w.strOmit("customer", j.Customer)
	w.money("amount", int64(j.Amount), 100)
	w.str("currency", j.Currency)
	w.money("sender_commission", int64(j.SenderCommission), 100)
	w.money("receiver_commission", int64(j.ReceiverCommission), 100)
	w.money("agent_commission", int64(j.AgentCommission), 100)
	w.money("amount_debit", int64(j.AmountDebit), 10000)
	w.money("amount_credit", int64(j.AmountCredit), 100)
	w.money("commission_debit", int64(j.CommissionDebit), 100)
	w.money("commission_credit", int64(j.CommissionCredit), 100)
	w.str("currency_debit", j.CurrencyDebit)
	w.str("currency_credit", j.CurrencyCredit)
	w.money("sender_bonus", int64(j.SenderBonus), 100)
	w.money("amount_bonus", int64(j.AmountBonus), 100)
	w.strOmit("authcode_debit", j.AuthcodeDebit)
	w.strOmit("rrn_debit", j.RRNDebit)
	w.str("mpi_eci", j.MpiEci)
	w.bool("is_3ds", j.Is3DS)
	w.str("language", j.Language)
	w.int("create_date", int64(j.CreateDate))
	w.int("end_date", int64(j.EndDate))
	w.intOmit("completion_date", int64(j.CompletionDate))
	if j.RefundAmount != 0 { // omitempty: an Amount is an integer
		w.money("refund_amount", int64(j.RefundAmount), 100)
	}
	w.intOmit("refund_date_last", int64(j.RefundDateLast))
	w.intOmit("transaction_id", j.TransactionID)
	w.strOmit("product_category", j.ProductCategory)
	w.strOmit("product_description", j.ProductDescription)
	w.strOmit("product_name", j.ProductName)
	w.strOmit("product_url", j.ProductURL)
	w.strOmit("token", j.Token)
	w.strOmit("redirect_to", j.RedirectTo)
	w.strOmit("confirm_phone", j.ConfirmPhone)
	w.strOmit("verifycode", j.Verifycode)
	w.strOmit("qr_code", j.QRCode)
	w.strOmit("href", j.Href)
	w.strOmit("code", string(j.Code))
	w.strOmit("err_code", string(j.ErrCode))
	w.strOmit("err_description", j.ErrDescription)
	return append(w.b, '}', '\n'), w.ok
}

// wireWriter appends one JSON object's members.
type wireWriter struct {
	b     []byte
	ok    bool // false once a value needs encoding/json
	first bool
}

func (w *wireWriter) key(name string) {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.b = append(w.b, '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
}

func (w *wireWriter) str(name, v string) {
	w.key(name)
	if !plainText(v) {
		w.ok = false
		return
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, v...)
	w.b = append(w.b, '"')
}

func (w *wireWriter) strOmit(name, v string) {
	if v != "" {
		w.str(name, v)
	}
}

func (w *wireWriter) int(name string, v int64) {
	w.key(name)
	w.b = strconv.AppendInt(w.b, v, 10)
}

func (w *wireWriter) intOmit(name string, v int64) {
	if v != 0 {
		w.int(name, v)
	}
}

func (w *wireWriter) bool(name string, v bool) {
	w.key(name)
	w.b = strconv.AppendBool(w.b, v)
}

func (w *wireWriter) money(name string, v, unit int64) {
	w.key(name)
	w.b = appendDecimal(w.b, v, unit)
}

// plainText reports whether encoding/json, HTML escaping off, writes s as
// it is between quotes: no quote, backslash or control character, valid
// UTF-8, and neither U+2028 nor U+2029 (which it escapes).
func plainText(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if ascii {
		return true
	}
	return utf8.ValidString(s) && !strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029")
}

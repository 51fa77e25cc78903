package audittest

import (
	"crypto/sha1"
	"crypto/sha3"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
)

// LiqPay statuses a careful receiver knows (reference liqpay.md §4.21);
// wait_secure and wait_lc are deliberately not among them.
var liqpayKnown = []string{"success", "failure", "error", "reversed", "sandbox", "hold_wait",
	"3ds_verify", "otp_verify", "cvv_verify", "sender_verify", "receiver_verify",
	"invoice_wait", "cash_wait", "wait_qr", "wait_accept", "processing", "prepared"}

var liqpayFinal = []string{"success", "failure", "error", "reversed", "sandbox"}

// LiqPay is a LiqPay callback receiver for the merchant publicKey with
// privateKey that knows one order, with the flaw planted. The careful one
// (None) reads only the form, verifies the signature with its own key
// (SHA-1 or SHA3-256), checks the order, and keeps a final status.
func LiqPay(publicKey, privateKey string, order Order, flaw Flaw) http.Handler {
	b := newBook()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if flaw == RejectsEverything {
			answer(w, http.StatusBadRequest, "refused")
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			answer(w, http.StatusBadRequest, "cannot read body")
			return
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		var payment map[string]any
		if ct == "application/json" {
			if flaw != ParsesWrongEncoding {
				answer(w, http.StatusUnsupportedMediaType, "LiqPay posts a form")
				return
			}
			// The flaw: the fields are trusted as posted.
			if json.Unmarshal(raw, &payment) != nil {
				answer(w, http.StatusBadRequest, "bad json")
				return
			}
			answer(w, http.StatusOK, "ok")
			return
		}
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			answer(w, http.StatusBadRequest, "bad form")
			return
		}
		data, signature := form.Get("data"), form.Get("signature")
		decoded, err := base64.StdEncoding.DecodeString(data)
		if err != nil || json.Unmarshal(decoded, &payment) != nil {
			answer(w, http.StatusBadRequest, "bad data")
			return
		}
		str := func(k string) string { return fmt.Sprint(payment[k]) }
		switch {
		case signature == "" && flaw == TrustsUnsigned:
		case flaw == FormatOnly:
			if sig, err := base64.StdEncoding.DecodeString(signature); err != nil || (len(sig) != sha1.Size && len(sig) != 32) {
				answer(w, http.StatusBadRequest, "malformed signature")
				return
			}
		case flaw == TrustsOtherMerchants && str("public_key") != publicKey:
		default:
			if !liqpaySigned(privateKey, data, signature) {
				answer(w, http.StatusBadRequest, "bad signature")
				return
			}
		}
		paymentID, status := str("payment_id"), str("status")
		if str("order_id") != order.ID {
			if flaw == BreaksOnOtherOrder {
				panicLike(w)
				return
			}
			answer(w, http.StatusOK, "not our order, ignored")
			return
		}
		amount, _ := payment["amount"].(float64)
		if amount != order.Amount || str("currency") != order.Currency {
			answer(w, http.StatusBadRequest, "amount or currency differ from the order")
			return
		}
		if !slices.Contains(liqpayKnown, status) {
			if flaw == HangsOnUnknownStatus {
				hang(r.Context())
				return
			}
			answer(w, http.StatusOK, "unknown status, kept for review")
			return
		}
		dup, held := b.record(paymentID, status)
		switch {
		case dup && flaw == BreaksOnDuplicate:
			panicLike(w)
		case dup:
			answer(w, http.StatusOK, "already have it")
		case slices.Contains(liqpayFinal, held) && !slices.Contains(liqpayFinal, status):
			if flaw == BreaksOnOutOfOrder {
				panicLike(w)
				return
			}
			answer(w, http.StatusOK, "older than what we hold, ignored")
		default:
			b.hold(paymentID, status)
			answer(w, http.StatusOK, "ok")
		}
	})
}

// liqpaySigned checks base64(hash(key+data+key)) in SHA-1 (versions up to
// 6) or SHA3-256 (7 and later).
func liqpaySigned(key, data, signature string) bool {
	msg := []byte(key + data + key)
	s1 := sha1.Sum(msg)
	s3 := sha3.Sum256(msg)
	for _, want := range []string{base64.StdEncoding.EncodeToString(s1[:]), base64.StdEncoding.EncodeToString(s3[:])} {
		if subtle.ConstantTimeCompare([]byte(want), []byte(signature)) == 1 {
			return true
		}
	}
	return false
}

// panicLike is what a framework answers when the handler throws.
func panicLike(w http.ResponseWriter) {
	answer(w, http.StatusInternalServerError, "Internal Server Error")
}

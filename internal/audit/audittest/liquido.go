package audittest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Liquido statuses a careful receiver handles; CHARGED_BACK is
// deliberately not among them.
var liquidoKnown = []string{"SETTLED", "FAILED", "CANCELLED", "EXPIRED", "REFUNDED", "IN_PROGRESS", "AUTHORIZED"}

// maxSkew is how far from its clock a careful receiver lets a signature
// timestamp be.
const maxSkew = 5 * time.Minute

// Liquido is a Liquido callback receiver with client secret that knows one
// order, with the flaw planted. The careful one (None) verifies the
// HMAC over the raw body and the header's timestamp, refuses stale ones,
// parses JSON only, checks the order, and keeps the newest status by the
// signature's timestamp.
func Liquido(secret string, order Order, flaw Flaw) http.Handler {
	b := newBook()
	newest := map[string]int64{} // payment → timestamp of the status held; under b.mu
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if flaw == RejectsEverything {
			answer(w, http.StatusUnauthorized, "refused")
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			answer(w, http.StatusBadRequest, "cannot read body")
			return
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == "application/x-www-form-urlencoded" {
			if flaw == ParsesWrongEncoding {
				answer(w, http.StatusOK, "ok") // the flaw: form fields trusted as posted
				return
			}
			answer(w, http.StatusUnsupportedMediaType, "Liquido posts JSON")
			return
		}
		header := r.Header.Get("Liquido-Signature")
		ts, sig := parseLiquidoSignature(header)
		switch {
		case header == "" && flaw == TrustsUnsigned:
		case flaw == FormatOnly:
			if _, err := hex.DecodeString(sig); err != nil || len(sig) != 64 {
				answer(w, http.StatusUnauthorized, "malformed signature")
				return
			}
		default:
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write([]byte("payload=" + string(raw) + ",timestamp=" + ts))
			if !hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(sig)) {
				answer(w, http.StatusUnauthorized, "bad signature")
				return
			}
		}
		at, _ := strconv.ParseInt(ts, 10, 64)
		if header != "" && time.Since(time.Unix(at, 0)).Abs() > maxSkew {
			if flaw == BreaksOnStale {
				panicLike(w)
				return
			}
			answer(w, http.StatusUnauthorized, "stale timestamp")
			return
		}
		var cb struct {
			EventType string `json:"eventType"`
			Data      struct {
				ChargeDetails struct {
					IdempotencyKey string  `json:"idempotencyKey"`
					Amount         float64 `json:"amount"`
					Currency       string  `json:"currency"`
					TransferStatus string  `json:"transferStatus"`
				} `json:"chargeDetails"`
			} `json:"data"`
		}
		if json.Unmarshal(raw, &cb) != nil {
			answer(w, http.StatusBadRequest, "bad json")
			return
		}
		d := cb.Data.ChargeDetails
		if d.IdempotencyKey != order.ID {
			if flaw == BreaksOnOtherOrder {
				panicLike(w)
				return
			}
			answer(w, http.StatusOK, "not our order, ignored")
			return
		}
		if d.Amount != order.Amount || d.Currency != order.Currency {
			answer(w, http.StatusBadRequest, "amount or currency differ from the order")
			return
		}
		if !slices.Contains(liquidoKnown, d.TransferStatus) {
			if flaw == HangsOnUnknownStatus {
				hang(r.Context())
				return
			}
			answer(w, http.StatusOK, "unknown status, kept for review")
			return
		}
		dup, _ := b.record(d.IdempotencyKey, d.TransferStatus)
		// The flawed one keys its unique constraint by the signature, as
		// an event id: every retry of Liquido is signed anew, a duplicate
		// is not.
		sameEvent := b.again(header)
		b.mu.Lock()
		older := at < newest[d.IdempotencyKey]
		if !dup && !older {
			newest[d.IdempotencyKey] = at
			b.status[d.IdempotencyKey] = d.TransferStatus
		}
		b.mu.Unlock()
		switch {
		case sameEvent && flaw == BreaksOnDuplicate:
			panicLike(w)
		case dup:
			answer(w, http.StatusOK, "already have it")
		case older && flaw == BreaksOnOutOfOrder:
			panicLike(w)
		case older:
			answer(w, http.StatusOK, "older than what we hold, ignored")
		default:
			answer(w, http.StatusOK, "ok")
		}
	})
}

// parseLiquidoSignature reads "algorithm=HmacSHA256,timestamp=T,signature=S".
func parseLiquidoSignature(h string) (ts, sig string) {
	for _, part := range strings.Split(h, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "timestamp":
			ts = v
		case "signature":
			sig = v
		}
	}
	return ts, sig
}

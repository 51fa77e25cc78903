// Command receiver is a minimal LiqPay callback endpoint that verifies the signature.
package main

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	privateKey := envOr("LIQPAY_PRIVATE_KEY", "sandbox_private_key")
	http.HandleFunc("/liqpay/callback", func(w http.ResponseWriter, r *http.Request) {
		// LiqPay posts a form (data, signature), not JSON.
		data, signature := r.PostFormValue("data"), r.PostFormValue("signature")
		sum := sha1.Sum([]byte(privateKey + data + privateKey)) // version 7: sha3.Sum256
		want := base64.StdEncoding.EncodeToString(sum[:])
		if subtle.ConstantTimeCompare([]byte(want), []byte(signature)) != 1 {
			http.Error(w, "bad signature", http.StatusBadRequest)
			return
		}
		var payment struct {
			OrderID string `json:"order_id"`
			Status  string `json:"status"`
		}
		raw, err := base64.StdEncoding.DecodeString(data)
		if err != nil || json.Unmarshal(raw, &payment) != nil {
			http.Error(w, "bad data", http.StatusBadRequest)
			return
		}
		// Before trusting the status, check order_id, amount and currency against your order.
		fmt.Println("verified", payment.OrderID, payment.Status)
	})
	// HOST=0.0.0.0 in a container, where mockpay calls it over the network.
	log.Fatal(http.ListenAndServe(envOr("HOST", "127.0.0.1")+":"+envOr("PORT", "9000"), nil))
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

package server

import (
	"net/http"

	"github.com/mockpay/mockpay/emulator/liqpay"
)

// decodeOnce gives every LiqPay request a place to keep its decoded data,
// so identify's decode (to file the request under its merchant) is the
// handler's too instead of a second one (docs/benchmarks.md).
func decodeOnce(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if providerOf(r.URL.Path) == "liqpay" {
			r = liqpay.WithDecodeMemo(r)
		}
		next.ServeHTTP(w, r)
	})
}

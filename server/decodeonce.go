package server

import (
	"net/http"

	"github.com/mockpay/mockpay/emulator/liqpay"
	"github.com/mockpay/mockpay/emulator/liquido"
)

// decodeOnce gives every LiqPay request a place to keep its decoded data,
// and every Liquido request one for its verified token, so identify's work
// (to file the request under its merchant) is the handler's too instead of
// being done twice (docs/benchmarks.md).
func decodeOnce(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch providerOf(r.URL.Path) {
		case "liqpay":
			r = liqpay.WithDecodeMemo(r)
		case "liquido":
			r = liquido.WithTokenMemo(r)
		}
		next.ServeHTTP(w, r)
	})
}

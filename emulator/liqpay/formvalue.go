package liqpay

import (
	"net/url"
	"os"
	"strings"
)

// formValue is url.ParseQuery(form).Get(key), without building the map of
// every pair: a LiqPay body is read for its data and signature twice per
// request (to find the merchant, then to handle it), and ParseQuery's map,
// slices and copies were 2 % of a request's CPU (docs/benchmarks.md). It
// gives the first pair named key whose name and value unescape, as
// ParseQuery keeps them; ok is false when only ParseQuery can tell (a form
// of many pairs, which ParseQuery may refuse whole under GODEBUG's
// urlmaxqueryparams).
func formValue(form, key string) (value string, ok bool) {
	if strings.Count(form, "&") >= maxFastPairs || queryParamsCapped {
		return "", false
	}
	for form != "" {
		var pair string
		pair, form, _ = strings.Cut(form, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue // ParseQuery skips these too
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(k)
		if err != nil || k != key {
			continue
		}
		if v, err = url.QueryUnescape(v); err != nil {
			continue
		}
		return v, true
	}
	return "", true
}

// queryParamsCapped: GODEBUG sets urlmaxqueryparams, under which ParseQuery
// may refuse a form whole. GODEBUG is read once, at start, as net/url does.
var queryParamsCapped = strings.Contains(os.Getenv("GODEBUG"), "urlmaxqueryparams")

// maxFastPairs is how many pairs formValue reads itself; net/url's own
// limit is 10,000.
const maxFastPairs = 64

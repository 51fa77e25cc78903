package audit

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseAmount reads an order's amount as the provider's callback carries
// it, into minor units: LiqPay in major units with up to two decimals
// ("100.50"), Liquido in minor units ("10050").
func ParseAmount(provider, s string) (int64, error) {
	bad := fmt.Errorf("amount %q is not an amount (LiqPay: 100.50, Liquido: 10050)", s)
	if provider == "liquido" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return 0, bad
		}
		return n, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return 0, bad
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || f < 0 || w > 1<<40 || w*100+f == 0 {
		return 0, bad
	}
	return w*100 + f, nil
}

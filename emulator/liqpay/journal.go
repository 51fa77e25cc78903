package liqpay

import "strings"

// MerchantOfPage names the merchant (public_key) whose page a path shows —
// the 3-D Secure page, a hosted checkout session and its steps, a payer
// page (invoice, cash, QR, prepare) or a register file — or "", for the
// control plane's journal, since a page's requests carry no key.
func (s *Server) MerchantOfPage(path string) string {
	if rest, ok := strings.CutPrefix(path, checkoutPagePath); ok {
		token, _, _ := strings.Cut(rest, "/") // {token}, {token}/confirm, {token}/cancel
		if co := s.checkouts.get(token); co != nil {
			return co.shop.merchant.PublicKey
		}
		return ""
	}
	var token string
	switch {
	case strings.HasPrefix(path, "/api/3ds/request/"):
		token = strings.TrimPrefix(path, "/api/3ds/request/")
	case strings.HasPrefix(path, "/apipay/"):
		token = path[strings.LastIndex(path, "/")+1:]
	default:
		return ""
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if sh := s.tokens[token]; sh != nil {
		return sh.merchant.PublicKey
	}
	return ""
}

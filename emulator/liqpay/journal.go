package liqpay

import "strings"

// MerchantOfPage names the merchant (public_key) whose 3-D Secure page a
// path such as /api/3ds/request/{token} shows, or "" — for the control
// plane's journal, since the page's requests carry no key.
func (s *Server) MerchantOfPage(path string) string {
	token, ok := strings.CutPrefix(path, "/api/3ds/request/")
	if !ok {
		return ""
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if sh := s.tokens[token]; sh != nil {
		return sh.merchant.PublicKey
	}
	return ""
}

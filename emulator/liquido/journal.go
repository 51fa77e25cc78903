package liquido

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
)

// MerchantOf names the merchant a request belongs to, for the control
// plane's journal, or "" when it names none: the merchant of a token it
// carries that mockpay signed (even an expired one), else the merchant whose
// x-api-key it carries, else the known client_id a token request names,
// else the merchant of a hosted page or file token in the path. Nothing
// here authenticates: it only files the request under the right merchant.
func (s *Server) MerchantOf(r *http.Request, body []byte) string {
	raw := strings.TrimSpace(r.Header.Get("Authorization"))
	if scheme, rest, ok := strings.Cut(raw, " "); ok && strings.EqualFold(scheme, "bearer") {
		raw = strings.TrimSpace(rest)
	}
	if raw != "" {
		if m, _, ok := s.verifyTokenOnce(r.Context(), raw); ok {
			return m.cfg.ClientID
		}
	}
	// s.mu guards the merchant set once merchants come and go at run time;
	// verifyToken takes it itself, so it is not held across that call.
	if key := r.Header.Get("x-api-key"); key != "" {
		s.mu.RLock()
		defer s.mu.RUnlock()
		for _, m := range s.merchants {
			if subtle.ConstantTimeCompare([]byte(key), []byte(m.cfg.APIKey)) == 1 {
				return m.cfg.ClientID
			}
		}
		return ""
	}
	if r.URL.Path == "/oauth2/token" {
		id, _, _ := r.BasicAuth()
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("client_id") != "" {
			id = form.Get("client_id")
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		if _, ok := s.byClientID[id]; ok {
			return id
		}
		return ""
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/liquido/"); ok {
		token := rest[strings.LastIndex(rest, "/")+1:]
		token = strings.TrimSuffix(token, ".pdf")
		s.mu.RLock()
		l, found := s.links[token]
		s.mu.RUnlock()
		if found {
			return l.m.cfg.ClientID
		}
	}
	return ""
}

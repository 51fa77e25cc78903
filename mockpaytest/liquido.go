package mockpaytest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// LiquidoToken is an access token of the test's Liquido merchant from
// POST /oauth2/token (client credentials), fetched once and reused, as
// Liquido's SDKs cache theirs. A new one comes with NewLiquidoToken.
func (s *Server) LiquidoToken() string {
	s.t.Helper()
	s.mu.Lock()
	tok := s.liquidoToken
	s.mu.Unlock()
	if tok != "" {
		return tok
	}
	return s.NewLiquidoToken()
}

// NewLiquidoToken asks for a fresh access token (after the clock moved past
// the old one's expiry, say).
func (s *Server) NewLiquidoToken() string {
	s.t.Helper()
	k := s.liquidoMerchant()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {k.ClientID}, "client_secret": {k.ClientSecret}}
	code, body := s.send(http.MethodPost, "/oauth2/token", "", "application/x-www-form-urlencoded", []byte(form.Encode()))
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &out); code != http.StatusOK || err != nil || out.AccessToken == "" {
		s.t.Fatalf("mockpaytest: Liquido token: HTTP %d %s", code, body)
	}
	s.mu.Lock()
	s.liquidoToken = out.AccessToken
	s.mu.Unlock()
	return out.AccessToken
}

// Liquido sends one authenticated Liquido API request (Bearer token and
// x-api-key, as the SDKs do) with body as JSON (nil: none) and returns the
// HTTP status and the decoded JSON answer. Liquido's 4xx answers are
// returned, not failures; a transport failure or a non-JSON answer fails
// the test.
func (s *Server) Liquido(method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	var raw []byte
	if body != nil {
		raw = s.jsonBody(body)
	}
	req, err := http.NewRequest(method, s.base+"/"+strings.TrimLeft(path, "/"), strings.NewReader(string(raw)))
	if err != nil {
		s.t.Fatalf("mockpaytest: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+s.LiquidoToken())
	req.Header.Set("x-api-key", s.liquidoMerchant().APIKey)
	resp, err := s.http.Do(req)
	if err != nil {
		s.t.Fatalf("mockpaytest: Liquido %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		s.t.Fatalf("mockpaytest: Liquido %s %s: HTTP %d, answer is not JSON: %v", method, path, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

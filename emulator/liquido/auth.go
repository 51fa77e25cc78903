package liquido

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Liquido's tokens come from an AWS Cognito /oauth2/token endpoint (client
// credentials grant) and are checked by API Gateway's Cognito authorizer
// (reference §2). mockpay issues JWT-shaped tokens of the same form, signed
// with HS256 under a key derived from the merchant's client_secret instead of
// Cognito's RS256 — no client verifies the signature itself, and deriving the
// key keeps a token bound to its merchant without state.

// tokenKey is the HS256 key of a merchant's tokens.
func tokenKey(secret string) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("mockpay liquido access token v1"))
	return mac.Sum(nil)
}

// claims are the documented sample token's (reference §2.1).
type claims struct {
	Sub      string `json:"sub"`
	TokenUse string `json:"token_use"`
	Scope    string `json:"scope"`
	AuthTime int64  `json:"auth_time"`
	Iss      string `json:"iss"`
	Exp      int64  `json:"exp"`
	Iat      int64  `json:"iat"`
	Version  int    `json:"version"`
	Jti      string `json:"jti"`
	ClientID string `json:"client_id"`
}

type tokenHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

const (
	tokenIssuer = "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_mockpay"
	tokenScope  = "https://api-qa.liquido.com/v1/payments/charges/ALL"
)

var b64 = base64.RawURLEncoding

// handleToken is POST /oauth2/token: client credentials in the form (or as
// HTTP Basic, which Cognito also takes) give a Bearer token. Errors are
// Cognito's {"error": …} with HTTP 400, checked in this order: a form that
// cannot be read or has no grant_type (invalid_request), another grant type
// (unsupported_grant_type), missing or wrong client credentials
// (invalid_client — RFC 6749 §5.2 includes "no client authentication").
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	form, ok := readForm(w, r)
	if !ok {
		s.writeError(w, r, time.Time{}, errOAuth(oauthInvalidRequest))
		return
	}
	switch grant := form.Get("grant_type"); {
	case grant == "":
		s.writeError(w, r, time.Time{}, errOAuth(oauthInvalidRequest))
		return
	case grant != "client_credentials":
		s.writeError(w, r, time.Time{}, errOAuth(oauthUnsupportedGrantType))
		return
	}
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if bid, bsecret, ok := r.BasicAuth(); ok {
		if id != "" && id != bid {
			// Two different clients in one request.
			s.writeError(w, r, time.Time{}, errOAuth(oauthInvalidRequest))
			return
		}
		id, secret = bid, bsecret
	}
	m := s.merchantFor(id)
	if m == nil || subtle.ConstantTimeCompare([]byte(secret), []byte(m.cfg.ClientSecret)) != 1 {
		s.writeError(w, r, time.Time{}, errOAuth(oauthInvalidClient))
		return
	}
	token := s.issueToken(m)
	body := encode(struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}{token, int64(s.opts.TokenTTL / time.Second), "Bearer"}, nil)
	w.Header().Set("Content-Type", jsonType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	s.log.Info("liquido token issued", "client_id", m.cfg.ClientID)
}

// readForm reads the token request's form body. The SDK sends
// application/x-www-form-urlencoded; a request without a Content-Type is read
// the same way, anything else is refused.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, false
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	return form, err == nil
}

// issueToken signs a fresh access token for m, valid for TokenTTL of m's
// virtual time.
func (s *Server) issueToken(m *merchant) string {
	jti, now := func() (string, time.Time) {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.uuid(), m.tenant.Clock.Now()
	}()
	id := m.cfg.ClientID
	kid := sha256.Sum256([]byte(id))
	header, _ := json.Marshal(tokenHeader{Alg: "HS256", Kid: "mockpay-" + hex.EncodeToString(kid[:8]), Typ: "JWT"})
	payload, _ := json.Marshal(claims{
		Sub: id, TokenUse: "access", Scope: tokenScope, AuthTime: now.Unix(), Iss: tokenIssuer,
		Iat: now.Unix(), Exp: now.Add(s.opts.TokenTTL).Unix(), Version: 2, Jti: jti, ClientID: id,
	})
	signed := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	return signed + "." + b64.EncodeToString(sign(m.tokenKey, signed))
}

func sign(key []byte, s string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(s))
	return mac.Sum(nil)
}

// authenticate finds the merchant a request is from. The token comes first
// (401 when missing, malformed, not signed by a merchant's key, or expired
// on that merchant's virtual clock), then the x-api-key, which must be that
// same merchant's (403 otherwise — also for another merchant's valid key:
// the credentials of two merchants never combine).
func (s *Server) authenticate(r *http.Request) (*merchant, *apiError) {
	raw := strings.TrimSpace(r.Header.Get("Authorization"))
	// The docs write "bearer" + " " + token, so the scheme is matched
	// without regard to case; the official PHP SDK sends the bare token on
	// charges (PayInClient::requestPayIn), which Cognito authorizers take.
	if scheme, rest, ok := strings.Cut(raw, " "); ok && strings.EqualFold(scheme, "bearer") {
		raw = strings.TrimSpace(rest)
	}
	if raw == "" {
		return nil, errUnauthorized()
	}
	m, cl, ok := s.verifiedToken(r.Context(), raw)
	if !ok {
		return nil, errUnauthorized()
	}
	if !m.tenant.Clock.Now().Before(time.Unix(cl.Exp, 0)) {
		return nil, errTokenExpired()
	}
	key := r.Header.Get("x-api-key")
	if key == "" || subtle.ConstantTimeCompare([]byte(key), []byte(m.cfg.APIKey)) != 1 {
		return nil, errForbidden()
	}
	return m, nil
}

// verifyToken checks a token's form and signature and finds its merchant.
func (s *Server) verifyToken(token string) (*merchant, claims, bool) {
	if t, ok := s.tokens.get(token); ok && s.merchantFor(t.cl.ClientID) == t.m {
		return t.m, t.cl, true
	}
	m, cl, ok := s.verifyTokenText(token)
	if ok {
		s.tokens.put(token, verifiedToken{m: m, cl: cl})
	}
	return m, cl, ok
}

// verifyTokenText checks a token's shape, signature and claims.
func (s *Server) verifyTokenText(token string) (*merchant, claims, bool) {
	var cl claims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, cl, false
	}
	var h tokenHeader
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &h) != nil || h.Alg != "HS256" {
		return nil, cl, false
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(pb, &cl) != nil {
		return nil, cl, false
	}
	m := s.merchantFor(cl.ClientID)
	if m == nil {
		return nil, cl, false
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, sign(m.tokenKey, parts[0]+"."+parts[1])) {
		return nil, cl, false
	}
	if cl.TokenUse != "access" || cl.Sub != cl.ClientID {
		return nil, cl, false
	}
	return m, cl, true
}

package e2e

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liquidotest"
)

// lqClaims decodes an access token's payload (reference §2.1: a JWT).
func lqClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not header.payload.signature", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("token payload: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatalf("token payload: %v", err)
	}
	return claims
}

func TestLiquidoTokens(t *testing.T) {
	t.Parallel()
	second, expiring := lqNamed("lq-auth-second"), lqNamed("lq-auth-expiring")
	s := lqStart(t, second, expiring)

	t.Run("issued for client credentials", func(t *testing.T) {
		t.Parallel()
		basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(lqDefault.id+":"+lqDefault.secret))
		for _, tc := range []struct {
			name   string
			form   url.Values
			header http.Header
		}{
			{"in the form, as the SDK sends them", lqCredentials(lqDefault), nil},
			{"as HTTP Basic, as Cognito also takes them", url.Values{"grant_type": {"client_credentials"}}, http.Header{"Authorization": {basic}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := s.now(t, lqDefault).Unix()
				r := s.tokenRequest(t, tc.form, tc.header)
				after := s.now(t, lqDefault).Unix()
				lqReplyDiff(t, "token", r, http.StatusOK, `{"access_token":"<varies>","expires_in":3600,"token_type":"Bearer"}`, "access_token")
				if cc := r.header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control %q, want no-store", cc)
				}
				tok, _ := r.json(t)["access_token"].(string)
				claims := lqClaims(t, tok)
				iat, _ := claims["iat"].(float64)
				if int64(iat) < before || int64(iat) > after {
					t.Errorf("iat %v is not the merchant's virtual time (%d…%d)", claims["iat"], before, after)
				}
				for k, want := range map[string]any{"client_id": lqDefault.id, "sub": lqDefault.id, "token_use": "access",
					"scope": "https://api-qa.liquido.com/v1/payments/charges/ALL", "exp": iat + 3600} {
					if claims[k] != want {
						t.Errorf("claim %s = %v, want %v", k, claims[k], want)
					}
				}
				if r := s.send(t, http.MethodGet, "/v1/payments/charges/pse/banks", nil, lqAuth(tok, lqDefault)); r.code != http.StatusOK {
					t.Errorf("using the token: HTTP %d %s", r.code, r.body)
				}
			})
		}
	})

	t.Run("expire after 3600 s of the merchant's virtual time", func(t *testing.T) {
		t.Parallel()
		tok := s.newToken(t, expiring)
		exp := time.Unix(int64(lqClaims(t, tok)["exp"].(float64)), 0)
		otherToken := s.newToken(t, second)
		// Up to five seconds before exp, leaving room for real time passing.
		s.advance(t, expiring, (exp.Sub(s.now(t, expiring)) - 5*time.Second).String())
		if r := s.send(t, http.MethodGet, "/v1/payments/charges/pse/banks", nil, lqAuth(tok, expiring)); r.code != http.StatusOK {
			t.Fatalf("5 s before exp: HTTP %d %s", r.code, r.body)
		}
		s.advance(t, expiring, "5s")
		r := s.send(t, http.MethodGet, "/v1/payments/charges/pse/banks", nil, lqAuth(tok, expiring))
		lqReplyDiff(t, "at exp", r, http.StatusUnauthorized, lqExpired)
		if got := r.header.Get("x-amzn-ErrorType"); got != "UnauthorizedException" {
			t.Errorf("x-amzn-ErrorType %q", got)
		}
		// A new token works; another merchant's clock did not move.
		if r := s.send(t, http.MethodGet, "/v1/payments/charges/pse/banks", nil, lqAuth(s.newToken(t, expiring), expiring)); r.code != http.StatusOK {
			t.Errorf("a new token: HTTP %d %s", r.code, r.body)
		}
		if r := s.send(t, http.MethodGet, "/v1/payments/charges/pse/banks", nil, lqAuth(otherToken, second)); r.code != http.StatusOK {
			t.Errorf("another merchant's token issued at the same time: HTTP %d %s", r.code, r.body)
		}
	})

	t.Run("token endpoint errors", func(t *testing.T) {
		t.Parallel()
		form := func(kv ...string) url.Values {
			return liquidotest.TokenForm(lqDefault.id, lqDefault.secret, kv...)
		}
		basic := func(id, secret string) http.Header {
			return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))}}
		}
		for _, tc := range []struct {
			name   string
			form   url.Values
			header http.Header
			want   string
		}{
			{"no grant_type", form("grant_type", ""), nil, `{"error":"invalid_request"}`},
			{"another grant type", form("grant_type", "password"), nil, `{"error":"unsupported_grant_type"}`},
			{"no client_id", form("client_id", ""), nil, `{"error":"invalid_client"}`},
			{"an unknown client_id", form("client_id", "nobody"), nil, `{"error":"invalid_client"}`},
			{"a wrong secret", form("client_secret", "guess"), nil, `{"error":"invalid_client"}`},
			{"no secret", form("client_secret", ""), nil, `{"error":"invalid_client"}`},
			{"another merchant's secret", form("client_secret", second.secret), nil, `{"error":"invalid_client"}`},
			{"a JSON body", nil, http.Header{"Content-Type": {"application/json"}}, `{"error":"invalid_request"}`},
			{"Basic with a wrong secret", url.Values{"grant_type": {"client_credentials"}}, basic(lqDefault.id, "guess"), `{"error":"invalid_client"}`},
			{"Basic for another client than the form", form(), basic(second.id, second.secret), `{"error":"invalid_request"}`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				lqReplyDiff(t, "token", s.tokenRequest(t, tc.form, tc.header), http.StatusBadRequest, tc.want)
			})
		}
	})

	t.Run("API calls need a token and the same merchant's x-api-key", func(t *testing.T) {
		t.Parallel()
		tok, secondTok := s.token(t, lqDefault), s.token(t, second)
		parts := strings.Split(tok, ".")
		// The second merchant's claims under the default merchant's signature.
		claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
		forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.ReplaceAll(string(claims), lqDefault.id, second.id))) + "." + parts[2]
		unsigned := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
		const (
			unauthorized = `{"message":"Unauthorized"}`
			forbidden    = `{"message":"Forbidden"}`
		)
		for _, tc := range []struct {
			name, authorization, apiKey string
			code                        int
			want, errorType             string
		}{
			{"no Authorization", "", lqDefault.apiKey, 401, unauthorized, "UnauthorizedException"},
			{"no Authorization and no x-api-key", "", "", 401, unauthorized, "UnauthorizedException"},
			{"an empty bearer", "Bearer ", lqDefault.apiKey, 401, unauthorized, "UnauthorizedException"},
			{"not a JWT", "Bearer abc", lqDefault.apiKey, 401, unauthorized, "UnauthorizedException"},
			{"garbage segments", "Bearer a.b.c", lqDefault.apiKey, 401, unauthorized, "UnauthorizedException"},
			{"a tampered signature", "Bearer " + parts[0] + "." + parts[1] + ".AAAA", lqDefault.apiKey, 401, unauthorized, "UnauthorizedException"},
			{"an unsigned token", "Bearer " + unsigned, lqDefault.apiKey, 401, unauthorized, "UnauthorizedException"},
			{"another merchant's claims, signed by the first", "Bearer " + forged, second.apiKey, 401, unauthorized, "UnauthorizedException"},
			{"the Basic scheme", "Basic " + tok, lqDefault.apiKey, 401, unauthorized, "UnauthorizedException"},
			{"a valid token, no x-api-key", "Bearer " + tok, "", 403, forbidden, "ForbiddenException"},
			{"a valid token, a wrong x-api-key", "Bearer " + tok, "nope", 403, forbidden, "ForbiddenException"},
			{"the default merchant's token, the second's x-api-key", "Bearer " + tok, second.apiKey, 403, forbidden, "ForbiddenException"},
			{"the second merchant's token, the default's x-api-key", "Bearer " + secondTok, lqDefault.apiKey, 403, forbidden, "ForbiddenException"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				h := http.Header{}
				if tc.authorization != "" {
					h.Set("Authorization", tc.authorization)
				}
				if tc.apiKey != "" {
					h.Set("X-Api-Key", tc.apiKey)
				}
				// A valid charge: the gateway refuses it before the API sees it.
				r := s.send(t, http.MethodPost, "/v1/payments/charges/card", lqCard(lqKey(t, ""), "BR", "4242424242424242"), h)
				lqReplyDiff(t, "charge", r, tc.code, tc.want)
				if got := r.header.Get("x-amzn-ErrorType"); got != tc.errorType {
					t.Errorf("x-amzn-ErrorType %q, want %q", got, tc.errorType)
				}
				// And an invalid one: authentication comes first.
				r = s.send(t, http.MethodPost, "/v1/payments/charges/card", `{`, h)
				lqReplyDiff(t, "invalid charge", r, tc.code, tc.want)
				// Nothing was charged, at either merchant.
				for _, m := range []lqMerchant{lqDefault, second} {
					if r := s.call(t, m, http.MethodGet, "/v1/payments/charges/"+url.PathEscape(lqKey(t, "")), nil); r.code != http.StatusNotFound {
						t.Errorf("a refused request left a payment at %s: HTTP %d %s", m.id, r.code, r.body)
					}
				}
			})
		}
	})

	t.Run("the bearer scheme is matched leniently", func(t *testing.T) {
		t.Parallel()
		tok := s.token(t, lqDefault)
		// The docs write "bearer"; the PHP SDK sends the bare token (reference §2.2).
		var codes []int
		for _, auth := range []string{"Bearer " + tok, "bearer " + tok, "BEARER  " + tok, tok} {
			r := s.send(t, http.MethodGet, "/v1/payments/charges/pse/banks", nil, http.Header{"Authorization": {auth}, "X-Api-Key": {lqDefault.apiKey}})
			codes = append(codes, r.code)
		}
		if diff := cmp.Diff([]int{200, 200, 200, 200}, codes); diff != "" {
			t.Errorf("Bearer, bearer, BEARER, bare (-want +got):\n%s", diff)
		}
	})
}

package liquido_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liquidotest"
)

func TestTokenIsIssuedForClientCredentials(t *testing.T) {
	e := newEnv(t)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(merchantA.id+":"+merchantA.secret))
	tests := []struct {
		name   string
		form   url.Values
		header http.Header
	}{
		{"form fields, as the SDK sends them", url.Values{"grant_type": {"client_credentials"}, "client_id": {merchantA.id}, "client_secret": {merchantA.secret}}, nil},
		{"HTTP Basic client authentication", url.Values{"grant_type": {"client_credentials"}}, http.Header{"Authorization": {basic}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.tokenRequest(tc.form, tc.header)
			if code != http.StatusOK {
				t.Fatalf("HTTP %d: %s", code, body)
			}
			var got struct {
				AccessToken string `json:"access_token"`
				ExpiresIn   int    `json:"expires_in"`
				TokenType   string `json:"token_type"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.ExpiresIn != 3600 || got.TokenType != "Bearer" {
				t.Errorf("expires_in %d, token_type %q; want 3600, Bearer", got.ExpiresIn, got.TokenType)
			}
			parts := strings.Split(got.AccessToken, ".")
			if len(parts) != 3 {
				t.Fatalf("token %q is not header.payload.signature", got.AccessToken)
			}
			raw, err := base64.RawURLEncoding.DecodeString(parts[1])
			if err != nil {
				t.Fatal(err)
			}
			var claims map[string]any
			if err := json.Unmarshal(raw, &claims); err != nil {
				t.Fatal(err)
			}
			for k, want := range map[string]any{"client_id": merchantA.id, "sub": merchantA.id, "token_use": "access",
				"iat": float64(t0.Unix()), "exp": float64(t0.Add(time.Hour).Unix())} {
				if claims[k] != want {
					t.Errorf("claim %s = %v, want %v", k, claims[k], want)
				}
			}
			// The token works.
			code, body = e.callWith(http.MethodGet, "/v1/payments/charges/pse/banks", nil,
				http.Header{"Authorization": {"Bearer " + got.AccessToken}, "X-Api-Key": {merchantA.apiKey}})
			if code != http.StatusOK {
				t.Fatalf("using the token: HTTP %d %s", code, body)
			}
		})
	}
}

func TestTokenExpiresAfter3600SecondsOfVirtualTime(t *testing.T) {
	e := newEnv(t)
	tok := e.token(merchantA)
	header := http.Header{"Authorization": {"Bearer " + tok}, "X-Api-Key": {merchantA.apiKey}}
	e.advance(merchantA, 3599*time.Second)
	if code, body := e.callWith(http.MethodGet, "/v1/payments/charges/pse/banks", nil, header); code != http.StatusOK {
		t.Fatalf("after 3599 s: HTTP %d %s", code, body)
	}
	e.advance(merchantA, time.Second)
	code, body := e.callWith(http.MethodGet, "/v1/payments/charges/pse/banks", nil, header)
	if diff := cmp.Diff("401 "+`{"message":"The incoming token has expired"}`, statusBody(code, body)); diff != "" {
		t.Fatalf("after 3600 s (-want +got):\n%s", diff)
	}
	// Merchant B's clock did not move: its tokens are unaffected.
	if code, body := e.call(merchantB, http.MethodGet, "/v1/payments/charges/pse/banks", nil); code != http.StatusOK {
		t.Fatalf("merchant B: HTTP %d %s", code, body)
	}
}

// statusBody is "STATUS BODY", for comparing error answers exactly.
func statusBody(code int, body []byte) string {
	return strconv.Itoa(code) + " " + strings.TrimSpace(string(body))
}

func TestTokenEndpointErrors(t *testing.T) {
	e := newEnv(t)
	ok := func(kv ...string) url.Values {
		return liquidotest.TokenForm(merchantA.id, merchantA.secret, kv...)
	}
	tests := []struct {
		name   string
		form   url.Values
		header http.Header
		want   string
	}{
		{"no grant_type", ok("grant_type", ""), nil, `400 {"error":"invalid_request"}`},
		{"another grant type", ok("grant_type", "password"), nil, `400 {"error":"unsupported_grant_type"}`},
		{"no client_id", ok("client_id", ""), nil, `400 {"error":"invalid_client"}`},
		{"unknown client_id", ok("client_id", "nobody"), nil, `400 {"error":"invalid_client"}`},
		{"wrong secret", ok("client_secret", "guess"), nil, `400 {"error":"invalid_client"}`},
		{"no secret", ok("client_secret", ""), nil, `400 {"error":"invalid_client"}`},
		{"another merchant's secret", ok("client_secret", merchantB.secret), nil, `400 {"error":"invalid_client"}`},
		{"JSON instead of a form", nil, http.Header{"Content-Type": {"application/json"}}, `400 {"error":"invalid_request"}`},
		{"Basic for another client than the form", ok(), http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(merchantB.id+":"+merchantB.secret))}}, `400 {"error":"invalid_request"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.tokenRequest(tc.form, tc.header)
			if diff := cmp.Diff(tc.want, statusBody(code, body)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAPICallsNeedATokenAndTheSameMerchantsAPIKey(t *testing.T) {
	e := newEnv(t)
	tokA, tokB := e.token(merchantA), e.token(merchantB)
	parts := strings.Split(tokA, ".")
	// A token claiming to be B but signed with A's key.
	forged := func() string {
		raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
		s := strings.ReplaceAll(string(raw), merchantA.id, merchantB.id)
		return parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(s)) + "." + parts[2]
	}()
	const (
		unauthorized = `401 {"message":"Unauthorized"}`
		forbidden    = `403 {"message":"Forbidden"}`
	)
	tests := []struct {
		name          string
		authorization string
		apiKey        string
		want          string
	}{
		{"no Authorization", "", merchantA.apiKey, unauthorized},
		{"no Authorization and no key", "", "", unauthorized},
		{"empty bearer", "Bearer ", merchantA.apiKey, unauthorized},
		{"not a JWT", "Bearer abc", merchantA.apiKey, unauthorized},
		{"garbage segments", "Bearer a.b.c", merchantA.apiKey, unauthorized},
		{"signature tampered", "Bearer " + parts[0] + "." + parts[1] + ".AAAA", merchantA.apiKey, unauthorized},
		{"claims of another merchant, signed by A", "Bearer " + forged, merchantB.apiKey, unauthorized},
		{"Basic scheme", "Basic " + tokA, merchantA.apiKey, unauthorized},
		{"valid token, no x-api-key", "Bearer " + tokA, "", forbidden},
		{"valid token, wrong x-api-key", "Bearer " + tokA, "nope", forbidden},
		{"A's token with B's x-api-key", "Bearer " + tokA, merchantB.apiKey, forbidden},
		{"B's token with A's x-api-key", "Bearer " + tokB, merchantA.apiKey, forbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.authorization != "" {
				h.Set("Authorization", tc.authorization)
			}
			if tc.apiKey != "" {
				h.Set("X-Api-Key", tc.apiKey)
			}
			code, body := e.callWith(http.MethodPost, "/v1/payments/charges/card", cardCharge("auth-"+tc.name, "BR", "4242424242424242"), h)
			if diff := cmp.Diff(tc.want, statusBody(code, body)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	// None of those requests made a payment.
	for _, m := range []merchant{merchantA, merchantB} {
		code, _ := e.call(m, http.MethodGet, "/v1/payments/charges/auth-A's token with B's x-api-key", nil)
		if code != http.StatusNotFound {
			t.Errorf("%s: a refused request left a payment (HTTP %d)", m.id, code)
		}
	}
}

func TestAuthorizationSchemeIsLenient(t *testing.T) {
	e := newEnv(t)
	tok := e.token(merchantA)
	// The docs write "bearer"; the official PHP SDK sends the bare token on
	// charges (reference §2.2).
	for _, auth := range []string{"Bearer " + tok, "bearer " + tok, "BEARER  " + tok, tok} {
		code, body := e.callWith(http.MethodGet, "/v1/payments/charges/pse/banks", nil,
			http.Header{"Authorization": {auth}, "X-Api-Key": {merchantA.apiKey}})
		if code != http.StatusOK {
			t.Errorf("Authorization %.20q…: HTTP %d %s", auth, code, body)
		}
	}
}

func TestGatewayErrorsCarryTheirErrorType(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/v1/payments/charges/x", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("x-amzn-ErrorType"); got != "UnauthorizedException" {
		t.Errorf("x-amzn-ErrorType = %q", got)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
}

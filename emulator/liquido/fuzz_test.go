package liquido

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/tenant"
	"github.com/mockpay/mockpay/scenarios"
)

// FuzzChargeDecoder throws arbitrary bodies at the charge decoder and
// validator, then at the whole card-charge pipeline. Neither may panic; the
// decoder either accepts a request that is really valid or refuses it with a
// well-formed 400; the pipeline always answers a JSON object with a status
// it documents.
func FuzzChargeDecoder(f *testing.F) {
	seeds := []string{
		`{"idempotencyKey":"k1","amount":10000,"currency":"BRL","country":"BR","paymentMethod":"CREDIT_CARD","paymentFlow":"DIRECT","payer":{"name":"Ana"},"card":{"cardHolderName":"ANA","cardNumber":"4242424242424242","expirationMonth":"06","expirationYear":"2029","cvc":"123"}}`,
		`{"idempotencyKey":"k2","amount":"300","currency":"COP","country":"CO","paymentMethod":"CARD","paymentFlow":"DIRECT","payer":{"document":{"documentId":"1","type":"CC"}},"card":{"cardHolderName":"A","cardNumber":"4000001240000000","expirationMonth":06,"expirationYear":29,"cvc":123},"installments":"3"}`,
		`{"idempotencyKey":"k3","amount":1e3,"currency":"MXN","country":"MX","paymentMethod":"DEBIT_CARD","paymentFlow":"REDIRECT","payer":{},"merchantRedirectInfo":{"merchantPageUrl":"https://x.example"},"capture":false}`,
		`{"idempotencyKey":"k4","amount":10000,"currency":"BRL","country":"BR","paymentMethod":"CREDIT_CARD","paymentFlow":"DIRECT","payer":{},"cardId":"nope","card3dsInfo":{"use3ds":true,"merchantSite3ds":"https://x"}}`,
		`{"idempotencyKey":"k5","amount":-00012,"currency":null,"country":[],"payer":"x","card":{"expirationMonth":{}}}`,
		`{"description":"finalStatus=FAILED;asyncFinalizationDelay=99999999999999999999;","expirationInfo":{"expiresAt":9223372036854775807}}`,
		// Unix times with a fraction, as JavaScript's Date.now()/1000 gives (accepted, truncated).
		`{"idempotencyKey":"k6","amount":150000,"currency":"BRL","country":"BR","paymentMethod":"PIX_DYNAMIC_QR","payer":{},"expirationInfo":{"expiresAt":1709298000.789}}`,
		`{"idempotencyKey":"k7","amount":150000,"currency":"BRL","country":"BR","paymentMethod":"BOLETO","payer":{"document":{"documentId":"42243309114","type":"CPF"}},"paymentTerm":{"paymentDeadline":"1709600000.5","dueDate":1.7096e9}}`,
		`{"idempotencyKey":"k8","amount":1500.5,"currency":"CLP","country":"CL","paymentMethod":"WEB_PAY","payer":{"document":{"documentId":"12.345.678-5","type":"RUT"}},"webPay":{"redirectUrl":"https://x.example"},"paymentProposalInfo":{"proposalId":"p"}}`,
		`[]`, `{}`, `"\u0000"`, `{"amount":123456789012345678901234567890}`, `{"a":"\ud800"}`,
	}
	for _, s := range seeds {
		for a := range byte(len(chargeActions)) {
			f.Add([]byte(s), a)
		}
	}
	h, token := fuzzServer(f)
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, which byte) {
		a := chargeActions[int(which)%len(chargeActions)]

		// The decoder and validator alone.
		in, e := func() (*chargeRequest, *apiError) {
			m, e := decodeObject(body)
			if e != nil {
				return nil, e
			}
			return readCharge(a, m, now)
		}()
		switch {
		case e != nil:
			if e.status != http.StatusBadRequest || e.shape != shapeSpring || e.message == "" {
				t.Fatalf("refusal %+v is not a Spring 400", e)
			}
			checkObject(t, e.encode("/v1/payments/charges/"+string(a), now), "status", "error", "message", "path", "timestamp")
		case in == nil:
			t.Fatal("neither a request nor an error")
		default:
			if !validKey(in.key) || in.amount <= 0 || in.amount > maxAmount || !slices.Contains(methodRules[a].methods, in.method) {
				t.Fatalf("accepted an invalid request: %+v", in)
			}
			if _, ok := countries[in.country]; !ok {
				t.Fatalf("accepted country %q", in.country)
			}
			if in.card != nil && !digits(in.card.pan, 12, 19) {
				t.Fatalf("accepted card number %q", in.card.pan)
			}
		}

		// The whole pipeline.
		req := httptest.NewRequest(http.MethodPost, "/v1/payments/charges/"+string(a), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("x-api-key", config.DefaultLiquidoAPIKey)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			checkObject(t, rec.Body.Bytes(), "transferStatus", "idempotencyKey", "transferStatusCode")
		case http.StatusBadRequest, http.StatusConflict:
			checkObject(t, rec.Body.Bytes(), "status", "error", "message", "path", "timestamp")
		default:
			t.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
		}
	})
}

// fuzzServer is the emulator alone, without the recover middleware, so a
// panic anywhere fails the fuzz run; it returns a valid token too.
func fuzzServer(tb testing.TB) (http.Handler, string) {
	reg := tenant.NewRegistry(1, func() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC) })
	tb.Cleanup(reg.Close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := scenarios.NewEngine(log, []scenarios.Vocabulary{Vocabulary()})
	if err := engine.AddDefaults("default:liquido", TestCardScenarios()); err != nil {
		tb.Fatal(err)
	}
	s := New(Options{Merchants: config.Default().LiquidoMerchants(), Tenants: reg, Logger: log, Scenarios: engine})
	r := mux.NewRouter()
	s.Routes(r)
	return r, s.issueToken(s.byClientID[config.DefaultLiquidoClientID])
}

func checkObject(t *testing.T, b []byte, keys ...string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not a JSON object: %v: %s", err, b)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Fatalf("no %q in %s", k, b)
		}
	}
}

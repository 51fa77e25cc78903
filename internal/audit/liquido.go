package audit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/mockpay/mockpay/emulator/liquido"
	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/internal/config"
)

const jsonType = "application/json"

// staleAge is how old the stale case's timestamp is: far beyond the few
// minutes of clock skew a receiver may allow.
const staleAge = time.Hour

func (c *Config) liquidoDefaults() error {
	if c.Merchant == "" {
		c.Merchant = config.DefaultLiquidoClientID
	}
	if c.Secret == "" {
		c.Secret = config.DefaultLiquidoClientSecret
	}
	if c.Currency == "" {
		c.Currency = "BRL"
	}
	return nil
}

// liquidoCases is the Liquido battery. Every callback is the body mockpay's
// Liquido sends (liquido.CallbackBody: {eventType, data: {chargeDetails}}),
// POSTed as JSON with the Liquido-Signature header (liquido.Sign, reference
// liquido.md §15).
func liquidoCases(c Config) ([]kase, error) {
	foreign, err := foreignKey()
	if err != nil {
		return nil, err
	}
	now := c.Now()
	payment := func(key string, st liquido.Status, created time.Time) *liquido.Payment {
		p := &liquido.Payment{
			Key: key, PaymentCommon: &liquido.PaymentCommon{Method: liquido.MethodCreditCard, Flow: "DIRECT",
				Currency: c.Currency, Country: "BR", FinalCurrency: c.Currency},
			Status: st, Code: 200, Amount: c.Amount, FinalAmount: c.Amount,
			Created: clock.StampAt(created), Payer: json.RawMessage(`{"name":"mockpay audit","email":"audit@example.com"}`),
			Description: "mockpay receiver audit",
		}
		if st == liquido.StatusFailed {
			p.Code, p.ErrMsg = 400, "card declined"
		}
		if st != liquido.StatusInProgress {
			p.Finished = clock.StampAt(created.Add(30 * time.Second))
		}
		return p
	}
	body := func(p *liquido.Payment, ev liquido.Event) ([]byte, error) { return liquido.CallbackBody(p, ev) }
	signed := func(b []byte, secret string, at time.Time) send {
		return send{contentType: jsonType, body: b, header: http.Header{"Liquido-Signature": {liquido.Sign(secret, b, at.Unix())}}}
	}

	genuine, err := body(payment(c.Order, liquido.StatusSettled, now.Add(-time.Minute)), liquido.EventChargeSucceeded)
	if err != nil {
		return nil, err
	}
	valid := signed(genuine, c.Secret, now)
	other, err := body(payment(c.Order+"-other", liquido.StatusSettled, now.Add(-time.Minute)), liquido.EventChargeSucceeded)
	if err != nil {
		return nil, err
	}
	older, err := body(payment(c.Order, liquido.StatusFailed, now.Add(-3*time.Minute)), liquido.EventChargeFailed)
	if err != nil {
		return nil, err
	}
	chargedBack, err := body(payment(c.Order, liquido.StatusChargedBack, now.Add(-time.Minute)), liquido.EventChargeChargedBack)
	if err != nil {
		return nil, err
	}
	asForm, err := flatForm(genuine)
	if err != nil {
		return nil, err
	}

	return []kase{
		{id: "valid", kind: Must, expect: accepted, title: "a genuine CHARGE_SUCCEEDED (SETTLED) for the order",
			safe:  "accepts it (2xx) once the signature and the order's amount and currency check out",
			sends: []send{valid}},
		{id: "wrong-signature", kind: Must, expect: refused, title: "the same body with a wrong signature",
			safe:  "recomputes HMAC-SHA256(client_secret, \"payload=<raw body>,timestamp=<ts>\") and refuses a mismatch (4xx)",
			sends: []send{signed(genuine, "not-"+c.Secret, now)}},
		{id: "foreign-key", kind: Must, expect: refused, title: "a callback signed with another merchant's client_secret",
			safe:  "verifies with its own client_secret only and refuses (4xx)",
			sends: []send{signed(genuine, foreign, now)}},
		{id: "missing-signature", kind: Must, expect: refused, title: "the body without a Liquido-Signature header",
			safe:  "refuses a callback with no signature (4xx)",
			sends: []send{{contentType: jsonType, body: genuine}}},
		{id: "wrong-encoding", kind: Must, expect: refused, title: "the callback re-encoded as a form, with the genuine JSON's signature",
			safe:  "verifies the signature over the raw body as received (Liquido posts JSON) and refuses this (4xx)",
			sends: []send{{contentType: formType, body: asForm, header: valid.header}}},
		{id: "replay-other-order", kind: Advice, expect: survives, title: "a genuine callback of another order",
			safe:  "takes idempotencyKey, amount and currency from the verified body and checks them against its own order; an unknown one changes nothing",
			sends: []send{signed(other, c.Secret, now)}},
		{id: "stale-timestamp", kind: Advice, expect: survives, title: fmt.Sprintf("a genuine callback whose signature timestamp is %s old", staleAge),
			safe:  "refuses (4xx) or ignores a timestamp far from its clock, so a captured callback cannot be replayed later",
			sends: []send{signed(genuine, c.Secret, now.Add(-staleAge))}},
		{id: "duplicate", kind: Advice, expect: survives, title: "the genuine callback again, twice",
			safe:  "is idempotent: a repeat of a status it already holds changes nothing and is answered 2xx",
			sends: []send{valid, valid}},
		{id: "out-of-order", kind: Advice, expect: survives, title: "SETTLED, then an older CHARGE_FAILED of the same payment",
			safe: "keeps SETTLED: it compares the signature timestamps and never replaces a final status with an older one",
			// The SETTLED one is a retry (signed a minute later than the
			// earlier attempt): Liquido signs each attempt anew.
			sends: []send{signed(genuine, c.Secret, now.Add(-time.Minute)), signed(older, c.Secret, now.Add(-2*time.Minute))}},
		{id: "unknown-status-CHARGED_BACK", kind: Advice, expect: survives, title: "CHARGE_CHARGED_BACK (CHARGED_BACK)",
			safe:  "treats a status it does not handle as needing a person: logs it, marks the order for review, answers 2xx",
			sends: []send{signed(chargedBack, c.Secret, now)}},
	}, nil
}

// flatForm turns a Liquido callback into the form a careless receiver
// reads: eventType and chargeDetails' scalar fields as form fields.
func flatForm(body []byte) ([]byte, error) {
	var cb struct {
		EventType string `json:"eventType"`
		Data      struct {
			ChargeDetails map[string]any `json:"chargeDetails"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return nil, err
	}
	v := url.Values{"eventType": {cb.EventType}}
	for k, x := range cb.Data.ChargeDetails {
		switch x := x.(type) {
		case string:
			v.Set(k, x)
		case float64, bool:
			v.Set(k, fmt.Sprint(x))
		}
	}
	return []byte(v.Encode()), nil
}

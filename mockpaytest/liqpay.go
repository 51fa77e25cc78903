package mockpaytest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// SignLiqPay encodes params as LiqPay's SDKs do — the merchant's public_key
// added, JSON, base64 — and signs them with the merchant's private key
// (SHA-1, or SHA3-256 when params has "version": 7). The result is the
// data and signature fields of a POST to /api/request or /api/3/checkout.
func (s *Server) SignLiqPay(params map[string]any) (data, signature string) {
	s.t.Helper()
	_, data, signature = s.liqpayClient(params).Encode(params)
	return data, signature
}

// LiqPayForm is SignLiqPay as a form body: data=…&signature=….
func (s *Server) LiqPayForm(params map[string]any) url.Values {
	s.t.Helper()
	data, signature := s.SignLiqPay(params)
	return url.Values{"data": {data}, "signature": {signature}}
}

// LiqPay sends one signed request to /api/request with action and params
// ("version": 3 unless params has one) and returns LiqPay's answer.
// Numbers keep their written form (json.Number). An error answer of
// LiqPay's ("result":"error") is returned like any other; only a transport
// failure or an answer that is not LiqPay's JSON fails the test.
func (s *Server) LiqPay(action string, params map[string]any) map[string]any {
	s.t.Helper()
	p := maps.Clone(params)
	if p == nil {
		p = map[string]any{}
	}
	p["action"] = action
	if _, ok := p["version"]; !ok {
		p["version"] = 3
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.http.Timeout)
	defer cancel()
	got, body, err := s.liqpayClient(p).Do(ctx, "request", p)
	if err != nil {
		s.t.Fatalf("mockpaytest: LiqPay %s: %v (answer %q)", action, err, body)
	}
	return got
}

func (s *Server) liqpayClient(params map[string]any) *liqpayclient.Client {
	s.t.Helper()
	k := s.liqpayMerchant()
	return &liqpayclient.Client{BaseURL: s.base, PublicKey: k.PublicKey, PrivateKey: k.PrivateKey,
		Encoding: liqpayclient.Go, Version7: fmt.Sprint(params["version"]) == "7", HTTP: s.http}
}

// DecodeLiqPayCallback checks a LiqPay callback's signature against the
// merchant's private key and returns its decoded data, as a merchant's
// receiver must. A callback with a wrong signature is an error, not a
// test failure, so scripted bad signatures can be tested.
func (s *Server) DecodeLiqPayCallback(cb Callback) (map[string]any, error) {
	s.t.Helper()
	form, err := url.ParseQuery(string(cb.Body))
	if err != nil {
		return nil, fmt.Errorf("mockpaytest: callback body is not a form: %w", err)
	}
	data, signature := form.Get("data"), form.Get("signature")
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, fmt.Errorf("mockpaytest: callback data is not base64: %w", err)
	}
	var payment map[string]any
	if err := json.Unmarshal(raw, &payment); err != nil {
		return nil, fmt.Errorf("mockpaytest: callback data is not JSON: %w", err)
	}
	key := s.liqpayMerchant().PrivateKey
	if signature != liqpayclient.Sign(key, data, false) && signature != liqpayclient.Sign(key, data, true) {
		return payment, fmt.Errorf("mockpaytest: callback signature %q does not match the merchant's key", signature)
	}
	return payment, nil
}

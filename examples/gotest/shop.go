// Package shop is a stand-in for a merchant's own code: it charges a card
// through LiqPay's API with a base URL and keys it is given, as a real shop
// would point at https://www.liqpay.ua/api/ in production. Its test
// (shop_test.go) shows mockpaytest in a user's suite: a fresh merchant per
// test, the real signed protocol, the callback awaited, no sleep.
package shop

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// LiqPay is the shop's client: where LiqPay is and the shop's keys.
type LiqPay struct {
	BaseURL    string // e.g. https://www.liqpay.ua
	PublicKey  string
	PrivateKey string
	HTTP       *http.Client
}

// Charge pays an order by card and answers LiqPay's status for it.
func (c LiqPay) Charge(orderID, card string, amount float64, serverURL string) (string, error) {
	params := map[string]any{
		"public_key": c.PublicKey, "version": 3, "action": "pay", "amount": amount, "currency": "UAH",
		"description": "order " + orderID, "order_id": orderID, "card": card,
		"card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123", "server_url": serverURL,
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return "", err
	}
	data := base64.StdEncoding.EncodeToString(raw)
	sum := sha1.Sum([]byte(c.PrivateKey + data + c.PrivateKey))
	form := url.Values{"data": {data}, "signature": {base64.StdEncoding.EncodeToString(sum[:])}}
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.PostForm(c.BaseURL+"/api/request", form)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var answer struct {
		Status  string `json:"status"`
		ErrCode string `json:"err_code"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return "", fmt.Errorf("LiqPay answered something that is not JSON: %w", err)
	}
	if answer.Status == "error" {
		return "", fmt.Errorf("LiqPay error %s", answer.ErrCode)
	}
	return answer.Status, nil
}

// Package liqpay stands in for LiqPay's Go SDK (github.com/liqpay/sdk-go,
// liqpay.go @a6f81f8, 2020-09-13), behaving as it does: the URL is a constant, the
// request is base64(json.Marshal(params)) signed with SHA-1, the POST goes
// through http.Post (the http.Client given to New is kept but unused, as
// in the SDK), a non-200 answer is an error and "status":"error" becomes
// an error carrying err_description. See ../doc.go for why it is not the
// SDK itself.
package liqpay

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

const liqpayURL = "https://www.liqpay.ua/api/"

// Request is the parameters of one API call.
type Request map[string]interface{}

// Response is LiqPay's decoded answer.
type Response map[string]interface{}

// Client signs and sends requests for one shop.
type Client struct {
	httpClient *http.Client
	publicKey  []byte
	privateKey []byte
}

// New returns a client of the shop with these keys.
func New(pubKey string, privKey string, client *http.Client) *Client {
	if client == nil {
		client = &http.Client{}
	}
	return &Client{httpClient: client, publicKey: []byte(pubKey), privateKey: []byte(privKey)}
}

// Send posts req to liqpayURL+apiURL ("request" for /api/request).
func (c Client) Send(apiURL string, req Request) (Response, error) {
	req["public_key"] = string(c.publicKey)
	encodedJSON, err := req.Encode()
	if err != nil {
		return nil, err
	}
	signature := c.Sign([]byte(encodedJSON))
	form := url.Values{"data": {encodedJSON}, "signature": {signature}}
	resp, err := http.Post(liqpayURL+apiURL, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("liqpay: HTTP %d", resp.StatusCode)
	}
	var res Response
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, err
	}
	if res["status"] == "error" {
		desc, _ := res["err_description"].(string)
		return res, errors.New(desc)
	}
	return res, nil
}

// Sign is base64(sha1(private_key + data + private_key)).
func (c Client) Sign(data []byte) string {
	h := sha1.New()
	h.Write(c.privateKey)
	h.Write(data)
	h.Write(c.privateKey)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Encode is base64(json.Marshal(req)).
func (r Request) Encode() (string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

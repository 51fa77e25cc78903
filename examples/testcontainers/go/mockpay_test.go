package mockpaycontainer_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	mockpaycontainer "github.com/mockpay/mockpay/examples/testcontainers/go"
	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// TestPayThroughContainer starts the image, makes a merchant of its own (so
// tests sharing one container never see each other's payments), pays with
// LiqPay and gets a Liquido token with that merchant's credentials.
func TestPayThroughContainer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := mockpaycontainer.Start(ctx)
	if c != nil {
		testcontainers.CleanupContainer(t, c.Container)
	}
	if err != nil {
		t.Fatal(err)
	}

	var merchant struct {
		LiqPay struct {
			PublicKey  string `json:"public_key"`
			PrivateKey string `json:"private_key"`
		} `json:"liqpay"`
		Liquido struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		} `json:"liquido"`
	}
	post(t, c.URL+"/_mockpay/merchants", "application/json", `{"liqpay": {}, "liquido": {}}`, http.StatusCreated, &merchant)
	if merchant.LiqPay.PublicKey == "" || merchant.Liquido.ClientID == "" {
		t.Fatalf("merchant without keys: %+v", merchant)
	}

	client := liqpayclient.Client{BaseURL: c.URL, PublicKey: merchant.LiqPay.PublicKey, PrivateKey: merchant.LiqPay.PrivateKey}
	paid, _, err := client.Do(ctx, "request", map[string]any{
		"version": "3", "action": "pay", "amount": "100", "currency": "UAH",
		"description": "testcontainers", "order_id": "tc-1",
		"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123",
	})
	if err != nil {
		t.Fatal(err)
	}
	if paid["status"] != "success" || paid["public_key"] != merchant.LiqPay.PublicKey {
		t.Fatalf("pay: status %v, public_key %v; want success for %s", paid["status"], paid["public_key"], merchant.LiqPay.PublicKey)
	}

	var token struct {
		AccessToken string `json:"access_token"`
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {merchant.Liquido.ClientID}, "client_secret": {merchant.Liquido.ClientSecret}}
	post(t, c.URL+"/oauth2/token", "application/x-www-form-urlencoded", form.Encode(), http.StatusOK, &token)
	if token.AccessToken == "" {
		t.Fatal("no Liquido access_token")
	}
}

func post(t *testing.T, url, contentType, body string, want int, out any) {
	t.Helper()
	resp, err := http.Post(url, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("POST %s: HTTP %d, want %d", url, resp.StatusCode, want)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
}

package liqpay

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/gorilla/mux"
)

// TrimStores keeps a shop's card tokens (however issued) to the cap and
// its compensation files to MaxRegisters, the oldest going first; a
// forgotten token answers as a deleted one, a forgotten file is not found.
func TestTrimStoresCapsTokensAndRegisters(t *testing.T) {
	tb := newTestbed(t, "")
	r := mux.NewRouter()
	tb.s.Routes(r)
	var tokens []string
	for i := range 4 {
		got := tb.do(map[string]any{"action": "token_create_unique", "card_tokenization": map[string]any{
			"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": fmt.Sprint(30 + i), "card_cvv": "123"}})
		tokens = append(tokens, got["card_token"].(string))
	}
	// recurringbytoken=1 issues one too, the newest.
	got := tb.do(payRequest("rec-1", "4242424242424242", "recurringbytoken", "1"))
	tokens = append(tokens, got["card_token"].(string))
	var files []string
	for range MaxRegisters + 2 {
		files = append(files, tb.do(map[string]any{"action": "reports_compensation_file", "date": "2027-01-31"})["register_token"].(string))
	}

	// 3 tokens, 2 fingerprints (of 4: at most 2 stay) and 2 files.
	if n := tb.s.TrimStores(2); n != 3+2+2 {
		t.Errorf("TrimStores(2) dropped %d, want 7", n)
	}
	for i, tok := range tokens {
		ans := tb.do(map[string]any{"action": "token_update", "card_token": tok, "card_token_action": "SUSPEND"})
		if got, want := ans["err_code"] == nil, i >= 3; got != want {
			t.Errorf("token #%d known after TrimStores: %v (%v), want %v", i, got, ans["err_code"], want)
		}
	}
	for i, tok := range files {
		want := http.StatusOK
		if i < 2 {
			want = http.StatusNotFound
		}
		if got := get(r, "/apipay/register/"+tok); got != want {
			t.Errorf("register #%d: HTTP %d, want %d", i, got, want)
		}
	}
	// The same card again is a new token now, not the forgotten one.
	again := tb.do(map[string]any{"action": "token_create_unique", "card_tokenization": map[string]any{
		"card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123"}})
	if again["card_token"] == tokens[0] || again["status"] != "success" {
		t.Errorf("token_create_unique of a card whose token was forgotten: %v", again)
	}
	tb.s.mu.RLock()
	for _, tok := range files[:2] {
		if tb.s.tokens[tok] != nil {
			t.Errorf("a forgotten register's page token %s is left", tok)
		}
	}
	tb.s.mu.RUnlock()
	sh := tb.s.shop(tb.s.opts.Merchants[0].PublicKey)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(sh.tokens.state) > len(sh.cardTokens) {
		t.Errorf("%d token states for %d tokens", len(sh.tokens.state), len(sh.cardTokens))
	}
}

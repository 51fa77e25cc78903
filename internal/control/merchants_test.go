package control

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/mux"
)

// stubStore holds a fixed list of merchants and records what it is asked.
type stubStore struct {
	list    []Merchant
	created []MerchantSpec
	deleted []string
}

func (s *stubStore) CreateMerchants(spec MerchantSpec) (Created, error) {
	s.created = append(s.created, spec)
	return Created{Token: "mpt_x"}, nil
}
func (s *stubStore) ListMerchants() []Merchant { return s.list }
func (s *stubStore) DeleteMerchant(key string) error {
	switch key {
	case "configured":
		return ErrConfigured
	case "made":
		s.deleted = append(s.deleted, key)
		return nil
	}
	return ErrNoMerchant
}

func serveMerchants(store *stubStore, method, target, body string) (int, map[string]any) {
	m := Merchants{Store: store}
	r := mux.NewRouter()
	r.HandleFunc("/_mockpay/merchants", m.Create).Methods(http.MethodPost)
	r.HandleFunc("/_mockpay/merchants", m.List).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/merchants/{key}", m.Get).Methods(http.MethodGet)
	r.HandleFunc("/_mockpay/merchants/{key}", m.Delete).Methods(http.MethodDelete)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(method, target, strings.NewReader(body)))
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

func TestMerchantsCreateValidates(t *testing.T) {
	tests := []struct {
		name, body string
		want       int
	}{
		{"both providers", `{"liqpay":{},"liquido":{"tax_withholding":true}}`, http.StatusCreated},
		{"with a policy", `{"liqpay":{"server_url":"http://127.0.0.1:9/cb"},"callbacks":{"timeout":"2s","backoff":[]}}`, http.StatusCreated},
		{"no provider", `{}`, http.StatusBadRequest},
		{"not JSON", `liqpay`, http.StatusBadRequest},
		{"unknown field", `{"liqpay":{},"paypal":{}}`, http.StatusBadRequest},
		{"bad server_url", `{"liqpay":{"server_url":"javascript:alert(1)"}}`, http.StatusBadRequest},
		{"bad callback_url", `{"liquido":{"callback_url":"//x"}}`, http.StatusBadRequest},
		{"bad timeout", `{"liqpay":{},"callbacks":{"timeout":"soon"}}`, http.StatusBadRequest},
		{"negative backoff", `{"liqpay":{},"callbacks":{"backoff":["-1s"]}}`, http.StatusBadRequest},
		{"bad scenario YAML", `{"liqpay":{},"scenarios":"version: 1\nscenarios: nope\n"}`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &stubStore{}
			code, body := serveMerchants(store, http.MethodPost, "/_mockpay/merchants", tt.body)
			if code != tt.want {
				t.Fatalf("HTTP %d %v, want %d", code, body, tt.want)
			}
			if made := len(store.created) == 1; made != (tt.want == http.StatusCreated) {
				t.Errorf("store asked to create: %v", store.created)
			}
		})
	}
}

func TestMerchantsListPagesAndGetIsScoped(t *testing.T) {
	store := &stubStore{list: []Merchant{
		{Provider: "liqpay", Merchant: "a"}, {Provider: "liqpay", Merchant: "b"},
		{Provider: "liquido", Merchant: "c"}, {Provider: "liquido", Merchant: "a"},
	}}
	page := func(target string) []string {
		code, body := serveMerchants(store, http.MethodGet, target, "")
		if code != http.StatusOK {
			t.Fatalf("GET %s: HTTP %d %v", target, code, body)
		}
		var out []string
		for _, m := range body["merchants"].([]any) {
			out = append(out, m.(map[string]any)["provider"].(string)+":"+m.(map[string]any)["merchant"].(string))
		}
		return out
	}
	tests := []struct {
		target string
		want   []string
	}{
		{"/_mockpay/merchants", []string{"liqpay:a", "liqpay:b", "liquido:c", "liquido:a"}},
		{"/_mockpay/merchants?limit=2&offset=1", []string{"liqpay:b", "liquido:c"}},
		{"/_mockpay/merchants?offset=10", nil},
		{"/_mockpay/merchants?provider=liquido", []string{"liquido:c", "liquido:a"}},
		{"/_mockpay/merchants/a", []string{"liqpay:a", "liquido:a"}},
		{"/_mockpay/merchants/a?merchant=a&provider=liquido", []string{"liquido:a"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, page(tt.target)); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.target, diff)
		}
	}
	for target, want := range map[string]int{
		"/_mockpay/merchants?limit=1001":   http.StatusOK, // capped to 1000
		"/_mockpay/merchants?limit=x":      http.StatusBadRequest,
		"/_mockpay/merchants?offset=-1":    http.StatusBadRequest,
		"/_mockpay/merchants/a?merchant=b": http.StatusNotFound,
		"/_mockpay/merchants/zzz":          http.StatusNotFound,
	} {
		if code, _ := serveMerchants(store, http.MethodGet, target, ""); code != want {
			t.Errorf("GET %s: HTTP %d, want %d", target, code, want)
		}
	}
	for target, want := range map[string]int{
		"/_mockpay/merchants/made":                  http.StatusNoContent,
		"/_mockpay/merchants/configured":            http.StatusConflict,
		"/_mockpay/merchants/zzz":                   http.StatusNotFound,
		"/_mockpay/merchants/made?merchant=another": http.StatusNotFound,
	} {
		if code, _ := serveMerchants(store, http.MethodDelete, target, ""); code != want {
			t.Errorf("DELETE %s: HTTP %d, want %d", target, code, want)
		}
	}
	if diff := cmp.Diff([]string{"made"}, store.deleted); diff != "" {
		t.Errorf("deleted (-want +got):\n%s", diff)
	}
}

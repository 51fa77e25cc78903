package liqpayclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The expected strings below are written by hand from each SDK's source
// (reference liqpay.md §2.7); base64 and signatures were computed with
// Python's base64/hashlib, not with this package.

func TestEncodeWritesEachSDKsJSON(t *testing.T) {
	params := map[string]any{
		"version":     3,
		"action":      "pay",
		"amount":      1.5,
		"currency":    "UAH",
		"description": "Чай/tea <b>&",
		"order_id":    "o-1",
		"sandbox":     1,
	}
	tests := []struct {
		enc  Encoding
		json string
	}{
		{PHP, `{"public_key":"pk","version":3,"action":"pay","amount":1.5,"currency":"UAH","description":"\u0427\u0430\u0439\/tea <b>&","order_id":"o-1","sandbox":1}`},
		{Python, `{"action": "pay", "amount": 1.5, "currency": "UAH", "description": "\u0427\u0430\u0439/tea <b>&", "order_id": "o-1", "public_key": "pk", "sandbox": 1, "version": 3}`},
		{Java, `{"action":"pay","amount":"1.5","currency":"UAH","description":"Чай\/tea <b>&","order_id":"o-1","public_key":"pk","sandbox":"1","version":"3"}`},
		{Ruby, `{"version":"3","server_url":null,"return_url":null,"action":"pay","amount":"1.5","currency":"UAH","description":"Чай/tea <b>&","order_id":"o-1","sandbox":"1","public_key":"pk"}`},
		{Node, `{"version":3,"action":"pay","amount":1.5,"currency":"UAH","description":"Чай/tea <b>&","order_id":"o-1","sandbox":1,"public_key":"pk"}`},
		{Go, `{"action":"pay","amount":1.5,"currency":"UAH","description":"Чай/tea \u003cb\u003e\u0026","order_id":"o-1","public_key":"pk","sandbox":1,"version":3}`},
	}
	for _, tt := range tests {
		t.Run(tt.enc.String(), func(t *testing.T) {
			c := &Client{PublicKey: "pk", PrivateKey: "sk", Encoding: tt.enc}
			_, data, _ := c.Encode(params)
			got := data
			if tt.enc != Python { // Python sends the raw JSON; everyone else base64
				raw, err := base64.StdEncoding.DecodeString(data)
				if err != nil {
					t.Fatalf("data is not base64: %v", err)
				}
				got = string(raw)
			}
			if diff := cmp.Diff(tt.json, got); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeBuildsEachSDKsFormBody(t *testing.T) {
	params := Params{{"version", 3}, {"action", "status"}, {"order_id", "o 1/ü~*"}}
	tests := []struct {
		enc  Encoding
		form string
	}{
		{PHP, "data=eyJwdWJsaWNfa2V5IjoicGsiLCJ2ZXJzaW9uIjozLCJhY3Rpb24iOiJzdGF0dXMiLCJvcmRlcl9pZCI6Im8gMVwvXHUwMGZjfioifQ%3D%3D&signature=kDDOSSbDo31DMSDixBIdie3crcY%3D"},
		{Python, "data=%7B%22action%22%3A+%22status%22%2C+%22order_id%22%3A+%22o+1%2F%5Cu00fc~%2A%22%2C+%22public_key%22%3A+%22pk%22%2C+%22version%22%3A+3%7D&signature=B%2BYMnbSFfavhTvyrRsVGiNtKwIE%3D"},
		{Java, "data=eyJhY3Rpb24iOiJzdGF0dXMiLCJvcmRlcl9pZCI6Im8gMVwvw7x%2BKiIsInB1YmxpY19rZXkiOiJwayIsInZlcnNpb24iOiIzIn0%3D&signature=ETe%2B40ykyMuqTGulRz2Y671%2BVr4%3D&"},
		{Ruby, "data=eyJ2ZXJzaW9uIjoiMyIsInNlcnZlcl91cmwiOm51bGwsInJldHVybl91cmwiOm51bGwsImFjdGlvbiI6InN0YXR1cyIsIm9yZGVyX2lkIjoibyAxL8O8fioiLCJwdWJsaWNfa2V5IjoicGsifQ%3D%3D&signature=TDmS9zG8PYQgJaqmWjbsaBzOKJQ%3D"},
		{Node, "data=eyJ2ZXJzaW9uIjozLCJhY3Rpb24iOiJzdGF0dXMiLCJvcmRlcl9pZCI6Im8gMS%2FDvH4qIiwicHVibGljX2tleSI6InBrIn0%3D&signature=K9uv7Z%2FG%2BQt7aV0JFuVmgSWrObE%3D"},
		{Go, "data=eyJhY3Rpb24iOiJzdGF0dXMiLCJvcmRlcl9pZCI6Im8gMS%2FDvH4qIiwicHVibGljX2tleSI6InBrIiwidmVyc2lvbiI6M30%3D&signature=Q0QkctrGAUIqpmaVUo53yfhGqpo%3D"},
	}
	for _, tt := range tests {
		t.Run(tt.enc.String(), func(t *testing.T) {
			c := &Client{PublicKey: "pk", PrivateKey: "sk", Encoding: tt.enc}
			form, _, _ := c.EncodeParams(params)
			if diff := cmp.Diff(tt.form, form); diff != "" {
				t.Errorf("form mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// The data_signature page's test vector (reference §2.3).
func TestEncodeReproducesTheDocumentedTestVector(t *testing.T) {
	const (
		wantData   = "eyJwdWJsaWNfa2V5IjoiaTAwMDAwMDAwIiwidmVyc2lvbiI6IjMiLCJhY3Rpb24iOiJwYXkiLCJhbW91bnQiOiIzIiwiY3VycmVuY3kiOiJVQUgiLCJkZXNjcmlwdGlvbiI6InRlc3QiLCJvcmRlcl9pZCI6IjAwMDAwMSJ9"
		wantSHA1   = "wR+UZDC4jjeL/qUOvIsofIWpZh8="
		wantSHA3   = "V6/0SB3N+eEWw1S/e3g7/nmX4uM9Z4TDyK2PTMmHdvA="
		privateKey = "a4825234f4bae72a0be04eafe9e8e2bada209255"
	)
	doc := map[string]any{"version": "3", "action": "pay", "amount": "3", "currency": "UAH", "description": "test", "order_id": "000001"}
	// The same request written by a Node integrator who put public_key first.
	nodeOrder := Params{{"public_key", "i00000000"}, {"version", "3"}, {"action", "pay"}, {"amount", "3"},
		{"currency", "UAH"}, {"description", "test"}, {"order_id", "000001"}}
	tests := []struct {
		name     string
		enc      Encoding
		params   Params
		version7 bool
		wantSig  string
	}{
		{"PHP array in documentation order", PHP, Ordered(doc), false, wantSHA1},
		{"Node object with public_key first", Node, nodeOrder, false, wantSHA1},
		{"version 7 signs the same data with SHA3-256", PHP, Ordered(doc), true, wantSHA3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{PublicKey: "i00000000", PrivateKey: privateKey, Encoding: tt.enc, Version7: tt.version7}
			_, data, sig := c.EncodeParams(tt.params)
			if diff := cmp.Diff([2]string{wantData, tt.wantSig}, [2]string{data, sig}); diff != "" {
				t.Errorf("data, signature mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJSONDialectsEscapeStringsLikeTheirLanguage(t *testing.T) {
	in := Params{{"s", "a\x01\x7f\u2028😀"}}
	tests := []struct {
		enc  Encoding
		want string
	}{
		{PHP, `{"s":"a\u0001` + "\x7f" + `\u2028\ud83d\ude00"}`},
		{Python, `{"s": "a\u0001\u007f\u2028\ud83d\ude00"}`},
		{Java, `{"s":"a\u0001\u007F\u2028😀"}`},
		{Ruby, `{"s":"a\u0001` + "\x7f\u2028" + `😀"}`},
		{Node, `{"s":"a\u0001` + "\x7f\u2028" + `😀"}`},
		{Go, `{"s":"a\u0001` + "\x7f" + `\u2028😀"}`},
	}
	for _, tt := range tests {
		t.Run(tt.enc.String(), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, dialectJSON(tt.enc, in)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFloatsAreWrittenLikeTheirLanguage(t *testing.T) {
	floats := []float64{3.0, 7.34, 0.5, 1e25}
	tests := []struct {
		enc  Encoding
		want []string
	}{
		{PHP, []string{"3", "7.34", "0.5", "1.0e+25"}},           // json_encode without PRESERVE_ZERO_FRACTION
		{Python, []string{"3.0", "7.34", "0.5", "1e+25"}},        // repr
		{Java, []string{`"3.0"`, `"7.34"`, `"0.5"`, `"1.0E25"`}}, // String.valueOf(double)
		{Ruby, []string{`"3.0"`, `"7.34"`, `"0.5"`, `"1.0e+25"`}},
		{Node, []string{"3", "7.34", "0.5", "1e+25"}},
		{Go, []string{"3", "7.34", "0.5", "1e+25"}},
	}
	for _, tt := range tests {
		t.Run(tt.enc.String(), func(t *testing.T) {
			var got []string
			for _, f := range floats {
				var m map[string]json.RawMessage
				if err := json.Unmarshal([]byte(dialectJSON(tt.enc, Params{{"f", f}})), &m); err != nil {
					t.Fatal(err)
				}
				got = append(got, string(m["f"]))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// dialectJSON writes p with one SDK's JSON encoder and value conversions,
// without the keys the SDK adds.
func dialectJSON(e Encoding, p Params) string {
	switch e {
	case PHP:
		return phpJSON.encode(p)
	case Python:
		return pythonJSON.encode(p)
	case Java:
		return javaJSON.encode(javaValues(p))
	case Ruby:
		return rubyJSON.encode(without(without(without(rubyValues(p), "version"), "server_url"), "return_url"))
	case Node:
		return nodeJSON.encode(p)
	}
	return goJSON(p)
}

func TestDoPostsTheFormAndDecodesNumbersAsWritten(t *testing.T) {
	type seen struct {
		Method, Path, ContentType, Body string
	}
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = seen{r.Method, r.URL.Path, r.Header.Get("Content-Type"), string(body)}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"result":"ok","amount":3.0,"payment_id":2100000001}`)
	}))
	defer srv.Close()

	for _, enc := range Encodings {
		t.Run(enc.String(), func(t *testing.T) {
			c := &Client{BaseURL: srv.URL + "/", PublicKey: "pk", PrivateKey: "sk", Encoding: enc, HTTP: srv.Client()}
			params := map[string]any{"version": "3", "order_id": "o-1"}
			resp, _, err := c.Do(context.Background(), "payment/status", params)
			if err != nil {
				t.Fatal(err)
			}
			form, _, _ := c.Encode(params)
			want := seen{"POST", "/api/payment/status", "application/x-www-form-urlencoded", form}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("request mismatch (-want +got):\n%s", diff)
			}
			wantResp := map[string]any{"result": "ok", "amount": json.Number("3.0"), "payment_id": json.Number("2100000001")}
			if diff := cmp.Diff(wantResp, resp); diff != "" {
				t.Errorf("response mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDoReportsAnswersThatAreNotLiqPayJSON(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"HTML error page from a load balancer", http.StatusBadGateway, "<html>502</html>"},
		{"JSON with a non-200 status", 499, `{"result":"error"}`},
		{"JSON followed by garbage", http.StatusOK, `{"result":"ok"} trailing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c := &Client{BaseURL: srv.URL, PublicKey: "pk", PrivateKey: "sk", Encoding: Go, HTTP: srv.Client()}
			_, body, err := c.Do(context.Background(), "request", map[string]any{"version": 3})
			if err == nil {
				t.Fatal("Do succeeded, want an error")
			}
			if string(body) != tt.body {
				t.Errorf("body = %q, want %q", body, tt.body)
			}
		})
	}
}

func TestDoRefusesMissingVersionWhereTheSDKDoes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"result":"error"}`)
	}))
	defer srv.Close()
	refuses := map[Encoding]bool{PHP: true, Node: true}
	for _, enc := range Encodings {
		t.Run(enc.String(), func(t *testing.T) {
			c := &Client{BaseURL: srv.URL, PublicKey: "pk", PrivateKey: "sk", Encoding: enc, HTTP: srv.Client()}
			_, _, err := c.Do(context.Background(), "request", map[string]any{"action": "status"})
			if got := err != nil; got != refuses[enc] {
				t.Errorf("refused = %v (err %v), want %v", got, err, refuses[enc])
			}
		})
	}
}

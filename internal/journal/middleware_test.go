package journal

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// server is a journaled handler: /api/request echoes LiqPay's error
// envelope when the body says so, /v1/payments/charges/card echoes its body,
// /drop drops the connection, anything else is unmatched.
func server(t *testing.T, j *Journal) *httptest.Server {
	routes := map[string]string{"/api/request": "/api/request", "/v1/payments/charges/card": "/v1/payments/charges/card", "/drop": "/drop"}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/api/request":
			w.Header().Set("Content-Type", "application/json")
			if strings.Contains(string(body), "bad") {
				_, _ = w.Write([]byte(`{"result":"error","err_code":"invalid_signature"}`))
				return
			}
			_, _ = w.Write([]byte(`{"result":"ok","payment_id":42,"order_id":"o1"}`))
		case "/v1/payments/charges/card":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		case "/drop":
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		default:
			http.NotFound(w, r)
		}
	})
	rec := Recorder{
		Journal: j,
		Route: func(r *http.Request) (string, map[string]string, bool) {
			tpl, ok := routes[r.URL.Path]
			return tpl, nil, ok
		},
		Identify: func(r *http.Request, body []byte) Who {
			if !strings.Contains(string(body), "bad") && r.URL.Path != "/nowhere" && r.URL.Path != "/drop" {
				return Who{Merchant: "m1", Tenant: "liqpay:m1", Now: time.Unix(0, 0)}
			}
			return Who{}
		},
		Provider: func(path string) string {
			switch {
			case strings.HasPrefix(path, "/_mockpay/"):
				return "mockpay"
			case strings.HasPrefix(path, "/api/"):
				return "liqpay"
			}
			return ""
		},
	}
	srv := httptest.NewServer(rec.Wrap(h))
	t.Cleanup(srv.Close)
	return srv
}

func TestRecorder(t *testing.T) {
	j := New(3)
	srv := server(t, j)
	data := base64.StdEncoding.EncodeToString([]byte(`{"action":"pay","card":"4242424242424242","card_cvv":"918","order_id":"o1"}`))
	post := func(path, ct, body string, header ...string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
	}
	post("/api/request", "application/x-www-form-urlencoded", "data="+data+"&signature=s")
	post("/api/request", "application/x-www-form-urlencoded", "data=bad&card_cvv=918")
	post("/v1/payments/charges/card", "application/json", `{"idempotencyKey":"k1","card":{"cardNumber":"4111 1111 1111 1111","cvc":"918"}}`,
		"Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature", "x-api-key", "sandbox-api-key")
	post("/nowhere", "text/plain", "4242424242424242")
	post("/drop", "text/plain", "")

	// The dropped connection's entry is written after its client has seen
	// the connection close: wait for it, boundedly.
	all, total := j.List(Filter{}, 0, 100)
	for deadline := time.Now().Add(2 * time.Second); total < 5 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		all, total = j.List(Filter{}, 0, 100)
	}
	if total != 5 {
		t.Fatalf("%d entries, want 5", total)
	}
	raw, _ := json.Marshal(all)
	// The CVV as a value ("918", =918), not as digits that a time or a
	// duration may happen to contain.
	for _, leak := range []string{"4242424242424242", "4111 1111 1111 1111", `"918"`, `=918`, `:918`, "card_cvv", `"cvc"`, "sandbox-api-key", ".signature"} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("journal shows %q", leak)
		}
	}
	type row struct {
		Path, Route, Tenant, ErrorCode string
		Status                         int
		Error, Unmatched               bool
		Refs                           []string
	}
	var got []row
	for _, e := range all {
		got = append(got, row{e.Path, e.Route, e.Tenant, e.ErrorCode, e.Status, e.Error, e.Unmatched, e.Refs})
	}
	want := []row{
		{"/drop", "/drop", "", "connection dropped", 0, true, false, nil},
		{"/nowhere", "unmatched", "", "", 404, true, true, nil},
		{"/v1/payments/charges/card", "/v1/payments/charges/card", "liqpay:m1", "", 200, false, false, []string{"k1"}},
		{"/api/request", "/api/request", "", "invalid_signature", 200, true, false, nil},
		{"/api/request", "/api/request", "liqpay:m1", "", 200, false, false, []string{"o1", "42"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	pay := all[4]
	if diff := cmp.Diff(`{"action":"pay","card":"424242******4242","order_id":"o1"}`, string(pay.RequestData)); diff != "" || pay.Action != "pay" {
		t.Errorf("action %q, data: %s", pay.Action, diff)
	}
	if got := all[2].RequestHeaders.Get("Authorization"); got != "Bearer ****ture" {
		t.Errorf("Authorization stored as %q", got)
	}
	if p, _ := j.List(Filter{Problems: true}, 0, 100); len(p) != 3 { // dropped, unmatched, LiqPay error
		t.Errorf("problems: %d, want 3", len(p))
	}

	// The cap: three per merchant; the oldest go.
	post("/api/request", "application/x-www-form-urlencoded", "data="+data)
	post("/api/request", "application/x-www-form-urlencoded", "data="+data)
	if list, total := j.List(Filter{Tenants: []string{"liqpay:m1"}}, 0, 100); total != 3 || list[2].Path != "/v1/payments/charges/card" {
		t.Errorf("capped: %d entries, oldest %s", total, list[2].Path)
	}
	if n := j.Clear([]string{"liqpay:m1"}); n != 3 {
		t.Errorf("Clear: %d, want 3", n)
	}
	if _, total := j.List(Filter{}, 0, 100); total != 3 {
		t.Errorf("after clearing m1: %d entries, want the other 3", total)
	}
}

// A body larger than the store cap is cut without leaving a partial card
// number behind, and reaches the handler whole.
func TestRecorderLargeBody(t *testing.T) {
	j := New(0)
	srv := server(t, j)
	body := `{"pad":"` + strings.Repeat("x", storeCap-30) + `","cardNumber":"4111111111111111"}`
	resp, err := http.Post(srv.URL+"/v1/payments/charges/card", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	echoed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(echoed) != body {
		t.Error("the handler did not get the whole body")
	}
	all, _ := j.List(Filter{}, 0, 1)
	e := all[0]
	if !e.RequestTruncated || !e.ResponseTruncated || strings.Contains(e.RequestBody, "41111111") || strings.Contains(e.ResponseBody, "41111111") {
		t.Errorf("truncated %v/%v, request tail %q", e.RequestTruncated, e.ResponseTruncated, e.RequestBody[len(e.RequestBody)-40:])
	}
}

package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mockpay/mockpay/internal/config"
	ctl "github.com/mockpay/mockpay/internal/control"
	"github.com/mockpay/mockpay/server"
)

// The callback log is paged like every list: a limit above the most a page
// holds is capped, offset walks back from the newest, bad values are a 400.
func TestCallbackLogIsPaged(t *testing.T) {
	srv, err := server.New(config.Default(), quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	tests := []struct {
		query      string
		code       int
		limit      int
		offsetWant int
	}{
		{"", 200, ctl.MaxLimit, 0},
		{"?limit=1000000", 200, ctl.MaxLimit, 0},
		{"?limit=0", 200, ctl.MaxLimit, 0},
		{"?limit=3&offset=6", 200, 3, 6},
		{"?offset=-1", 400, 0, 0},
		{"?limit=x", 400, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/_mockpay/callbacks"+tc.query, nil)
			h.ServeHTTP(rec, req)
			if rec.Code != tc.code {
				t.Fatalf("HTTP %d %s, want %d", rec.Code, rec.Body, tc.code)
			}
			if tc.code != 200 {
				return
			}
			var got struct {
				Callbacks []any `json:"callbacks"`
				Page      struct{ Total, Offset, Limit int }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Callbacks == nil {
				t.Fatalf("%v: %s", err, rec.Body)
			}
			if got.Page.Limit != tc.limit || got.Page.Offset != tc.offsetWant {
				t.Errorf("page %+v, want limit %d offset %d", got.Page, tc.limit, tc.offsetWant)
			}
		})
	}
}

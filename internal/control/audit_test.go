package control

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/internal/audit/audittest"
)

func TestAuditHandler(t *testing.T) {
	t.Parallel()
	receiver := httptest.NewServer(audittest.LiqPay("pub-1", "priv-1",
		audittest.Order{ID: "mockpay-audit-order", Amount: 100, Currency: "UAH"}, audittest.FormatOnly))
	defer receiver.Close()
	h := Audit{Secret: func(provider, merchant string) (string, string, bool) {
		if merchant == "pub-1" || merchant == "" {
			return "pub-1", "priv-1", true
		}
		return "", "", false
	}}
	tests := []struct {
		name, query, body string
		code              int
		failed            []string // for a 200
	}{
		{"flawed receiver", "", `{"provider":"liqpay","url":"` + receiver.URL + `","merchant":"pub-1"}`, 200, []string{"wrong-signature", "foreign-key"}},
		{"merchant from the query", "?merchant=pub-1", `{"provider":"liqpay","url":"` + receiver.URL + `"}`, 200, []string{"wrong-signature", "foreign-key"}},
		{"unknown merchant", "", `{"provider":"liqpay","url":"` + receiver.URL + `","merchant":"nobody"}`, 404, nil},
		{"no url", "", `{"provider":"liqpay"}`, 400, nil},
		{"bad provider", "", `{"provider":"paypal","url":"http://x/"}`, 400, nil},
		{"unknown field", "", `{"provider":"liqpay","url":"http://x/","secret":"s"}`, 400, nil},
		{"not json", "", `provider=liqpay`, 400, nil},
		{"timeout too long", "", `{"provider":"liqpay","url":"http://x/","timeout_ms":999999}`, 400, nil},
		{"bad amount", "", `{"provider":"liqpay","url":"http://x/","amount":"1.999"}`, 400, nil},
		{"version for liquido", "", `{"provider":"liquido","url":"http://x/","version":7}`, 400, nil},
		{"bad format", "?format=csv", `{"provider":"liqpay","url":"http://x/"}`, 400, nil},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.Run(rec, httptest.NewRequest(http.MethodPost, "/_mockpay/audit"+tt.query, strings.NewReader(tt.body)))
		if rec.Code != tt.code {
			t.Errorf("%s: HTTP %d, want %d: %s", tt.name, rec.Code, tt.code, rec.Body)
			continue
		}
		if tt.code != 200 {
			var e Error
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error == "" {
				t.Errorf("%s: not the control plane's error shape: %s", tt.name, rec.Body)
			}
			continue
		}
		var rep struct {
			Merchant string `json:"merchant"`
			Results  []struct {
				ID     string `json:"id"`
				Passed bool   `json:"passed"`
			} `json:"results"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		var failed []string
		for _, r := range rep.Results {
			if !r.Passed {
				failed = append(failed, r.ID)
			}
		}
		if strings.Join(failed, ",") != strings.Join(tt.failed, ",") || rep.Merchant != "pub-1" {
			t.Errorf("%s: merchant %s, failed %v, want %v", tt.name, rep.Merchant, failed, tt.failed)
		}
	}

	rec := httptest.NewRecorder()
	h.Run(rec, httptest.NewRequest(http.MethodPost, "/_mockpay/audit?format=junit",
		strings.NewReader(`{"provider":"liqpay","url":"`+receiver.URL+`","merchant":"pub-1"}`)))
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != 200 || doc.Tests != 10 || doc.Failures != 2 ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/xml") {
		t.Errorf("junit: HTTP %d %v %+v %s", rec.Code, err, doc, rec.Body)
	}
}

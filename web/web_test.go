package web

import (
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBothLanguagesHaveTheSameTexts(t *testing.T) {
	keys := func(m map[string]string) []string {
		var out []string
		for k, v := range m {
			if v == "" {
				t.Errorf("text %q is empty", k)
			}
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	if diff := cmp.Diff(keys(english), keys(ukrainian)); diff != "" {
		t.Errorf("English and Ukrainian keys differ (-en +uk):\n%s", diff)
	}
	if Texts("en")["pay_by"] != "Pay by" || Texts("uk")["pay_by"] != "Сплатити до" || Texts("ru")["pay_by"] != "Сплатити до" {
		t.Error("Texts picks the wrong language")
	}
}

func TestCSPAddsOnlyTheOriginsOfFormTargets(t *testing.T) {
	const base = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'"
	const tail = "; frame-ancestors 'none'; base-uri 'none'"
	cases := []struct {
		name    string
		targets []string
		want    string
	}{
		{"none", nil, base + tail},
		{"a result_url", []string{"https://shop.example:8443/paid?order=1#x"}, base + " https://shop.example:8443" + tail},
		{"twice the same origin", []string{"http://127.0.0.1:9/a", "http://127.0.0.1:9/b"}, base + " http://127.0.0.1:9" + tail},
		{"empty", []string{""}, base + tail},
		{"not http", []string{"javascript:alert(1)", "data:text/html,x", "ftp://x.example/"}, base + tail},
		{"a host that would break the header", []string{"http://a.example;script-src *", "http://a b.example/"}, base + tail},
		{"IPv6", []string{"http://[::1]:8080/r"}, base + " http://[::1]:8080" + tail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, CSP(tc.targets...)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderSetsTheSecurityHeadersAndEscapes(t *testing.T) {
	w := httptest.NewRecorder()
	v := struct {
		Page
		Message string
		Pending bool
	}{Page: Page{Lang: "en", Title: "<t>", Banner: "b"}, Message: `<script>alert("x")</script>`}
	if err := Render(w, 200, "3ds", v, "https://shop.example/r"); err != nil {
		t.Fatal(err)
	}
	h := w.Header()
	if h.Get("X-Frame-Options") != "DENY" || h.Get("Content-Type") != "text/html; charset=utf-8" || h.Get("Cache-Control") != "no-store" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "form-action 'self' https://shop.example;") {
		t.Errorf("headers: %v", h)
	}
	body := w.Body.String()
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") || strings.Contains(body, "<t>") {
		t.Errorf("not escaped:\n%s", body)
	}
	if !strings.Contains(body, `href="`+StylePath+`"`) {
		t.Errorf("page does not link the stylesheet:\n%s", body)
	}
}

func TestStyleIsServedFromTheBinary(t *testing.T) {
	w := httptest.NewRecorder()
	Style().ServeHTTP(w, httptest.NewRequest("GET", StylePath, nil))
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/css; charset=utf-8" || !strings.Contains(w.Body.String(), "body {") {
		t.Errorf("HTTP %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	if strings.Contains(w.Body.String(), "url(") || strings.Contains(w.Body.String(), "@import") {
		t.Error("the stylesheet fetches something")
	}
}

// Package web holds mockpay's pages for people: the templates of the hosted
// pages (LiqPay's checkout, 3-D Secure and payer pages), their one stylesheet and
// their texts, embedded in the binary so every page works offline. It knows
// HTML and HTTP headers, not providers: an emulator passes in what a page
// shows (the test cards, the payment) and the templates only lay it out.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

//go:embed style.css templates/*.html
var files embed.FS

// pages is parsed once; a parsed template set is safe for concurrent use.
var pages = template.Must(template.ParseFS(files, "templates/*.html"))

// StylePath is where the shared stylesheet is served; pages link it.
const StylePath = "/_mockpay/static/style.css"

var style = mustRead("style.css")

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

// Style serves the stylesheet.
func Style() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(style)
	})
}

// Page is what every page's frame shows: its language, title and the
// sandbox banner. Views embed it.
type Page struct {
	Lang   string
	Title  string
	Banner string
}

// Render writes the named template with the headers every mockpay page
// carries: no framing (clickjacking), a Content-Security-Policy that allows
// nothing but this server's stylesheet, and no caching of pages that show
// payments. formTargets are the other sites the page's forms post to, or
// that a form's answer redirects to (CSP form-action covers redirects), such
// as a merchant's result_url; each adds its origin to form-action.
func Render(w http.ResponseWriter, code int, name string, data any, formTargets ...string) error {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "page could not be rendered", http.StatusInternalServerError)
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", CSP(formTargets...))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, err := w.Write(buf.Bytes())
	return err
}

// CSP is the Content-Security-Policy of a page whose forms may also go to
// formTargets: no scripts, no frames, no plugins, styles only from this
// server.
func CSP(formTargets ...string) string {
	actions := []string{"'self'"}
	for _, t := range formTargets {
		if o := origin(t); o != "" && !slices.Contains(actions, o) {
			actions = append(actions, o)
		}
	}
	return "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action " + strings.Join(actions, " ") +
		"; frame-ancestors 'none'; base-uri 'none'"
}

// hostPattern keeps anything that could break out of a CSP source
// expression (spaces, ';', ',', quotes) out of the header.
var hostPattern = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$`)

// origin is scheme://host[:port] of an absolute http(s) URL, or "".
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !hostPattern.MatchString(u.Host) {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

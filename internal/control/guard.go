package control

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
)

// Guard protects the control plane (every path under /_mockpay/ but the
// health check, which container healthchecks must reach as they are, and the
// static files under /_mockpay/static/). It
// refuses, in this order:
//
//  1. a Host that is neither a loopback name nor allowed (DNS rebinding:
//     a page on evil.example resolving to 127.0.0.1 sends Host: evil.example);
//  2. a cross-origin browser request that changes something
//     (http.CrossOriginProtection; curl and SDKs send no Origin and pass);
//  3. a request without the admin token when one is set, or with a bearer
//     token that is neither the admin token nor a merchant token;
//  4. for a merchant-scoped token: a global endpoint (403), or a request
//     naming another merchant in ?merchant= or in a JSON body's "merchant"
//     (403). Otherwise ?merchant= is set to the token's merchant, so every
//     handler that filters by it is scoped (see InScope).
//
// Everything else (the provider APIs, their pages) passes untouched: they
// keep their own authentication and answer any Host.
type Guard struct {
	AdminToken   string
	AllowedHosts []string // "*" allows any
	Tokens       *Tokens
	// Global lists the endpoints a merchant token may not use.
	Global []Route
	origin *http.CrossOriginProtection
}

// Route names one endpoint by method and exact path.
type Route struct {
	Method, Path string
	// UnlessMerchant: global only when the request names no merchant.
	UnlessMerchant bool
}

// maxPeek is how much of a body the guard reads to find its "merchant".
const maxPeek = 1 << 20

// Wrap returns next behind the guard.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	if g.origin == nil {
		g.origin = http.NewCrossOriginProtection()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The cleaned path decides: the router serves /./_mockpay/… as
		// /_mockpay/… (the server cleans paths before routing, without a
		// redirect), so the guard must see it so too, whoever mounts it.
		p := r.URL.Path
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		p = path.Clean(p) // as Clean("/" + path), without building that string for a path that starts with "/"
		if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
			p += "/" // Clean drops it; the dashboard's path ends in one
		}
		// The static files (the stylesheet, the dashboard's script) are the
		// same for everyone and hold no data: hosted pages served under a
		// provider's Host (www.liqpay.ua) must reach the stylesheet too.
		static := (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.HasPrefix(p, StaticPrefix)
		if !isControl(p) || p == "/_mockpay/health" || static {
			next.ServeHTTP(w, r)
			return
		}
		if !g.hostAllowed(r.Host) {
			WriteJSON(w, http.StatusForbidden, Error{Error: "Host " + r.Host + " is not allowed on the control plane " +
				"(only loopback names by default); add it with --allowed-hosts"})
			return
		}
		if err := g.origin.Check(r); err != nil {
			WriteJSON(w, http.StatusForbidden, Error{Error: "cross-origin request refused: " + err.Error()})
			return
		}
		// The dashboard's page holds no data, and a browser cannot send a
		// bearer token with a navigation: it passes without one. What it
		// shows is read from the API, which keeps every check.
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && (p == DashboardPath || p == "/_mockpay") {
			next.ServeHTTP(w, r)
			return
		}
		token, sent := bearer(r)
		if !sent && r.Method == http.MethodGet && p == EventsPath {
			token, sent = eventsCookie(r)
		}
		switch {
		case sent && g.AdminToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(g.AdminToken)) == 1:
			next.ServeHTTP(w, r)
			return
		case sent:
			keys, ok := g.Tokens.Scope(token)
			if !ok {
				unauthorized(w, "unknown or revoked token")
				return
			}
			g.scoped(w, r, next, keys)
			return
		case g.AdminToken != "":
			unauthorized(w, "the control plane needs Authorization: Bearer TOKEN (the --admin-token, or a merchant token)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// scoped serves a request made with a merchant token covering keys.
func (g *Guard) scoped(w http.ResponseWriter, r *http.Request, next http.Handler, keys []string) {
	q := r.URL.Query()
	merchant := q.Get("merchant")
	for _, rt := range g.Global {
		if rt.Method == r.Method && rt.Path == r.URL.Path && (!rt.UnlessMerchant || merchant == "") {
			WriteJSON(w, http.StatusForbidden, Error{Error: r.Method + " " + r.URL.Path + " is global: a merchant token cannot use it"})
			return
		}
	}
	if merchant == "" && len(keys) > 1 {
		// A path that names one of the token's merchants
		// (/_mockpay/merchants/{key}) says which one is meant.
		for _, seg := range strings.Split(r.URL.Path, "/") {
			if seg != "" && slices.Contains(keys, seg) {
				merchant = seg
				break
			}
		}
	}
	switch {
	case merchant != "" && !slices.Contains(keys, merchant):
		WriteJSON(w, http.StatusForbidden, Error{Error: "this token is scoped to merchant " + strings.Join(keys, " and ")})
		return
	case merchant == "" && len(keys) > 1:
		WriteJSON(w, http.StatusBadRequest, Error{Error: "this token covers merchants " + strings.Join(keys, " and ") +
			": name one with ?merchant="})
		return
	case merchant == "":
		merchant = keys[0]
	}
	if r.Body != nil && r.Body != http.NoBody {
		head, err := io.ReadAll(io.LimitReader(r.Body, maxPeek))
		if err != nil {
			WriteJSON(w, http.StatusBadRequest, Error{Error: "cannot read body"})
			return
		}
		var body struct {
			Merchant any `json:"merchant"`
		}
		if json.Unmarshal(head, &body) == nil && body.Merchant != nil && body.Merchant != merchant {
			WriteJSON(w, http.StatusForbidden, Error{Error: "this token is scoped to merchant " + merchant})
			return
		}
		r.Body = readCloser{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	}
	q.Set("merchant", merchant)
	r.URL.RawQuery = q.Encode()
	next.ServeHTTP(w, r)
}

// Paths the guard treats apart.
const (
	DashboardPath = "/_mockpay/"
	StaticPrefix  = "/_mockpay/static/"
	EventsPath    = "/_mockpay/events"
	// EventsCookie carries the token to the live feed: EventSource cannot
	// send an Authorization header. The dashboard sets it with
	// Path=/_mockpay/events and SameSite=Strict, so a browser sends it to
	// the feed only and never on a request another site starts; the guard
	// reads it for GET /_mockpay/events only, a read that changes nothing.
	// (A ?token= query parameter would land in browser history, proxy logs
	// and Referer headers; the cookie does not.)
	EventsCookie = "mockpay_token"
)

// eventsCookie reads the live feed's token cookie.
func eventsCookie(r *http.Request) (string, bool) {
	c, err := r.Cookie(EventsCookie)
	if err != nil || c.Value == "" {
		return "", false
	}
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return "", true // there but unusable: a wrong token
	}
	return v, true
}

type readCloser struct {
	io.Reader
	io.Closer
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="mockpay"`)
	WriteJSON(w, http.StatusUnauthorized, Error{Error: msg})
}

// bearer reads an "Authorization: Bearer TOKEN" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", true // a header that is there but unusable is a wrong token
	}
	return strings.TrimSpace(token), true
}

// isControl tells the control plane's (and dashboard's) paths.
func isControl(path string) bool {
	return path == "/_mockpay" || strings.HasPrefix(path, "/_mockpay/")
}

// hostAllowed accepts loopback names (localhost, 127.0.0.0/8, ::1, any
// port) and the allowed ones.
func (g *Guard) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, a := range g.AllowedHosts {
		if a == "*" || strings.EqualFold(a, host) || strings.EqualFold(a, hostport) {
			return true
		}
	}
	return false
}

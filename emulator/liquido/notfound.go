package liquido

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// What a path under Liquido's prefixes that no route takes is answered with
// (issue 13, scope 6): always Liquido's own error shape, never mockpay's.
//
//   - An unknown path: 404. Under /v2/ (the cashier API of payment links) in
//     the cashier's {code, message} shape (reference §14.3); elsewhere in
//     Spring's body (§14.2). Real API Gateway answers an unknown resource with
//     403 "Missing Authentication Token"; a 404 that names the path is what
//     an integrator debugging a typo needs.
//   - A known path with another method: 405 with an Allow header, in the same
//     shapes. The reference gives no 405 of Liquido's; 405 in Spring's body is
//     what Spring itself answers for an unsupported method
//     (HttpRequestMethodNotSupportedException), so an integrator sees the
//     status their client library expects for that mistake (GUESS).

// allowedMethods lists the methods the router would take for r's path.
func (s *Server) allowedMethods(r *http.Request) []string {
	if s.router == nil {
		return nil
	}
	var out []string
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = method
		var m mux.RouteMatch
		if s.router.Match(probe, &m) && m.MatchErr == nil && m.Route != nil {
			out = append(out, method)
		}
	}
	return out
}

// unrouted answers a request under Liquido's prefixes that no route takes.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	now := s.anyNow(r)
	e := errNotFound("No endpoint " + r.Method + " " + r.URL.Path)
	if allowed := s.allowedMethods(r); len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		e = &apiError{status: http.StatusMethodNotAllowed, shape: shapeSpring,
			message: "Request method '" + r.Method + "' is not supported; " + r.URL.Path + " takes " + strings.Join(allowed, ", ")}
	}
	if strings.HasPrefix(r.URL.Path, "/v2/") {
		writeCashierError(w, e.status, e.message)
		s.log.Info("liquido request refused", "method", r.Method, "path", r.URL.Path, "http", e.status, "message", e.message)
		return
	}
	s.writeError(w, r, now, e)
}

// writeCashierError writes the v2 cashier API's error body, {code, message}
// with the HTTP status as code (reference §10, §14.3: the one documented body
// is {"code": 400, "message": "Minimum amount of Boleto is 5BRL."}).
func writeCashierError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(status)
	_, _ = w.Write(encode(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{status, message}, nil))
}

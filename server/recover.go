package server

import (
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recover turns a panic in a handler into a logged error answered in the
// caller's provider's own error shape (onPanic writes it), never a bare 500
// or a dropped connection. http.ErrAbortHandler is re-raised: it is how a
// handler deliberately drops a connection.
func Recover(log *slog.Logger, onPanic func(w http.ResponseWriter, r *http.Request)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				onPanic(w, r)
			}()
			next.ServeHTTP(w, r)
		})
	}
}

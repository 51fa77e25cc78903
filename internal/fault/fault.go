// Package fault delivers an answer the way a scenario says: after a delay,
// or replaced by a transport failure — an infrastructure error page, a reset
// connection, a hang until the client gives up, a body that trickles out.
// It knows HTTP, not providers: a provider passes its own error pages.
package fault

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/mockpay/mockpay/scenarios"
)

// Answer is a response ready to write.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// DefaultHang bounds a hang whose scenario gives no duration.
const DefaultHang = 5 * time.Minute

// Deliver writes ans after delay, or the fault in its place. pages are the
// provider's infrastructure pages by HTTP status, used when an http fault
// names no body. The delay and the fault run in real time: they are about
// the client's timeouts, not the payment's lifecycle.
func Deliver(w http.ResponseWriter, r *http.Request, ans Answer, delay time.Duration, f *scenarios.Fault, pages map[int]string) {
	if delay > 0 && !sleep(r.Context(), delay) {
		abort(w)
		return
	}
	if f == nil {
		write(w, ans)
		return
	}
	switch f.Kind {
	case scenarios.FaultHTTP:
		body, ct := f.Body, f.ContentType
		if body == "" {
			body = pages[f.Status]
		}
		if body == "" {
			body = strconv.Itoa(f.Status) + " " + http.StatusText(f.Status) + "\n"
		}
		if ct == "" {
			ct = "text/html"
		}
		write(w, Answer{Status: f.Status, ContentType: ct, Body: []byte(body)})
	case scenarios.FaultReset:
		abort(w)
	case scenarios.FaultHang:
		d := f.Duration
		if d <= 0 {
			d = DefaultHang
		}
		sleep(r.Context(), d)
		abort(w)
	case scenarios.FaultSlow:
		if ans.Status == 0 {
			abort(w) // nothing was processed, so there is no answer to trickle
			return
		}
		slow(w, r.Context(), ans, f.Duration)
	}
}

func write(w http.ResponseWriter, a Answer) {
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Body)))
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}

// slow sends the headers at once and the body in ten parts spread over d.
func slow(w http.ResponseWriter, ctx context.Context, a Answer, d time.Duration) {
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Body)))
	w.WriteHeader(a.Status)
	flusher, _ := w.(http.Flusher)
	const parts = 10
	step := d / parts
	for i := range parts {
		from, to := len(a.Body)*i/parts, len(a.Body)*(i+1)/parts
		_, _ = w.Write(a.Body[from:to])
		if flusher != nil {
			flusher.Flush()
		}
		if i < parts-1 && !sleep(ctx, step) {
			return
		}
	}
}

// sleep waits d, or less if the client goes away; it reports whether the
// whole d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// abort drops the connection with a TCP reset and no answer. Without a
// hijackable connection it falls back to the standard library's abort.
func abort(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // close with RST, as a crashed peer would
	}
	_ = conn.Close()
}

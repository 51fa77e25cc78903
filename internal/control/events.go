package control

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mockpay/mockpay/internal/events"
)

// Events serves GET /_mockpay/events: the dashboard's live feed as
// server-sent events. Each event names what happened ("payment",
// "callback", "clock", "reset") and carries it as one line of JSON; a
// comment line every Heartbeat keeps proxies from closing an idle stream.
// ?merchant= (and ?provider=) narrow the feed as they narrow every list, so
// a merchant token, which the Guard turns into ?merchant=, sees only its own.
//
// The handler's own goroutine is the client's only one: it ends when the
// client goes (the request's context), when the server shuts down (the
// hub closes, so a stream never holds up a SIGTERM), or when one write
// cannot be sent within WriteTimeout (a client that stopped reading), and
// unsubscribes. A client too slow to keep up gets a "resync" event in place
// of what it missed, and re-reads the lists. At most the hub's
// MaxSubscribers streams are open at once; beyond that the answer is 503.
type Events struct {
	Hub          *events.Hub
	Tenants      Tenants       // to answer 404 for an unknown ?merchant= (nil: no check)
	Heartbeat    time.Duration // DefaultHeartbeat when zero
	WriteTimeout time.Duration // DefaultEventWriteTimeout when zero
}

// DefaultHeartbeat is how often an idle stream carries a comment.
const DefaultHeartbeat = 15 * time.Second

// DefaultEventWriteTimeout bounds each write to a stream.
const DefaultEventWriteTimeout = 10 * time.Second

func (e Events) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	merchant, provider := q.Get("merchant"), q.Get("provider")
	if merchant != "" && e.Tenants != nil && !e.known(r) {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + merchant})
		return
	}
	sub, err := e.Hub.TrySubscribe(func(tenant string) bool {
		p, key, _ := strings.Cut(tenant, ":")
		return (merchant == "" || key == merchant) && (provider == "" || p == provider)
	})
	if err != nil {
		w.Header().Set("Retry-After", "5")
		WriteJSON(w, http.StatusServiceUnavailable, Error{Error: "too many live feeds open; close one and retry"})
		return
	}
	defer e.Hub.Unsubscribe(sub)

	rc := http.NewResponseController(w)
	// The server's ReadTimeout would otherwise end the stream: when the read
	// deadline passes, net/http cancels the request's context.
	_ = rc.SetReadDeadline(time.Time{})
	writeTimeout := e.WriteTimeout
	if writeTimeout <= 0 {
		writeTimeout = DefaultEventWriteTimeout
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Accel-Buffering", "no") // a proxy in front must not buffer it
	w.WriteHeader(http.StatusOK)

	beat := e.Heartbeat
	if beat <= 0 {
		beat = DefaultHeartbeat
	}
	tick := time.NewTicker(beat)
	defer tick.Stop()

	var buf bytes.Buffer
	// retry: how soon EventSource reconnects after a drop.
	buf.WriteString("retry: 2000\n: mockpay events\n\n")
	for {
		if buf.Len() > 0 {
			// A client that stopped reading fills the socket's buffers; the
			// deadline drops it instead of holding this goroutine forever.
			if err := rc.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
				return
			}
			if _, err := w.Write(buf.Bytes()); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
			buf.Reset()
		}
		select {
		case <-r.Context().Done():
			return
		case <-sub.Done:
			return
		case <-tick.C:
			buf.WriteString(": ping\n\n")
		case <-sub.Lost:
			// What is still buffered is older than the resync it asks for.
			for drained := false; !drained; {
				select {
				case <-sub.C:
				default:
					drained = true
				}
			}
			buf.WriteString("event: resync\ndata: {}\n\n")
		case ev := <-sub.C:
			writeEvent(&buf, ev)
			// Send what else is ready in the same write.
			for more := true; more && buf.Len() < 64<<10; {
				select {
				case ev := <-sub.C:
					writeEvent(&buf, ev)
				default:
					more = false
				}
			}
		}
	}
}

// known tells whether the merchant the request names exists.
func (e Events) known(r *http.Request) bool {
	_, ok := tenantIDs(e.Tenants, r.URL.Query().Get("provider"), r.URL.Query().Get("merchant"))
	return ok
}

// writeEvent writes one event; data is JSON, whose own newlines (none in
// compact JSON, but a RawMessage could hold some) each start a data line.
func writeEvent(buf *bytes.Buffer, ev events.Event) {
	data := ev.Data
	if len(data) == 0 {
		data = []byte("null")
	}
	fmt.Fprintf(buf, "event: %s\ndata: %s\n\n", ev.Kind, bytes.ReplaceAll(data, []byte("\n"), []byte("\ndata: ")))
}

package mockpaytest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"
)

// Receiver is a merchant's callback endpoint for a test: an HTTP server on
// loopback whose URL goes in server_url (LiqPay) or callbackUrl (Liquido),
// or in CallbackURL. It answers 200 and records every request.
type Receiver struct {
	t   TB
	srv *httptest.Server

	mu      sync.Mutex
	got     []Callback
	next    int           // the first callback WaitCallback has not returned
	arrived chan struct{} // closed and replaced on each arrival
}

// Callback is one request a Receiver got.
type Callback struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Form decodes a form body (LiqPay's data=…&signature=…).
func (c Callback) Form() url.Values {
	v, _ := url.ParseQuery(string(c.Body))
	return v
}

// JSON decodes a JSON body (Liquido's); nil when it is not JSON.
func (c Callback) JSON() map[string]any {
	var m map[string]any
	if json.Unmarshal(c.Body, &m) != nil {
		return nil
	}
	return m
}

// NewReceiver starts a callback receiver that stops when the test ends.
func NewReceiver(t TB) *Receiver {
	t.Helper()
	rv := &Receiver{t: t, arrived: make(chan struct{})}
	rv.srv = httptest.NewServer(http.HandlerFunc(rv.serve))
	t.Cleanup(rv.srv.Close)
	return rv
}

// URL is the receiver's address, e.g. http://127.0.0.1:39201; any path
// under it is received.
func (rv *Receiver) URL() string { return rv.srv.URL }

func (rv *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	rv.mu.Lock()
	rv.got = append(rv.got, Callback{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	close(rv.arrived)
	rv.arrived = make(chan struct{})
	rv.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// Callbacks are the requests received so far, oldest first.
func (rv *Receiver) Callbacks() []Callback {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return append([]Callback(nil), rv.got...)
}

// WaitCallback returns the next callback not yet returned by WaitCallback,
// waiting up to timeout for it to arrive; none in time fails the test.
func (rv *Receiver) WaitCallback(timeout time.Duration) Callback {
	rv.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		rv.mu.Lock()
		if rv.next < len(rv.got) {
			cb := rv.got[rv.next]
			rv.next++
			rv.mu.Unlock()
			return cb
		}
		arrived := rv.arrived
		rv.mu.Unlock()
		select {
		case <-arrived:
		case <-deadline.C:
			rv.t.Fatalf("mockpaytest: no callback at %s within %s (%d received before)", rv.URL(), timeout, len(rv.Callbacks()))
			return Callback{}
		}
	}
}

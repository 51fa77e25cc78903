// Package callbacktest is a merchant's callback endpoint for tests: an HTTP
// server on loopback that answers scripted status codes and records every
// request it gets. It knows nothing about providers; tests decode bodies
// themselves.
package callbacktest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Receiver is a recording callback endpoint.
type Receiver struct {
	*httptest.Server

	mu    sync.Mutex
	codes []int
	got   []Request
	hang  chan struct{}
}

// Request is one callback as the receiver got it.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// New starts a receiver that answers codes in turn (then 200) and stops
// when the test ends.
func New(t testing.TB, codes ...int) *Receiver {
	rv := &Receiver{codes: codes}
	rv.Server = httptest.NewServer(http.HandlerFunc(rv.serve))
	t.Cleanup(func() {
		rv.Release()
		rv.Close()
	})
	return rv
}

// Hang makes every request block, unanswered, until Release or the
// caller gives up.
func (rv *Receiver) Hang() {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if rv.hang == nil {
		rv.hang = make(chan struct{})
	}
}

// Release lets hanging requests go, unanswered.
func (rv *Receiver) Release() {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if rv.hang != nil {
		close(rv.hang)
		rv.hang = nil
	}
}

func (rv *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	rv.mu.Lock()
	hang := rv.hang
	rv.mu.Unlock()
	if hang != nil {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
		return
	}
	body, _ := io.ReadAll(r.Body)
	rv.mu.Lock()
	code := http.StatusOK
	if len(rv.codes) > 0 {
		code, rv.codes = rv.codes[0], rv.codes[1:]
	}
	rv.got = append(rv.got, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	rv.mu.Unlock()
	w.WriteHeader(code)
}

// Received returns what arrived so far, oldest first.
func (rv *Receiver) Received() []Request {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return append([]Request(nil), rv.got...)
}

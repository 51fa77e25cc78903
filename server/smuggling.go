package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync/atomic"
)

// Go's net/http accepts a request with both Content-Length and
// Transfer-Encoding: chunked (it drops Content-Length and reads chunks) and
// keeps the connection open. RFC 9112 §6.1 calls such a message a likely
// request-smuggling attempt that a server ought to treat as an error and
// close the connection after, which is what mockpay does. net/http deletes
// the Content-Length header before any handler runs, so the request heads
// are watched on the connection itself as they are read.

// headsListener wraps each plain TCP connection in a headsConn. TLS
// connections are passed through untouched (http.Server needs the *tls.Conn
// itself); the check covers plain HTTP.
type headsListener struct{ net.Listener }

func (l headsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if _, ok := c.(*tls.Conn); ok {
		return c, nil
	}
	return &headsConn{Conn: c}, nil
}

// headsConn scans what is read for request heads carrying both headers.
// Only the goroutine serving the connection reads, so the scanner state
// needs no lock; the verdict is read by handlers through the context.
type headsConn struct {
	net.Conn
	smuggled atomic.Bool

	inHead bool
	cl, te bool
	prefix []byte // the first bytes of the current line, lower-cased, up to maxPrefix
	tail   []byte // the last bytes of the current line, up to len(" HTTP/1.1\r")
}

const (
	maxPrefix = len("transfer-encoding:")
	maxTail   = len(" HTTP/1.1\r")
)

func (c *headsConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.smuggled.Load() {
		c.scan(p[:n])
	}
	return n, err
}

// scan follows lines through b; bodies pass by at memchr speed.
func (c *headsConn) scan(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		seg := b
		if i >= 0 {
			seg = b[:i]
		}
		if room := maxPrefix - len(c.prefix); room > 0 {
			for _, ch := range seg[:min(room, len(seg))] {
				c.prefix = append(c.prefix, lower(ch))
			}
		}
		if len(seg) >= maxTail {
			c.tail = append(c.tail[:0], seg[len(seg)-maxTail:]...)
		} else {
			c.tail = append(c.tail, seg...)
			if over := len(c.tail) - maxTail; over > 0 {
				c.tail = append(c.tail[:0], c.tail[over:]...)
			}
		}
		if i < 0 {
			return
		}
		c.endLine()
		b = b[i+1:]
	}
}

func (c *headsConn) endLine() {
	line := bytes.TrimSuffix(c.prefix, []byte("\r"))
	tail := bytes.TrimSuffix(c.tail, []byte("\r"))
	switch {
	case c.inHead && len(line) == 0: // the blank line ending a head
		if c.cl && c.te {
			c.smuggled.Store(true)
		}
		c.inHead = false
	case c.inHead:
		c.cl = c.cl || bytes.HasPrefix(line, []byte("content-length:"))
		c.te = c.te || bytes.HasPrefix(line, []byte("transfer-encoding:"))
	case len(tail) >= len(" HTTP/1.x") && bytes.HasPrefix(tail[len(tail)-len(" HTTP/1.x"):], []byte(" HTTP/1.")):
		// A request line ("POST /api/request HTTP/1.1") starts a head.
		c.inHead, c.cl, c.te = true, false, false
	}
	c.prefix = c.prefix[:0]
	c.tail = c.tail[:0]
}

func lower(ch byte) byte {
	if 'A' <= ch && ch <= 'Z' {
		return ch + 'a' - 'A'
	}
	return ch
}

type headsKey struct{}

// headsContext is http.Server's ConnContext: it hands the connection's
// scanner to the requests read from it.
func headsContext(ctx context.Context, c net.Conn) context.Context {
	if hc, ok := c.(*headsConn); ok {
		return context.WithValue(ctx, headsKey{}, hc)
	}
	return ctx
}

// refuseSmuggling answers 400 and closes the connection when the request's
// head had both Content-Length and Transfer-Encoding.
func refuseSmuggling(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TransferEncoding) > 0 {
			if hc, ok := r.Context().Value(headsKey{}).(*headsConn); ok && hc.smuggled.Load() {
				w.Header().Set("Connection", "close")
				http.Error(w, "400 Bad Request: both Content-Length and Transfer-Encoding (RFC 9112 §6.1)", http.StatusBadRequest)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

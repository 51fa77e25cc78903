package server

import (
	"strings"
	"testing"
)

func TestHeadsConnSpotsBothLengthHeaders(t *testing.T) {
	const (
		clean   = "POST /api/request HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
		chunked = "POST /api/request HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
		both    = "POST /api/request HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n"
		// A body that looks like a head with both headers does not count:
		// it follows a head, and only a request line starts one.
		bodyLike = "POST /a HTTP/1.1\r\nContent-Length: 40\r\n\r\nContent-Length: 1\r\nTransfer-Encoding: x\r\n\r\n"
	)
	tests := []struct {
		name   string
		stream string
		want   bool
	}{
		{"content-length only", clean, false},
		{"chunked only", chunked, false},
		{"both", both, true},
		{"both, LF line ends", strings.ReplaceAll(both, "\r\n", "\n"), true},
		{"both in the second pipelined request", clean + both, true},
		{"header-like lines in a body", bodyLike, false},
		{"long request line", "GET /" + strings.Repeat("x", 5000) + " HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", true},
	}
	for _, tt := range tests {
		// Every split of the stream into reads must give the same verdict.
		for _, size := range []int{1, 2, 7, 64, 1 << 20} {
			c := &headsConn{}
			for s := tt.stream; len(s) > 0; {
				n := min(size, len(s))
				c.scan([]byte(s[:n]))
				s = s[n:]
			}
			if got := c.smuggled.Load(); got != tt.want {
				t.Errorf("%s, reads of %d bytes: smuggled %v, want %v", tt.name, size, got, tt.want)
			}
		}
	}
}

package callback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
	"unicode/utf8"
)

const (
	// maxResponseBody is how much of an answer the delivery log keeps.
	maxResponseBody = 4 << 10
	// maxDrain is how much more of an answer is read and thrown away so the
	// connection can be reused; a receiver streaming more loses it instead.
	maxDrain = 256 << 10
)

// attempt is a finished attempt as the dispatcher keeps it; the request side
// (URL, body) is the record's and the same for every attempt, the headers
// too unless the record signs each attempt.
type attempt struct {
	number     int
	at         time.Time
	manual     bool
	reqHeader  http.Header // what was sent, when the record signs each attempt
	status     int
	respHeader http.Header
	respBody   string
	truncated  bool
	duration   time.Duration
	err        string
}

// defaultClient shares one Transport among all attempts: callbacks mostly go
// to a handful of merchant hosts, and keeping their connections alive is what
// makes thousands of deliveries a second possible.
func defaultClient(maxConns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment,
			DialContext: (&net.Dialer{
				Timeout:   30 * time.Second,
				KeepAlive: 30 * time.Second,
			}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          0, // no overall cap; the per-host one applies
			MaxIdleConnsPerHost:   maxConns,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		},
		// A redirect is a failed delivery, as with the webhook senders
		// merchants know; following it would also turn a POST into a GET.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// send performs one attempt. It runs without the dispatcher's lock and
// touches only the record's immutable request fields.
func (d *Dispatcher) send(j job) (a attempt) {
	r := j.r
	a = attempt{number: j.number, at: j.at, manual: j.manual}
	ctx, cancel := context.WithTimeout(j.ctx, r.policy.Timeout)
	defer cancel()
	start := time.Now()
	defer func() { a.duration = time.Since(start) }()

	req, err := http.NewRequestWithContext(ctx, r.method, r.url, bytes.NewReader(r.body))
	if err != nil {
		a.err = err.Error()
		return a
	}
	req.Header = r.header.Clone()
	if r.sign != nil {
		for k, v := range r.sign(j.at, r.body) {
			req.Header[k] = v
		}
		a.reqHeader = req.Header.Clone()
	}
	resp, err := d.client.Do(req)
	if err != nil {
		a.err = describe(ctx, err, r.policy.Timeout)
		return a
	}
	defer resp.Body.Close()
	a.status = resp.StatusCode
	a.respHeader = resp.Header

	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if len(body) > maxResponseBody {
		body, a.truncated = trimUTF8(body[:maxResponseBody]), true
	}
	a.respBody = string(body)
	if err == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	}
	if err != nil {
		// The status already decided the outcome; the error is kept so a
		// receiver that hangs after answering shows up in the log.
		a.err = "reading response: " + describe(ctx, err, r.policy.Timeout)
	}
	return a
}

// describe turns the timeout and cancellation errors, which net/http words
// in terms of contexts, into what a merchant developer needs to read.
func describe(ctx context.Context, err error, timeout time.Duration) string {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Sprintf("timeout: no complete answer within %s (%v)", timeout, err)
	case ctx.Err() != nil:
		return fmt.Sprintf("cancelled: tenant reset or mockpay stopping (%v)", err)
	}
	return err.Error()
}

// trimUTF8 drops a rune cut in half at the end of b, so a truncated body
// still encodes as the text it was.
func trimUTF8(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

func (d *Dispatcher) logAttempt(j job, a attempt) {
	ctx := context.Background()
	if !d.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	d.log.LogAttrs(ctx, slog.LevelDebug, "callback attempt",
		slog.String("id", j.r.id),
		slog.String("tenant", j.r.t.name),
		slog.String("provider", j.r.provider),
		slog.String("url", j.r.url),
		slog.Int("attempt", a.number),
		slog.Bool("redelivery", a.manual),
		slog.Int("status", a.status),
		slog.Duration("duration", a.duration),
		slog.String("error", a.err))
}

// header is what the attempt sent: the record's headers, or the ones signed
// for this attempt.
func (a attempt) header(r *record) http.Header {
	if a.reqHeader != nil {
		return a.reqHeader.Clone()
	}
	return r.header.Clone()
}

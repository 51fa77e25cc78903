package liquido

import (
	"context"
	"net/http"
)

// A request's token is verified once: the journal's identify (MerchantOf)
// verifies it to find the merchant before the handler runs, and verifying it
// again in the handler (two JSON decodes and an HMAC) was about 5% of the
// CPU of a card charge (docs/benchmarks.md). WithTokenMemo gives a request a
// place for the first verification; the handler takes it from there, once.

type memoKey struct{}

// tokenMemo holds the result of verifying one token.
type tokenMemo struct {
	token string
	m     *merchant
	cl    claims
	ok    bool
	set   bool
}

// WithTokenMemo returns r with a place to keep its verified token.
func WithTokenMemo(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), memoKey{}, &tokenMemo{}))
}

// verifyTokenOnce is verifyToken, keeping its result in ctx for the
// handler of the same request.
func (s *Server) verifyTokenOnce(ctx context.Context, token string) (*merchant, claims, bool) {
	m, cl, ok := s.verifyToken(token)
	if memo, found := ctx.Value(memoKey{}).(*tokenMemo); found {
		*memo = tokenMemo{token: token, m: m, cl: cl, ok: ok, set: true}
	}
	return m, cl, ok
}

// verifiedToken is verifyToken, taking the result verifyTokenOnce of the
// same token left in ctx instead of verifying again.
func (s *Server) verifiedToken(ctx context.Context, token string) (*merchant, claims, bool) {
	if memo, found := ctx.Value(memoKey{}).(*tokenMemo); found && memo.set {
		got := *memo
		*memo = tokenMemo{}
		if got.token == token {
			return got.m, got.cl, got.ok
		}
	}
	return s.verifyToken(token)
}

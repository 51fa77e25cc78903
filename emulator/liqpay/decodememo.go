package liqpay

import (
	"context"
	"net/http"
)

// A request's data is decoded once: the journal's identify decodes it to
// find the merchant before the handler runs, and decoding it again in the
// handler was 5–6% of the CPU of a LiqPay request (docs/benchmarks.md).
// WithDecodeMemo gives a request a place for the first decode; the handler
// takes it from there (once: the handler may change its params).

type memoKey struct{}

// decodeMemo holds the result of decoding one data string.
type decodeMemo struct {
	data   string
	params Params
	err    error
	set    bool
}

// WithDecodeMemo returns r with a place to keep its decoded data.
func WithDecodeMemo(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), memoKey{}, &decodeMemo{}))
}

// DecodeDataOnce is DecodeData that keeps its result for the handler of
// the same request (see WithDecodeMemo). Without a memo it is DecodeData.
// The caller must not change the params it gets.
func DecodeDataOnce(ctx context.Context, data string) (Params, error) {
	params, err := DecodeData(data)
	if m, ok := ctx.Value(memoKey{}).(*decodeMemo); ok {
		*m = decodeMemo{data: data, params: params, err: err, set: true}
	}
	return params, err
}

// decodeData is DecodeData, taking the result a DecodeDataOnce of the same
// data left in ctx instead of decoding again.
func decodeData(ctx context.Context, data string) (Params, error) {
	if m, ok := ctx.Value(memoKey{}).(*decodeMemo); ok && m.set {
		got := *m
		*m = decodeMemo{}
		if got.data == data {
			return got.params, got.err
		}
	}
	return DecodeData(data)
}

package callback

import (
	"fmt"
	"testing"
	"time"
)

// Retention must not scan the callbacks still pending (they pile up while a
// receiver is down): Enqueue costs the same with 10k or 100k waiting.
func BenchmarkEnqueueWithManyPending(b *testing.B) {
	for _, pending := range []int{10000, 100000} {
		b.Run(fmt.Sprint(pending), func(b *testing.B) {
			c := newClock(b)
			d := newDispatcher(b, Options{MaxRecordsPerTenant: 1000})
			for range pending {
				d.Enqueue(c, Request{Tenant: "t", URL: "http://127.0.0.1:1/", Delay: time.Hour})
			}
			b.ResetTimer()
			for range b.N {
				d.Enqueue(c, Request{Tenant: "t", URL: "http://127.0.0.1:1/", Delay: time.Hour})
			}
		})
	}
}

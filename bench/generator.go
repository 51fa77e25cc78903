package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// result is one timed run.
type result struct {
	n, errors int
	elapsed   time.Duration
	p50, p99  time.Duration
}

func (r result) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

func newClient(conns int) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}
}

// firstError makes the first failed answer of a run print, so an error
// count always comes with a reason.
var firstError atomic.Bool

// send makes request i, reads the whole answer and reports its latency
// and whether it was a non-error answer.
func send(c *http.Client, l load, base string, i int64) (time.Duration, bool) {
	req, err := l.make(base, i)
	if err != nil {
		return 0, false
	}
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return time.Since(t0), false
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(t0)
	// LiqPay answers its errors with HTTP 200: the envelope says so.
	ok := err == nil && resp.StatusCode < 400 && !bytes.Contains(body, []byte(`"result":"error"`))
	if !ok && firstError.CompareAndSwap(false, true) {
		fmt.Fprintf(os.Stderr, "bench: first error: %s %s: HTTP %d %.300s\n", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return took, ok
}

// closedLoop runs conns workers, each sending its next request as soon as
// the last is answered, for d: the maximum rate.
func closedLoop(c *http.Client, l load, base string, conns int, d time.Duration) result {
	var next atomic.Int64
	deadline := time.Now().Add(d)
	lat := make([][]time.Duration, conns)
	errs := make([]int, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				took, ok := send(c, l, base, next.Add(1))
				lat[w] = append(lat[w], took)
				if !ok {
					errs[w]++
				}
			}
		}()
	}
	wg.Wait()
	return summarise(lat, errs, time.Since(start))
}

// fixedRate sends rate requests a second for d, each on schedule whatever
// the answers before it, with up to conns in flight. Latency counts from
// the scheduled time, so a server that falls behind shows it (no
// coordinated omission).
func fixedRate(c *http.Client, l load, base string, rate float64, conns int, d time.Duration) result {
	total := int(rate * d.Seconds())
	interval := time.Duration(float64(time.Second) / rate)
	jobs := make(chan time.Time, conns)
	lat := make([][]time.Duration, conns)
	errs := make([]int, conns)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for due := range jobs {
				if wait := time.Until(due); wait > 0 {
					time.Sleep(wait)
				}
				_, ok := send(c, l, base, next.Add(1))
				lat[w] = append(lat[w], time.Since(due))
				if !ok {
					errs[w]++
				}
			}
		}()
	}
	for i := range total {
		jobs <- start.Add(time.Duration(i) * interval)
	}
	close(jobs)
	wg.Wait()
	return summarise(lat, errs, time.Since(start))
}

func summarise(lat [][]time.Duration, errs []int, elapsed time.Duration) result {
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := result{n: len(all), elapsed: elapsed}
	for _, e := range errs {
		r.errors += e
	}
	if len(all) > 0 {
		r.p50 = all[len(all)*50/100]
		r.p99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return r
}

// countLoop sends exactly n requests, numbered from first on, over conns
// workers as fast as they are answered.
func countLoop(c *http.Client, l load, base string, conns int, first int64, n int) result {
	next := first
	var mu sync.Mutex
	lat := make([][]time.Duration, conns)
	errs := make([]int, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= first+int64(n) {
					return
				}
				took, ok := send(c, l, base, i)
				lat[w] = append(lat[w], took)
				if !ok {
					errs[w]++
				}
			}
		}()
	}
	wg.Wait()
	return summarise(lat, errs, time.Since(start))
}

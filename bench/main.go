// Command bench measures mockpay against a bare net/http handler on the
// same machine in the same run, and its memory: see docs/benchmarks.md.
//
//	go run ./bench                         # throughput: every load, ratios to the baseline
//	go run ./bench -memory 100000          # RSS idle and with 100,000 stored payments
//	go run ./bench -memory 100000 -memory-load liquido   # the same with Liquido card charges
//	go run ./bench -soak 3m                # RSS over time at a steady load, CSV + SVG
//
// Flags after "--" go to mockpay (its own serve flags, e.g. --retain-payments).
// Each server runs in a child process (this program re-run with -serve), so
// its RSS and CPU are its own, not the load generator's. Everything listens
// on 127.0.0.1 only, and every loop is bounded in count and time.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

type options struct {
	duration time.Duration
	rounds   int
	conns    int
	loads    string
	memory   int
	memLoad  string // what -memory stores: pay or liquido
	soak     time.Duration
	soakRate float64
	out      string
	profile  string
	heap     string
	mockpay  []string
	halfRate bool
}

func main() {
	var o options
	serve := flag.String("serve", "", "internal: run one server under test (mockpay or baseline)")
	flag.DurationVar(&o.duration, "duration", 4*time.Second, "length of each timed run")
	flag.IntVar(&o.rounds, "rounds", 3, "interleaved baseline/mockpay rounds per load")
	flag.IntVar(&o.conns, "conns", 32, "concurrent connections (closed loop), most in flight (fixed rate)")
	flag.StringVar(&o.loads, "loads", "pay,status,liquido,mixed", "loads to run, comma-separated")
	flag.BoolVar(&o.halfRate, "half-rate", true, "also run each load at half mockpay's maximum rate for p99")
	flag.IntVar(&o.memory, "memory", 0, "measure RSS idle and with this many stored payments instead")
	flag.StringVar(&o.memLoad, "memory-load", "pay", "what -memory stores: pay (LiqPay pays with a card) or liquido (Liquido card charges)")
	flag.DurationVar(&o.soak, "soak", 0, "run a soak of this length instead (at most 1h)")
	flag.Float64Var(&o.soakRate, "soak-rate", 400, "requests a second during the soak (mixed load, callbacks on)")
	flag.StringVar(&o.out, "out", "bench/out", "folder for the soak's CSV and SVG")
	flag.StringVar(&o.profile, "cpuprofile", "", "write mockpay's CPU profile here (pprof)")
	flag.StringVar(&o.heap, "memprofile", "", "write mockpay's heap profile here at the end (pprof)")
	flag.Parse()
	o.mockpay = flag.Args()
	if *serve != "" {
		if err := serveChild(*serve, o.profile, o.heap, o.mockpay); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	var err error
	switch {
	case o.soak > 0:
		err = soak(o)
	case o.memory > 0:
		err = memory(o)
	default:
		err = throughput(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// receiver is a local callback receiver that counts what it is sent.
type receiver struct {
	url string
	got atomic.Int64
	srv *http.Server
}

func newReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rv := &receiver{url: "http://" + ln.Addr().String() + "/callback"}
	rv.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rv.got.Add(1)
		w.WriteHeader(http.StatusOK)
	})}
	go func() { _ = rv.srv.Serve(ln) }()
	return rv, nil
}

func machine() string {
	return fmt.Sprintf("%s/%s, %d CPUs (GOMAXPROCS %d), %s, load average %s",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), loadAverage())
}

func throughput(o options) error {
	base, err := start("baseline", "", "")
	if err != nil {
		return err
	}
	defer base.stop()
	mp, err := start("mockpay", o.profile, o.heap, o.mockpay...)
	if err != nil {
		return err
	}
	defer mp.stop()
	rv, err := newReceiver()
	if err != nil {
		return err
	}
	defer rv.srv.Close()
	c := newClient(o.conns)
	fmt.Printf("machine: %s\n", machine())
	fmt.Printf("each figure: %d interleaved rounds of %s, %d connections; ratio = mockpay req/s ÷ baseline req/s of the same round (median)\n\n",
		o.rounds, o.duration, o.conns)
	fmt.Println("CPU per request: each server process's user+system CPU time over the maximum-rate rounds ÷ its requests; CPU ratio = baseline's ÷ mockpay's;")
	fmt.Println("idle estimate = (g + baseline's) ÷ (g + mockpay's), g the load generator's CPU per request: the req/s ratio of a closed loop sharing the cores (bench/cputime.go)")
	fmt.Println()
	fmt.Println("| load | baseline req/s | mockpay req/s | ratio (median of rounds) | CPU per request, baseline / mockpay | CPU ratio | mockpay p50 / p99 at max | half-max rate | baseline p50 / p99 at half | mockpay p50 / p99 at half | errors | load avg |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, name := range strings.Split(o.loads, ",") {
		var l load
		switch name {
		case "pay":
			l = payLoad("")
		case "status":
			l = statusLoad()
		case "liquido":
			l = liquidoLoad("")
		case "mixed":
			l = mixedLoad(rv.url)
		default:
			return fmt.Errorf("unknown load %q", name)
		}
		if l.prepare != nil {
			if err := l.prepare(c, mp.url()); err != nil {
				return fmt.Errorf("%s: %v", l.name, err)
			}
		}
		// Warm both up (connections, caches) before anything is timed.
		closedLoop(c, l, base.url(), o.conns, time.Second/2)
		closedLoop(c, l, mp.url(), o.conns, time.Second/2)
		before := rv.got.Load()
		var ratios []float64
		var b, m result
		var cpuB, cpuM, genB, genM time.Duration
		for range o.rounds {
			rb, cb, gb := measured(base, func() result { return closedLoop(c, l, base.url(), o.conns, o.duration) })
			rm, cm, gm := measured(mp, func() result { return closedLoop(c, l, mp.url(), o.conns, o.duration) })
			ratios = append(ratios, rm.rate()/rb.rate())
			b, m = add(b, rb), add(m, rm)
			cpuB, cpuM, genB, genM = cpuB+cb, cpuM+cm, genB+gb, genM+gm
		}
		cpuRatio := "-"
		if cpuB > 0 && cpuM > 0 {
			perB, perM := cpuB.Seconds()/float64(b.n), cpuM.Seconds()/float64(m.n)
			g := (genB.Seconds() + genM.Seconds()) / float64(b.n+m.n)
			cpuRatio = fmt.Sprintf("**%.2f×** (idle estimate %.2f×)", perB/perM, (g+perB)/(g+perM))
		}
		slices.Sort(ratios)
		half := "-"
		hb, hm := "-", "-"
		errs := m.errors
		if o.halfRate {
			rate := m.rate() / 2
			half = fmt.Sprintf("%.0f/s", rate)
			rb := fixedRate(c, l, base.url(), rate, o.conns*4, o.duration)
			rm := fixedRate(c, l, mp.url(), rate, o.conns*4, o.duration)
			hb, hm = lat(rb), lat(rm)
			errs += rm.errors
		}
		fmt.Printf("| %s | %.0f | %.0f | **%.2f×** (rounds %s) | %s / %s | %s | %s | %s | %s | %s | %d of %d | %s |\n",
			l.name, b.rate(), m.rate(), ratios[len(ratios)/2], fmtRatios(ratios), perRequest(cpuB, b.n), perRequest(cpuM, m.n), cpuRatio,
			lat(m), half, hb, hm, errs, m.n, loadAverage())
		if name == "mixed" {
			// Give callbacks in flight a moment, then say how many arrived.
			time.Sleep(3 * time.Second)
			fmt.Printf("|   callbacks received during the mixed runs: %d |\n", rv.got.Load()-before)
		}
	}
	return nil
}

// add sums two runs' counts and time; latencies keep the later run's
// (each round's percentiles are close; the table shows the last).
func add(a, b result) result {
	return result{n: a.n + b.n, errors: a.errors + b.errors, elapsed: a.elapsed + b.elapsed, p50: b.p50, p99: b.p99}
}

func lat(r result) string {
	return fmt.Sprintf("%.2f / %.2f ms", ms(r.p50), ms(r.p99))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fmtRatios(rs []float64) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = fmt.Sprintf("%.2f", r)
	}
	return strings.Join(s, ", ")
}

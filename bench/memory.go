package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// memory measures the mockpay child's RSS idle, then with o.memory stored
// payments (LiqPay pay, or with -memory-load liquido a Liquido card charge;
// a new order or key each time, no callbacks), and says what each payment
// costs.
func memory(o options) error {
	var l load
	switch o.memLoad {
	case "pay":
		l = payLoad("")
	case "liquido":
		l = liquidoLoad("")
	default:
		return fmt.Errorf("-memory-load %q: want pay or liquido", o.memLoad)
	}
	mp, err := start("mockpay", "", o.heap, o.mockpay...)
	if err != nil {
		return err
	}
	defer mp.stop()
	fmt.Printf("machine: %s\n", machine())
	time.Sleep(2 * time.Second)
	idle, err := mp.rss()
	if err != nil {
		return err
	}
	fmt.Printf("idle RSS: %.1f MiB\n", mib(idle))
	c := newClient(o.conns)
	if l.prepare != nil {
		if err := l.prepare(c, mp.url()); err != nil {
			return err
		}
	}
	fmt.Printf("storing: %s\n", l.name)
	stored, step := 0, max(o.memory/10, 1)
	deadline := time.Now().Add(30 * time.Minute)
	for stored < o.memory && time.Now().Before(deadline) {
		n := min(step, o.memory-stored)
		r := countLoop(c, l, mp.url(), o.conns, int64(stored), n)
		stored += n
		rss, err := mp.rss()
		if err != nil {
			return err
		}
		fmt.Printf("%8d payments: RSS %7.1f MiB, %5.2f KB a payment over idle (%d errors, load average %s)\n",
			stored, mib(rss), float64(rss-idle)/float64(stored)/1024, r.errors, loadAverage())
	}
	return nil
}

// soak runs the mixed load with callbacks at o.soakRate for o.soak,
// sampling mockpay's RSS every few seconds, and writes the samples as a
// CSV and an SVG plot to o.out.
func soak(o options) error {
	if o.soak > time.Hour {
		return fmt.Errorf("a soak is at most 1h")
	}
	mp, err := start("mockpay", "", o.heap, o.mockpay...)
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
	l := mixedLoad(rv.url)
	if err := l.prepare(c, mp.url()); err != nil {
		return err
	}
	fmt.Printf("machine: %s\nsoak: %s at %.0f req/s, mixed load, callbacks on; mockpay flags %q\n", machine(), o.soak, o.soakRate, o.mockpay)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	type sample struct {
		at       time.Duration
		rss      int64
		sent     int
		received int64
	}
	var samples []sample
	start, sent := time.Now(), 0
	every := 5 * time.Second
	for time.Since(start) < o.soak {
		r := fixedRate(c, l, mp.url(), o.soakRate, o.conns*4, every)
		sent += r.n
		rss, err := mp.rss()
		if err != nil {
			return err
		}
		s := sample{at: time.Since(start), rss: rss, sent: sent, received: rv.got.Load()}
		samples = append(samples, s)
		fmt.Printf("%6.0fs RSS %7.1f MiB  requests %8d  callbacks %8d  p99 %6.2f ms  errors %d  load %s\n",
			s.at.Seconds(), mib(rss), sent, s.received, ms(r.p99), r.errors, loadAverage())
	}
	var csv strings.Builder
	csv.WriteString("seconds,rss_mib,requests,callbacks\n")
	for _, s := range samples {
		fmt.Fprintf(&csv, "%.0f,%.1f,%d,%d\n", s.at.Seconds(), mib(s.rss), s.sent, s.received)
	}
	if err := os.WriteFile(filepath.Join(o.out, "soak.csv"), []byte(csv.String()), 0o644); err != nil {
		return err
	}
	xs, ys := make([]float64, len(samples)), make([]float64, len(samples))
	for i, s := range samples {
		xs[i], ys[i] = s.at.Seconds(), mib(s.rss)
	}
	svg := plotSVG(xs, ys, fmt.Sprintf("mockpay RSS (MiB) over a %s soak at %.0f req/s, callbacks on", o.soak, o.soakRate))
	if err := os.WriteFile(filepath.Join(o.out, "soak.svg"), []byte(svg), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s and %s\n", filepath.Join(o.out, "soak.csv"), filepath.Join(o.out, "soak.svg"))
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// plotSVG draws ys over xs as a line, the y axis from 0.
func plotSVG(xs, ys []float64, title string) string {
	const w, h, pad = 640.0, 320.0, 48.0
	maxX, maxY := 1.0, 1.0
	for i := range xs {
		maxX, maxY = math.Max(maxX, xs[i]), math.Max(maxY, ys[i])
	}
	maxY *= 1.1
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="11">`+"\n", w, h)
	fmt.Fprintf(&b, `<text x="%.0f" y="16">%s</text>`+"\n", pad, title)
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`, pad, h-pad, w-pad/2, h-pad)
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`+"\n", pad, h-pad, pad, pad/2)
	for i := 0; i <= 4; i++ {
		v := maxY * float64(i) / 4
		y := h - pad - (h-1.5*pad)*float64(i)/4
		fmt.Fprintf(&b, `<text x="4" y="%.0f">%.0f</text>`, y+4, v)
		t := maxX * float64(i) / 4
		x := pad + (w-1.5*pad)*float64(i)/4
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f">%.0fs</text>`+"\n", x-8, h-pad+16, t)
	}
	b.WriteString(`<polyline fill="none" stroke="steelblue" stroke-width="2" points="`)
	for i := range xs {
		fmt.Fprintf(&b, "%.1f,%.1f ", pad+(w-1.5*pad)*xs[i]/maxX, h-pad-(h-1.5*pad)*ys[i]/maxY)
	}
	b.WriteString("\"/>\n</svg>\n")
	return b.String()
}

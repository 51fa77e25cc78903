package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/server"
)

// serveChild runs one server under test in this (child) process, so its
// RSS and CPU are its own and not the load generator's. It prints the
// address it listens on as its first line of output and runs until SIGTERM.
// kind is "mockpay" (args are mockpay's own flags, parsed by config.Parse
// exactly as `mockpay serve` parses them) or "baseline".
func serveChild(kind, cpuProfile, heapProfile string, args []string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	writeHeap := func() {
		if f, err := os.Create(heapProfile); heapProfile != "" && err == nil {
			runtime.GC()
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	fmt.Println(ln.Addr().String())
	switch kind {
	case "baseline":
		hs := &http.Server{Handler: baseline()}
		go func() { <-ctx.Done(); hs.Close() }()
		if err := hs.Serve(ln); err != http.ErrServerClosed {
			return err
		}
		writeHeap()
		return nil
	case "mockpay":
		// Logging at error unless told otherwise (`-- --log-level info`):
		// at mockpay's default, info, every request writes a line to
		// stderr, which docs/benchmarks.md measures apart.
		cfg, err := config.Parse("serve", append([]string{"--seed", "1", "--log-level", "error"}, args...), os.Getenv)
		if err != nil {
			return err
		}
		var level slog.Level
		if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
			return err
		}
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
		srv, err := server.New(cfg, log, nil)
		if err != nil {
			return err
		}
		err = srv.Serve(ctx, ln)
		// The heap profile is of the stored payments: the server must still
		// be reachable when it is written, or its GC drops them first.
		writeHeap()
		runtime.KeepAlive(srv)
		return err
	}
	return fmt.Errorf("unknown server %q", kind)
}

// baseline is the bare handler every figure is a ratio to: it reads the
// body and writes a fixed JSON, which is the least any HTTP API does.
func baseline() http.Handler {
	body := []byte(`{"result":"ok","status":"success"}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}

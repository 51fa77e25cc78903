package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/mockpay/mockpay/internal/bundle"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/control"
	"github.com/mockpay/mockpay/server"
)

// The commands that work on a run: expectations (ask a running mockpay
// whether its scenario files' expectations are met), bundle (export a
// merchant's run) and replay (serve a bundle again).

// client holds what every command that talks to a running mockpay takes.
type client struct {
	url, token, merchant, provider string
}

func (c *client) flags(fs *flag.FlagSet, getenv func(string) string) {
	def := getenv("MOCKPAY_URL")
	if def == "" {
		def = "http://" + config.DefaultAddr
	}
	fs.StringVar(&c.url, "url", def, "mockpay's base URL (default $MOCKPAY_URL or http://"+config.DefaultAddr+")")
	fs.StringVar(&c.token, "token", getenv("MOCKPAY_ADMIN_TOKEN"), "control plane token (default $MOCKPAY_ADMIN_TOKEN)")
	fs.StringVar(&c.merchant, "merchant", "", "merchant key (LiqPay public_key, Liquido client_id)")
	fs.StringVar(&c.provider, "provider", "", "liqpay or liquido, when a key names both")
}

// get asks the control plane; a non-200 answer is an error with its text.
func (c *client) get(path string, q url.Values) (*http.Response, []byte, error) {
	for k, v := range map[string]string{"merchant": c.merchant, "provider": c.provider} {
		if v != "" {
			q.Set(k, v)
		}
	}
	u := strings.TrimSuffix(c.url, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, bundle.MaxSize))
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e control.Error
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, nil, fmt.Errorf("%s: %s", resp.Status, e.Error)
		}
		return nil, nil, fmt.Errorf("%s from %s", resp.Status, u)
	}
	return resp, body, nil
}

// expectations prints the expectations report as a table (or JSON with
// --json), writes JUnit XML with --junit FILE, and exits 1 when any is
// unmet.
func expectations(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("expectations", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c client
	c.flags(fs, getenv)
	junit := fs.String("junit", "", "also write the report as JUnit XML to this file")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	_, body, err := c.get("/_mockpay/expectations", url.Values{})
	if err != nil {
		fmt.Fprintln(stderr, "mockpay expectations:", err)
		return 2
	}
	var rep control.ExpectationReport
	if err := json.Unmarshal(body, &rep); err != nil {
		fmt.Fprintln(stderr, "mockpay expectations: the answer is not a report:", err)
		return 2
	}
	if *junit != "" {
		if err := os.WriteFile(*junit, control.JUnit(rep), 0o644); err != nil {
			fmt.Fprintln(stderr, "mockpay expectations:", err)
			return 2
		}
	}
	if *asJSON {
		_, _ = stdout.Write(body)
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RESULT\tMERCHANT\tEXPECTATION\tWHERE\tSEEN")
		for _, r := range rep.Expectations {
			result := "met"
			if !r.Met {
				result = "UNMET"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s:%d\t%s\n", result, firstNonEmpty(r.Tenant, "-"), r.Expectation, r.Set, r.Line, r.Seen)
		}
		tw.Flush()
		fmt.Fprintf(stdout, "%d met, %d unmet\n", rep.Met, rep.Unmet)
	}
	if rep.Unmet > 0 {
		return 1
	}
	return 0
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// exportBundle saves a merchant's run bundle: -o FILE, or the name the
// server suggests (mockpay-PROVIDER-KEY.har); "-o -" writes to stdout.
func exportBundle(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c client
	c.flags(fs, getenv)
	out := fs.String("o", "", "file to write (default: mockpay-PROVIDER-KEY.har; - for stdout)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	if c.merchant == "" {
		fmt.Fprintln(stderr, "mockpay bundle: --merchant is required")
		return 2
	}
	resp, body, err := c.get("/_mockpay/bundle", url.Values{})
	if err != nil {
		fmt.Fprintln(stderr, "mockpay bundle:", err)
		return 1
	}
	if *out == "-" {
		_, _ = stdout.Write(body)
		return 0
	}
	if *out == "" {
		*out = "mockpay-bundle.har"
		if _, p, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil && p["filename"] != "" {
			*out = filepath.Base(p["filename"])
		}
	}
	if err := os.WriteFile(*out, body, 0o644); err != nil {
		fmt.Fprintln(stderr, "mockpay bundle:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s (%d requests)\n", *out, bytes.Count(body, []byte(`"startedDateTime"`)))
	return 0
}

// replay serves a bundle again until interrupted.
func replay(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", config.DefaultAddr, "address to listen on")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	// The bundle may come before or after the flags.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 || file == "" {
		fmt.Fprintln(stderr, "usage: mockpay replay BUNDLE [--addr host:port]")
		return 2
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintln(stderr, "mockpay replay:", err)
		return 1
	}
	// A file too large to be a bundle is refused before it is read.
	if fi, err := f.Stat(); err == nil && fi.Size() > bundle.MaxSize {
		f.Close()
		fmt.Fprintf(stderr, "mockpay replay: %s: %d bytes, larger than a bundle can be (%d MiB)\n", file, fi.Size(), bundle.MaxSize>>20)
		return 1
	}
	h, err := bundle.Read(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "mockpay replay: %s: %v\n", file, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "mockpay-replay-")
	if err != nil {
		fmt.Fprintln(stderr, "mockpay replay:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	cfg := config.Default()
	cfg.Addr, cfg.LogLevel = *addr, *logLevel
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level(cfg.LogLevel)}))
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintln(stderr, "mockpay replay:", err)
		return 1
	}
	srv, err := server.Replay(cfg, log, h, dir)
	if err != nil {
		fmt.Fprintln(stderr, "mockpay replay:", err)
		ln.Close()
		return 1
	}
	run := h.Log.Mockpay
	fmt.Fprintf(stdout, "mockpay %s replay listening on http://%s\n", server.Version, loopbackFor(ln.Addr().String()))
	fmt.Fprintf(stdout, "  %s: %d requests, exported %s by mockpay %s\n",
		run.Tenant, len(h.Log.Entries), run.ExportedAt.Format(time.RFC3339), run.MockpayVersion)
	fmt.Fprintf(stdout, "  virtual time %s, seed %d; callbacks are not sent\n", run.VirtualNow.Format(time.RFC3339), run.Seed)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Serve(ctx, ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "mockpay replay:", err)
		return 1
	}
	return 0
}

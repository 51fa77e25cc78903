// Command mockpay runs the LiqPay and Liquido sandbox server.
//
//	mockpay [serve] [flags]   serve (the default)
//	mockpay healthcheck       exit 0 when /_mockpay/health answers 200 (Docker HEALTHCHECK)
//	mockpay scenarios validate FILE…  check scenario files, every error as file:line:column
//	mockpay audit-receiver --provider P --url URL  judge a merchant's callback receiver
//	mockpay expectations      report the scenario files' expectations of a running mockpay
//	mockpay bundle            export a merchant's run (HAR) from a running mockpay
//	mockpay replay BUNDLE     serve an exported run again
//	mockpay version           print the version
package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/scenarios"
	"github.com/mockpay/mockpay/server"
)

func main() {
	// A binary built by `go install …/cmd/mockpay@v1.2.3` (or @commit) is
	// not stamped with -ldflags; its module version is in the build info.
	// Set once here, before anything runs, like the -ldflags stamp.
	if bi, ok := debug.ReadBuildInfo(); ok && server.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		server.Version = bi.Main.Version
	}
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheck(args, getenv, stderr)
	case "version":
		fmt.Fprintln(stdout, "mockpay", server.Version)
		return 0
	case "scenarios":
		if len(args) > 0 && args[0] == "validate" {
			return validate(args[1:], stdout, stderr)
		}
		fmt.Fprintln(stderr, "usage: mockpay scenarios validate FILE…")
		return 2
	case "audit-receiver":
		return auditReceiver(args, stdout, stderr)
	case "expectations":
		return expectations(args, getenv, stdout, stderr)
	case "bundle":
		return exportBundle(args, getenv, stdout, stderr)
	case "replay":
		return replay(args, stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "mockpay: unknown command %q\n", cmd)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: mockpay [serve] [flags]
       mockpay healthcheck [--addr host:port] [--tls]
       mockpay scenarios validate FILE…
       mockpay audit-receiver --provider liqpay|liquido --url URL [--json] [--junit FILE]
       mockpay expectations [--url URL] [--merchant KEY] [--junit FILE] [--json]
       mockpay bundle [--url URL] --merchant KEY [-o FILE]
       mockpay replay BUNDLE [--addr host:port]
       mockpay version

flags (each has a MOCKPAY_* environment twin):
`+config.Usage())
}

func serve(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := config.Parse("serve", args, getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		// A file problem prints as file:line: message alone, so editors and
		// CI annotations can jump to it.
		var fileErr *config.Error
		if errors.As(err, &fileErr) {
			fmt.Fprintln(stderr, err)
		} else {
			fmt.Fprintln(stderr, "mockpay:", err)
		}
		return 2
	}
	if cfg.Seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		cfg.Seed = int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level(cfg.LogLevel)}))

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintln(stderr, "mockpay:", err)
		return 1
	}
	srv, err := server.New(cfg, log, nil)
	if err != nil {
		// Scenario problems print as file:line:column: message, one a line.
		fmt.Fprintln(stderr, err)
		ln.Close()
		return 2
	}
	caFile := ""
	if cfg.ServesTLS() {
		tlsLn, ca, err := listenTLS(cfg, ln)
		if err != nil {
			fmt.Fprintln(stderr, "mockpay:", err)
			ln.Close()
			return 2
		}
		ln, caFile = tlsLn, ca
	}
	banner(stdout, cfg, ln.Addr().String())
	if caFile != "" {
		fmt.Fprintf(stdout, "  TLS CA   %s (trust it; the certificate covers %s)\n", caFile, strings.Join(certHosts(cfg), ", "))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintln(stderr, "mockpay:", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

func level(s string) slog.Level {
	var l slog.Level
	_ = l.UnmarshalText([]byte(s))
	return l
}

// banner prints where mockpay listens and the default credentials, so a
// first-time user can copy them straight into a request.
func banner(w io.Writer, cfg config.Config, addr string) {
	base := "http://" + loopbackFor(addr)
	if cfg.ServesTLS() {
		base = "https://" + loopbackFor(addr)
	}
	fmt.Fprintf(w, "mockpay %s listening on %s (seed %d; repeat a run with --seed %d)\n", server.Version, base, cfg.Seed, cfg.Seed)
	fmt.Fprintf(w, "  LiqPay   POST %s/api/request\n", base)
	for _, m := range cfg.LiqPayMerchants() {
		if m.PublicKey == config.DefaultLiqPayPublicKey && m.PrivateKey == config.DefaultLiqPayPrivateKey {
			fmt.Fprintf(w, "           public_key=%s private_key=%s (default)\n", m.PublicKey, m.PrivateKey)
		} else {
			fmt.Fprintf(w, "           public_key=%s\n", m.PublicKey)
		}
	}
	fmt.Fprintf(w, "  Liquido  POST %s/oauth2/token, then %s/v1/payments/...\n", base, base)
	for _, m := range cfg.LiquidoMerchants() {
		if m.ClientID == config.DefaultLiquidoClientID && m.ClientSecret == config.DefaultLiquidoClientSecret && m.APIKey == config.DefaultLiquidoAPIKey {
			fmt.Fprintf(w, "           client_id=%s client_secret=%s api_key=%s (default)\n", m.ClientID, m.ClientSecret, m.APIKey)
		} else {
			fmt.Fprintf(w, "           client_id=%s\n", m.ClientID)
		}
	}
	fmt.Fprintf(w, "  health   %s/_mockpay/health\n", base)
}

// loopbackFor turns a wildcard listen address into one a client can dial.
func loopbackFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// healthcheck asks the running server's health endpoint; for a Docker
// HEALTHCHECK in an image without curl. With --tls (or MOCKPAY_TLS,
// MOCKPAY_TLS_CERT) it dials HTTPS; without, it still finds a TLS server,
// as a HEALTHCHECK cannot see flags given to the container's command: a Go
// HTTPS server answers plain HTTP with a 400 saying so, and the check is
// then repeated over HTTPS.
func healthcheck(args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "address mockpay listens on (default $MOCKPAY_ADDR or "+config.DefaultAddr+")")
	useTLS := fs.Bool("tls", false, "mockpay serves HTTPS (default: from $MOCKPAY_TLS / $MOCKPAY_TLS_CERT, else found out)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *addr == "" {
		*addr = getenv("MOCKPAY_ADDR")
	}
	if *addr == "" {
		*addr = config.DefaultAddr
	}
	if v, err := strconv.ParseBool(getenv("MOCKPAY_TLS")); (err == nil && v) || getenv("MOCKPAY_TLS_CERT") != "" {
		*useTLS = true
	}
	// The check asks whether this machine's own mockpay is alive, not who
	// it is: its certificate is made at start (or is the user's), so it is
	// not verified.
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // a liveness probe of our own loopback server
	}}
	scheme := "http"
	if *useTLS {
		scheme = "https"
	}
	status, wantsTLS, err := health(client, scheme+"://"+loopbackFor(*addr)+"/_mockpay/health")
	if err == nil && wantsTLS {
		status, _, err = health(client, "https://"+loopbackFor(*addr)+"/_mockpay/health")
	}
	if err != nil {
		fmt.Fprintln(stderr, "mockpay healthcheck:", err)
		return 1
	}
	if status != http.StatusOK {
		fmt.Fprintln(stderr, "mockpay healthcheck: status", status)
		return 1
	}
	return 0
}

// health GETs url and returns its status, and whether the answer is a TLS
// server's refusal of plain HTTP.
func health(client *http.Client, url string) (status int, wantsTLS bool, err error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	wantsTLS = resp.StatusCode == http.StatusBadRequest && strings.Contains(string(body), "HTTP request to an HTTPS server")
	return resp.StatusCode, wantsTLS, nil
}

// validate checks scenario files (or folders of them) and prints every
// problem as file:line:column: message. Exit status 1 when any is invalid.
func validate(paths []string, stdout, stderr io.Writer) int {
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "usage: mockpay scenarios validate FILE…")
		return 2
	}
	bad := 0
	for _, p := range paths {
		files, err := scenarios.Files([]string{p})
		if err != nil {
			fmt.Fprintln(stderr, err)
			bad++
			continue
		}
		if len(files) == 0 {
			fmt.Fprintf(stderr, "%s: no .yaml or .yml files\n", p)
			bad++
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", f, err)
				bad++
				continue
			}
			set, err := scenarios.Parse(f, data, server.Vocabulary())
			if err != nil {
				fmt.Fprintln(stderr, err)
				bad++
				continue
			}
			if len(set.Expect) > 0 {
				fmt.Fprintf(stdout, "%s: %d scenarios, %d expectations, valid\n", f, len(set.Scenarios), len(set.Expect))
				continue
			}
			fmt.Fprintf(stdout, "%s: %d scenarios, valid\n", f, len(set.Scenarios))
		}
	}
	if bad > 0 {
		return 1
	}
	return 0
}

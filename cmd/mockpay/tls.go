package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/tlscert"
)

// listenTLS wraps ln in TLS as the configuration asks: the files of
// --tls-cert/--tls-key, or a certificate made now for the providers' hosts
// whose CA is written to --tls-ca-out (or the default) for clients to trust.
// It returns the path of the CA written, empty with files.
func listenTLS(cfg config.Config, ln net.Listener) (net.Listener, string, error) {
	if cfg.TLSCert != "" {
		b, err := tlscert.Load(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, "", err
		}
		return tls.NewListener(ln, b.Config()), "", nil
	}
	b, err := tlscert.Generate(certHosts(cfg), time.Now())
	if err != nil {
		return nil, "", err
	}
	out := cfg.TLSCAOut
	if out == "" {
		out = config.DefaultCAOut()
	}
	// The CA is public (its key is gone once the leaf is signed), so the
	// file may be world-readable like any CA bundle.
	if err := os.WriteFile(out, b.CAPEM, 0o644); err != nil {
		return nil, "", fmt.Errorf("writing the TLS CA (set --tls-ca-out to a writable file): %w", err)
	}
	return tls.NewListener(ln, b.Config()), out, nil
}

// certHosts are the names the made certificate covers: the providers'
// hosts and loopback, plus the host of --base-url when it names one (a
// container alias such as mockpay.internal).
func certHosts(cfg config.Config) []string {
	hosts := tlscert.Hosts()
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" {
		hosts = append(hosts, u.Hostname())
	}
	return hosts
}

// Package tlscert makes the certificates of mockpay's --tls mode: a CA that
// exists only for one run, and a server certificate it signs for the real
// providers' host names, so a client that hard-codes https://www.liqpay.ua
// can be pointed at mockpay (by a hosts entry or a container alias) and
// trust it through the CA file alone.
package tlscert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Hosts are the names the generated certificate is valid for: LiqPay's API
// host (reference liqpay.md §1, with the pre-2017 www.liqpay.com that old
// integrations still call), Liquido's API and token hosts in production and
// sandbox (reference liquido.md §1), and loopback.
func Hosts() []string {
	return []string{
		"www.liqpay.ua", "liqpay.ua", "www.liqpay.com",
		"api.liquido.com", "authsg.liquido.com", // production API and token hosts
		"api-qa.liquido.com", "auth-dev.liquido.com", // sandbox (QA) API and token hosts
		"localhost", "127.0.0.1", "::1",
	}
}

// Bundle is a server certificate ready to serve and the CA that signed it.
type Bundle struct {
	Cert tls.Certificate
	// CAPEM is the CA certificate, PEM-encoded: what a client must trust.
	// Empty when the certificate came from files (the user has its CA).
	CAPEM []byte
}

// Generate makes a fresh CA and a server certificate it signs for hosts
// (DNS names or IP addresses), valid from an hour before now for a year.
// Keys are ECDSA P-256; the CA's key is dropped once the leaf is signed,
// so nothing else can ever be signed by it.
func Generate(hosts []string, now time.Time) (*Bundle, error) {
	if len(hosts) == 0 {
		return nil, errors.New("tlscert: no host names")
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	notBefore, notAfter := now.Add(-time.Hour), now.AddDate(1, 0, 0)
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"mockpay"}, CommonName: "mockpay local CA " + now.UTC().Format(time.RFC3339)},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{"mockpay"}, CommonName: hosts[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			leafTmpl.IPAddresses = append(leafTmpl.IPAddresses, ip)
		} else {
			leafTmpl.DNSNames = append(leafTmpl.DNSNames, h)
		}
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(leafDER)
	if err != nil {
		return nil, err
	}
	return &Bundle{
		// The chain includes the CA so clients that are given only the
		// CA file can build the path either way.
		Cert:  tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey, Leaf: leaf},
		CAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
	}, nil
}

// Load reads a PEM certificate (chain) and its key from files, for
// --tls-cert and --tls-key.
func Load(certFile, keyFile string) (*Bundle, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate %s / key %s: %w", certFile, keyFile, err)
	}
	return &Bundle{Cert: cert}, nil
}

// Config is the server side TLS configuration serving b.
func (b *Bundle) Config() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{b.Cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
	}
}

// serial is a random 128-bit serial number, as RFC 5280 recommends.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

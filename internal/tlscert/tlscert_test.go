package tlscert_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/tlscert"
)

// Every host of the list verifies against the CA alone, as a client that
// trusts only the written CA file sees it; other names do not.
func TestGeneratedCertificateVerifiesForEveryHost(t *testing.T) {
	b, err := tlscert.Generate(tlscert.Hosts(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(b.CAPEM) {
		t.Fatal("CAPEM holds no certificate")
	}
	for _, h := range append(tlscert.Hosts(), "evil.example", "api.liquido.com.evil.example") {
		_, err := b.Cert.Leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: roots})
		wantOK := !strings.Contains(h, "evil")
		if (err == nil) != wantOK {
			t.Errorf("%s: verify error %v, want ok=%v", h, err, wantOK)
		}
	}
	block, _ := pem.Decode(b.CAPEM)
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !ca.IsCA {
		t.Fatalf("CAPEM is not a CA certificate: %v", err)
	}
}

// Two runs never share a CA: trusting one run's CA does not trust another's.
func TestEachGenerateHasItsOwnCA(t *testing.T) {
	a, err := tlscert.Generate([]string{"www.liqpay.ua"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := tlscert.Generate([]string{"www.liqpay.ua"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(a.CAPEM)
	if _, err := b.Cert.Leaf.Verify(x509.VerifyOptions{DNSName: "www.liqpay.ua", Roots: roots}); err == nil {
		t.Error("a second run's certificate verifies against the first run's CA")
	}
}

// A TLS server with the bundle answers a client that trusts only the CA and
// dials the loopback listener under the name www.liqpay.ua.
func TestServesHTTPSUnderAProviderName(t *testing.T) {
	b, err := tlscert.Generate(tlscert.Hosts(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+r.Host)
	}))
	srv.TLS = b.Config()
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(b.CAPEM)
	addr := srv.Listener.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	resp, err := client.Get("https://www.liqpay.ua/api/request")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "hello www.liqpay.ua" {
		t.Errorf("body %q", body)
	}
}

func TestLoadReadsFilesAndReportsBadOnes(t *testing.T) {
	b, err := tlscert.Generate([]string{"localhost"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyDER, err := x509.MarshalPKCS8PrivateKey(b.Cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.Cert.Certificate[0]}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	got, err := tlscert.Load(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if got.CAPEM != nil || len(got.Cert.Certificate) != 1 {
		t.Errorf("loaded bundle: CAPEM %q, %d certificates", got.CAPEM, len(got.Cert.Certificate))
	}
	if _, err := tlscert.Load(certFile, filepath.Join(dir, "missing.pem")); err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("missing key: error %v, want one naming the file", err)
	}
	if _, err := tlscert.Load(keyFile, keyFile); err == nil {
		t.Error("a key given as the certificate loaded")
	}
}

package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/liqpayclient"
	"github.com/mockpay/mockpay/internal/tlscert"
)

var tlsBannerRE = regexp.MustCompile(`listening on https://(127\.0\.0\.1:\d+)`)

// startTLS runs mockpay with TLS args and returns its address once the
// banner names it; the health check over HTTPS is the caller's business.
func startTLS(t *testing.T, env []string, args ...string) *mockpay {
	t.Helper()
	m := &mockpay{stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	m.cmd = exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--seed", seed}, args...)...)
	m.cmd.Env = append(os.Environ(), env...)
	m.cmd.Stdout, m.cmd.Stderr = m.stdout, m.stderr
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { m.err = m.cmd.Wait(); close(m.exited) }()
	t.Cleanup(func() {
		m.kill()
		if t.Failed() {
			t.Logf("mockpay stdout:\n%s\nstderr:\n%s", m.stdout, tail(m.stderr.String(), 4096))
		}
	})
	deadline := time.After(10 * time.Second)
	for {
		if match := tlsBannerRE.FindStringSubmatch(m.stdout.String()); match != nil {
			m.addr, m.base = match[1], "https://"+match[1]
			return m
		}
		select {
		case <-m.exited:
			t.Fatalf("mockpay exited before listening: %v\nstderr:\n%s", m.err, m.stderr)
		case <-deadline:
			t.Fatalf("no https banner within 10 s; stdout:\n%s", m.stdout)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// resolvingTo is an HTTP client that trusts only caPEM and sends every
// connection, whatever the URL's host, to addr: what an /etc/hosts entry
// or a container network alias does for a real client.
func resolvingTo(t *testing.T, addr string, caPEM []byte) *http.Client {
	t.Helper()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatalf("no certificate in the CA file: %q", caPEM)
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
}

// --tls serves HTTPS under the providers' real names: a LiqPay client with
// the hard-coded https://www.liqpay.ua pays, a Liquido client gets a token
// from both token hosts, trusting nothing but the CA file mockpay wrote and
// printed. The healthcheck command still works, told or not.
func TestTLSServesTheProvidersHostsWithTheWrittenCA(t *testing.T) {
	t.Parallel()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	m := startTLS(t, nil, "--tls", "--tls-ca-out", caFile)
	// The banner is written line by line: its CA line may follow the
	// listening line that startTLS waits for.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(m.stdout.String(), "TLS CA   "+caFile) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(m.stdout.String(), "TLS CA   "+caFile) {
		t.Errorf("the banner does not print the CA path %s:\n%s", caFile, m.stdout)
	}
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	client := resolvingTo(t, m.addr, caPEM)

	lp := &liqpayclient.Client{BaseURL: "https://www.liqpay.ua", PublicKey: publicKey, PrivateKey: privateKey,
		Encoding: liqpayclient.Go, HTTP: client}
	checkFields(t, "pay at https://www.liqpay.ua", map[string]any{"result": "ok", "status": "success", "order_id": "tls-1"},
		call(t, lp, "request", payParams("tls-1", "4242424242424242")))

	// The 3-D Secure page is linked under the host the client asked for,
	// over HTTPS, and opens through the same trust.
	threeDS := call(t, lp, "request", payParams("tls-3ds", "4000000000003063"))
	link, _ := threeDS["redirect_to"].(string)
	if !strings.HasPrefix(link, "https://www.liqpay.ua/") {
		t.Errorf("redirect_to %q, want a https://www.liqpay.ua/ link", link)
	} else if resp, err := client.Get(link); err != nil {
		t.Errorf("opening the 3-D Secure page: %v", err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("3-D Secure page: HTTP %d", resp.StatusCode)
		}
	}

	for _, host := range []string{"auth-dev.liquido.com", "authsg.liquido.com"} {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"sandbox-client-id"}, "client_secret": {"sandbox-client-secret"}}
		resp, err := client.PostForm("https://"+host+"/oauth2/token", form)
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		err = json.NewDecoder(resp.Body).Decode(&tok)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
			t.Errorf("%s: HTTP %d, token %q, %v", host, resp.StatusCode, tok.AccessToken, err)
		}
	}

	// A name the certificate does not cover fails verification.
	if resp, err := client.Get("https://evil.example/_mockpay/health"); err == nil {
		resp.Body.Close()
		t.Error("a host the certificate does not name was trusted")
	}

	for name, tc := range map[string]struct {
		env  []string
		args []string
	}{
		"found out":   {nil, []string{"--addr", m.addr}},
		"--tls":       {nil, []string{"--addr", m.addr, "--tls"}},
		"MOCKPAY_TLS": {[]string{"MOCKPAY_ADDR=" + m.addr, "MOCKPAY_TLS=true"}, nil},
	} {
		hc := exec.Command(binary, append([]string{"healthcheck"}, tc.args...)...)
		hc.Env = append(os.Environ(), tc.env...)
		if out, err := hc.CombinedOutput(); err != nil {
			t.Errorf("healthcheck (%s): %v %s", name, err, out)
		}
	}
}

// --tls-cert and --tls-key (here through their MOCKPAY_* twins) serve the
// user's own certificate; no CA is written then.
func TestTLSServesCertificateFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b, err := tlscert.Generate([]string{"mockpay.internal", "127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(b.Cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeTestFile(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.Cert.Certificate[0]}))
	writeTestFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	m := startTLS(t, []string{"MOCKPAY_TLS_CERT=" + certFile, "MOCKPAY_TLS_KEY=" + keyFile})
	if strings.Contains(m.stdout.String(), "TLS CA") {
		t.Errorf("a CA was announced for the user's own certificate:\n%s", m.stdout)
	}
	resp, err := resolvingTo(t, m.addr, b.CAPEM).Get("https://mockpay.internal/_mockpay/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("health: HTTP %d", resp.StatusCode)
	}
}

// Wrong TLS settings stop start-up with exit status 2 and a message naming
// the problem, before anything listens.
func TestTLSSettingsErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"cert without key", nil, []string{"--tls-cert", filepath.Join(dir, "c.pem")}, "tls-cert and tls-key go together"},
		{"missing files", nil, []string{"--tls-cert", filepath.Join(dir, "c.pem"), "--tls-key", filepath.Join(dir, "k.pem")}, "c.pem"},
		{"CA folder missing", nil, []string{"--tls", "--tls-ca-out", filepath.Join(dir, "no", "ca.pem")}, "--tls-ca-out"},
		{"not a boolean", []string{"MOCKPAY_TLS=maybe"}, nil, "MOCKPAY_TLS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, tc.args...)...)
			cmd.Env = append(os.Environ(), tc.env...)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("exit %v, want status 2; output:\n%s", err, out)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("output %q lacks %q", out, tc.want)
			}
		})
	}
}

func writeTestFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

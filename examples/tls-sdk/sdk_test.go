package tlssdk

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/examples/tls-sdk/liqpay"
)

// The default shop's keys (mockpay's README, "Default credentials").
const (
	publicKey  = "sandbox_i00000000"
	privateKey = "sandbox_private_key"
)

var listening = regexp.MustCompile(`listening on https://(127\.0\.0\.1:\d+)`)

// startMockpay builds mockpay from this repository and runs it with --tls
// on a free loopback port; it returns the address and the CA file.
func startMockpay(t *testing.T) (addr, caFile string) {
	t.Helper()
	dir := t.TempDir()
	bin, caFile := filepath.Join(dir, "mockpay"), filepath.Join(dir, "mockpay-ca.pem")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/mockpay")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building mockpay: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--tls", "--tls-ca-out", caFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("mockpay's log:\n%s", logs.String())
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case addr = <-found:
		return addr, caFile
	case <-time.After(30 * time.Second):
		t.Fatal("mockpay printed no https banner within 30 s")
		return "", ""
	}
}

// The SDK keeps its https://www.liqpay.ua and pays against mockpay: the
// process's default transport sends www.liqpay.ua:443 to mockpay (what a
// hosts entry does) and trusts mockpay's CA on top of the system's.
func TestSDKWithHardCodedHostPaysAgainstMockpay(t *testing.T) {
	addr, caFile := startMockpay(t)
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatalf("no certificate in %s", caFile)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{RootCAs: roots}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	transport.DialContext = func(ctx context.Context, network, hostport string) (net.Conn, error) {
		if hostport == "www.liqpay.ua:443" {
			hostport = addr
		}
		return dialer.DialContext(ctx, network, hostport)
	}
	saved := http.DefaultTransport
	http.DefaultTransport = transport
	t.Cleanup(func() { http.DefaultTransport = saved })

	client := liqpay.New(publicKey, privateKey, nil)
	orderID := "tls-sdk-" + time.Now().UTC().Format("150405.000000")
	res, err := client.Send("request", liqpay.Request{
		"action": "pay", "version": 3, "amount": 1, "currency": "UAH", "description": "through the SDK over TLS",
		"order_id": orderID, "card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "99", "card_cvv": "123",
	})
	if err != nil {
		t.Fatalf("pay: %v (answer %v)", err, res)
	}
	if res["status"] != "success" || res["order_id"] != orderID {
		t.Fatalf("pay answered %v, want status success for %s", res, orderID)
	}
	status, err := client.Send("request", liqpay.Request{"action": "status", "version": 3, "order_id": orderID})
	if err != nil || status["payment_id"] != res["payment_id"] {
		t.Fatalf("status: %v, %v; want payment_id %v", status, err, res["payment_id"])
	}
	// A declined card is a payment in "failure", which the SDK returns as
	// an answer; a wrong signature is "status":"error", which it turns into
	// an error carrying LiqPay's description.
	declined, err := client.Send("request", liqpay.Request{
		"action": "pay", "version": 3, "amount": 1, "currency": "UAH", "description": "declined",
		"order_id": orderID + "-d", "card": "4000000000000002", "card_exp_month": "12", "card_exp_year": "99", "card_cvv": "123",
	})
	if err != nil || declined["status"] != "failure" {
		t.Errorf("declined card: %v, %v; want status failure", declined, err)
	}
	_, err = liqpay.New(publicKey, "not-the-key", nil).Send("request", liqpay.Request{"action": "status", "version": 3, "order_id": orderID})
	if err == nil || strings.TrimSpace(err.Error()) == "" {
		t.Errorf("a wrong signature gave error %v, want LiqPay's err_description", err)
	}
}

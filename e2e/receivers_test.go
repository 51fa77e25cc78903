package e2e

import (
	"bytes"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The README's callback receivers live in examples/receivers as runnable
// files. Each one whose runtime is installed is started here and must
// accept mockpay's real callback and reject a forged one.
func TestExampleReceiversVerifyCallbacks(t *testing.T) {
	t.Parallel()
	m := start(t)
	for _, rc := range readmeReceivers(t) {
		t.Run(rc.name, func(t *testing.T) {
			target, out := rc.start(t, privateKey)

			order := orderID(t)
			m.do(t, set(payParams(order, "4242424242424242"), "server_url", target))
			m.advance(t, "0s")
			log := m.callbacks(t, "order_id="+order)
			if len(log.Callbacks) != 1 || log.Callbacks[0].Status != "delivered" {
				t.Fatalf("the %s receiver did not accept mockpay's callback: %+v\nreceiver output:\n%s", rc.name, log, out.String())
			}
			// The same data with a signature made with another key must be refused.
			form, _ := url.ParseQuery(log.Callbacks[0].Attempts[0].Body)
			forged := url.Values{"data": {form.Get("data")}, "signature": {"wR+UZDC4jjeL/qUOvIsofIWpZh8="}}
			resp, err := httpClient.PostForm(target, forged)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("the %s receiver answered %d to a forged callback, want 400", rc.name, resp.StatusCode)
			}
		})
	}
}

// The README shows the receivers verbatim, so what it shows is what is tested.
func TestReadmeQuotesTheExampleReceivers(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"go/main.go", "node/server.js", "php/receiver.php", "python/receiver.py"} {
		src, err := os.ReadFile(filepath.Join("..", "examples", "receivers", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(readme, bytes.TrimSpace(src)) {
			t.Errorf("README.md does not quote examples/receivers/%s verbatim", f)
		}
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// waitListening waits (bounded) until something accepts connections at addr.
func waitListening(t *testing.T, addr string, out *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after 15 s; output:\n%s", addr, strings.TrimSpace(out.String()))
		}
		time.Sleep(20 * time.Millisecond) // waiting for a process to start, not for virtual time
	}
}

// readmeReceiver is one of the README's callback receivers
// (examples/receivers), run as its own process.
type readmeReceiver struct {
	name    string
	need    string // a file or command that must exist, else skip
	command func(port string) *exec.Cmd
}

// readmeReceivers lists the four receivers, the Go one built first.
func readmeReceivers(t *testing.T) []readmeReceiver {
	t.Helper()
	root, _ := filepath.Abs("..")
	dir := filepath.Join(root, "examples", "receivers")
	goBin := filepath.Join(t.TempDir(), "receiver")
	build := exec.Command("go", "build", "-o", goBin, "./examples/receivers/go")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the Go receiver: %v\n%s", err, out)
	}
	return []readmeReceiver{
		{"go", goBin, func(string) *exec.Cmd { return exec.Command(goBin) }},
		{"python", "python3", func(string) *exec.Cmd {
			return exec.Command("python3", filepath.Join(dir, "python", "receiver.py"))
		}},
		{"node", filepath.Join(dir, "node", "node_modules", "express"), func(string) *exec.Cmd {
			return exec.Command("node", filepath.Join(dir, "node", "server.js"))
		}},
		{"php", "php", func(port string) *exec.Cmd {
			return exec.Command("php", "-S", "127.0.0.1:"+port, filepath.Join(dir, "php", "receiver.php"))
		}},
	}
}

// start runs the receiver with LiqPay private key key and answers its
// callback URL and its output; it stops with the test. A receiver whose
// runtime is missing is skipped (failed under CI).
func (rc readmeReceiver) start(t *testing.T, key string) (string, *syncBuffer) {
	t.Helper()
	if _, err := os.Stat(rc.need); err != nil {
		if _, err := exec.LookPath(rc.need); err != nil {
			skipUnlessCI(t, "%s not available (CI installs it): %s", rc.name, rc.need)
		}
	}
	port := freePort(t)
	cmd := rc.command(port)
	cmd.Env = append(os.Environ(), "PORT="+port, "LIQPAY_PRIVATE_KEY="+key)
	out := new(syncBuffer)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	waitListening(t, "127.0.0.1:"+port, out)
	return "http://127.0.0.1:" + port + "/liqpay/callback", out
}

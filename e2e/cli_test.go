package e2e

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/liqpayclient"
)

// run runs the binary to completion (bounded) and returns its exit status
// and output.
func run(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("mockpay %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("mockpay %v did not finish within 15 s", args)
	}
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A broken configuration stops mockpay before it listens, with exit status
// 2 and one line naming the file and line (STYLE §6).
func TestInvalidConfigExitsTwoWithFileAndLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		yaml    string
		message string // after "path:"
	}{
		{"an unknown key", "seed: 1\nlog_level: info\nbogus: true\n", "3: field bogus not found"},
		{"a liqpay merchant without private_key", "liqpay:\n  merchants:\n    - public_key: sandbox_i11111111\n",
			`3: liqpay merchant "sandbox_i11111111" needs a private_key`},
		{"a duplicate liqpay public_key",
			"liqpay:\n  merchants:\n    - public_key: sandbox_i1\n      private_key: a\n    - public_key: sandbox_i1\n      private_key: b\n",
			`5: liqpay public_key "sandbox_i1" is already defined on line 3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "mockpay.yaml", tt.yaml)
			code, _, stderr := run(t, nil, "serve", "--addr", "127.0.0.1:0", "--config", path)
			if diff := cmp.Diff([]any{2, path + ":" + tt.message + "\n"}, []any{code, stderr}); diff != "" {
				t.Errorf("exit status, stderr (-want +got):\n%s", diff)
			}
		})
	}
}

// Each configured merchant is a tenant of its own: it pays with its keys and
// sees only its own payments.
func TestSecondMerchantIsIsolated(t *testing.T) {
	t.Parallel()
	const (
		otherPublic  = "sandbox_i22222222"
		otherPrivate = "second_private_key"
	)
	path := writeFile(t, "mockpay.yaml", "liqpay:\n  merchants:\n    - public_key: "+otherPublic+"\n      private_key: "+otherPrivate+"\n")
	m := start(t, "--config", path)
	first := m.client(liqpayclient.Go)
	second := &liqpayclient.Client{BaseURL: m.base, PublicKey: otherPublic, PrivateKey: otherPrivate, Encoding: liqpayclient.Go, HTTP: httpClient}
	status := func(orderID string) map[string]any {
		return map[string]any{"version": 3, "action": "status", "order_id": orderID}
	}
	notFound := errorBody("payment_not_found", "Платіж не знайдено")

	checkFields(t, "second merchant pays", map[string]any{"result": "ok", "status": "success", "public_key": otherPublic},
		call(t, second, "request", payParams("second-only", "4242424242424242")))
	checkFields(t, "default merchant pays", map[string]any{"result": "ok", "status": "success", "public_key": publicKey},
		call(t, first, "request", payParams("first-only", "4242424242424242")))
	if diff := cmp.Diff(notFound, call(t, second, "request", status("first-only"))); diff != "" {
		t.Errorf("second merchant asking for the default merchant's order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(notFound, call(t, first, "request", status("second-only"))); diff != "" {
		t.Errorf("default merchant asking for the second merchant's order (-want +got):\n%s", diff)
	}
	checkFields(t, "the same order_id at both merchants is two payments", map[string]any{"result": "ok", "status": "success"},
		call(t, second, "request", payParams("first-only", "4242424242424242")))
	// Each merchant has its own virtual clock (tenant isolation).
	checkFields(t, "second merchant's OTP payment", map[string]any{"status": "otp_verify"},
		call(t, second, "request", payParams("second-otp", "4000000000003089")))
	m.advance(t, "1h") // the default merchant's clock only
	checkFields(t, "second merchant's OTP payment after the default merchant's clock moved", map[string]any{"status": "otp_verify"},
		call(t, second, "request", status("second-otp")))
	checkFields(t, "a request signed with the other merchant's key", map[string]any{"err_code": "invalid_signature"},
		call(t, &liqpayclient.Client{BaseURL: m.base, PublicKey: otherPublic, PrivateKey: privateKey, Encoding: liqpayclient.Go, HTTP: httpClient},
			"request", status("second-only")))
}

func TestHealthcheckCommand(t *testing.T) {
	t.Parallel()
	m := start(t)
	dead := deadAddr(t)
	tests := []struct {
		name string
		env  []string
		args []string
		want int
	}{
		{"against a live server exits 0", nil, []string{"healthcheck", "--addr", m.addr}, 0},
		{"reads MOCKPAY_ADDR without --addr", []string{"MOCKPAY_ADDR=" + m.addr}, []string{"healthcheck"}, 0},
		{"against a dead port exits 1", nil, []string{"healthcheck", "--addr", dead}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, stderr := run(t, tt.env, tt.args...); code != tt.want {
				t.Errorf("exit status %d, want %d; stderr: %s", code, tt.want, stderr)
			}
		})
	}
}

// deadAddr is a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	code, stdout, _ := run(t, nil, "version")
	if code != 0 || !strings.HasPrefix(stdout, "mockpay ") {
		t.Errorf("mockpay version: exit %d, stdout %q; want 0 and \"mockpay <version>\"", code, stdout)
	}
}

func TestSIGTERMStopsGracefully(t *testing.T) {
	t.Parallel()
	m := start(t)
	m.do(t, payParams(orderID(t), "4242424242424242")) // a server that has done work
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-m.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("mockpay still runs 5 s after SIGTERM")
	}
	if m.err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0", m.err)
	}
}

// A body past the 1 MiB cap gets LiqPay's error envelope, not a 413 or a
// reset connection, so SDKs that parse every answer as JSON keep working.
func TestOversizedBodyGetsTheErrorEnvelope(t *testing.T) {
	t.Parallel()
	m := start(t)
	body := "data=" + strings.Repeat("A", 1<<20+1024) + "&signature=x"
	code, got := m.send(t, http.MethodPost, "/api/request", form, body)
	if code != http.StatusOK {
		t.Errorf("HTTP %d, want 200", code)
	}
	if diff := cmp.Diff(errorBody("err_wrong", "Параметр data (request body over 1 MiB) вказано невірно"), got); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
	checkFields(t, "the server still answers afterwards", map[string]any{"result": "ok"},
		m.do(t, payParams(orderID(t), "4242424242424242")))
}

// Every flag has a MOCKPAY_* twin (config.Flags); the address is the one a
// container sets.
func TestEnvironmentVariablesConfigureServe(t *testing.T) {
	t.Parallel()
	m := startWith(t, []string{"MOCKPAY_ADDR=127.0.0.1:0", "MOCKPAY_SEED=" + seed, "MOCKPAY_OTP=654321"}, "serve")
	checkFields(t, "pay on the MOCKPAY_ADDR port", map[string]any{"result": "ok", "status": "otp_verify"},
		m.do(t, payParams("env-otp", "4000000000003089")))
	token, _ := m.statusOf(t, "env-otp")["token"].(string)
	confirm := func(otp string) map[string]any {
		return m.do(t, map[string]any{"version": 3, "action": "confirm", "confirm_token": token, "otp": otp})
	}
	checkFields(t, "the default OTP is wrong now", map[string]any{"err_code": "err_sms_otp"}, confirm("123456"))
	checkFields(t, "MOCKPAY_OTP confirms", map[string]any{"result": "ok", "status": "success"}, confirm("654321"))
}

func TestOTPFlagSetsTheCode(t *testing.T) {
	t.Parallel()
	m := start(t, "--otp", "777777")
	m.do(t, payParams("flag-otp", "4000000000003089"))
	token, _ := m.statusOf(t, "flag-otp")["token"].(string)
	checkFields(t, "--otp confirms", map[string]any{"result": "ok", "status": "success"},
		m.do(t, map[string]any{"version": 3, "action": "confirm", "confirm_token": token, "otp": "777777"}))
}

// --seed makes generated values repeat run to run, so a failing scenario can
// be replayed (the banner prints the seed).
func TestSeedRepeatsGeneratedValues(t *testing.T) {
	t.Parallel()
	generated := func(m *mockpay) map[string]any {
		paid := m.do(t, set(payParams("seed-1", "4242424242424242"), "recurringbytoken", "1"))
		otp := m.do(t, payParams("seed-2", "4000000000003089"))
		lid, _ := paid["liqpay_order_id"].(string)
		return map[string]any{
			"payment_id": paid["payment_id"], "authcode_debit": paid["authcode_debit"], "rrn_debit": paid["rrn_debit"],
			"card_token": paid["card_token"], "liqpay_order_id letters": lid[:min(8, len(lid))], "otp token": otp["token"],
		}
	}
	first, again, other := start(t), start(t), start(t, "--seed", "7")
	want := generated(first)
	if diff := cmp.Diff(want, generated(again)); diff != "" {
		t.Errorf("same seed, different values (-first +second):\n%s", diff)
	}
	if got := generated(other); got["authcode_debit"] == want["authcode_debit"] && got["otp token"] == want["otp token"] {
		t.Errorf("another seed repeated the same values: %v", got)
	}
}

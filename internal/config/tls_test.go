package config_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/config"
)

func TestTLSSettingsFromFlagsEnvironmentAndFile(t *testing.T) {
	file := writeFile(t, "tls: true\ntls_cert: certs/c.pem\ntls_key: /abs/k.pem\ntls_ca_out: ca.pem\n")
	dir := filepath.Dir(file)
	type got struct {
		TLS              bool
		Cert, Key, CAOut string
		ServesTLS        bool
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want got
	}{
		{"default", nil, nil, got{}},
		{"flag", []string{"--tls", "--tls-ca-out", "x.pem"}, nil, got{TLS: true, CAOut: "x.pem", ServesTLS: true}},
		{"env", nil, map[string]string{"MOCKPAY_TLS": "1", "MOCKPAY_TLS_CA_OUT": "y.pem"}, got{TLS: true, CAOut: "y.pem", ServesTLS: true}},
		{"flag false over env", []string{"--tls=false"}, map[string]string{"MOCKPAY_TLS": "true"}, got{}},
		{"files imply TLS", []string{"--tls-cert", "c", "--tls-key", "k"}, nil, got{Cert: "c", Key: "k", ServesTLS: true}},
		{"file, relative to it", []string{"--config", file}, nil,
			got{TLS: true, Cert: filepath.Join(dir, "certs/c.pem"), Key: "/abs/k.pem", CAOut: filepath.Join(dir, "ca.pem"), ServesTLS: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Parse("serve", tc.args, env(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got{c.TLS, c.TLSCert, c.TLSKey, c.TLSCAOut, c.ServesTLS()}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTLSSettingErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"cert alone", []string{"--tls-cert", "c"}, nil, "tls-cert and tls-key go together"},
		{"key alone", nil, map[string]string{"MOCKPAY_TLS_KEY": "k"}, "tls-cert and tls-key go together"},
		{"not a boolean", nil, map[string]string{"MOCKPAY_TLS": "sure"}, `MOCKPAY_TLS="sure"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("serve", tc.args, env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

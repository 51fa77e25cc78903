package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mockpay.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrecedenceFlagOverEnvOverFileOverDefault(t *testing.T) {
	file := writeFile(t, "seed: 7\nbase_url: http://file.example\nliqpay:\n  otp: \"111111\"\n")
	tests := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"defaults", nil, nil},
		{"file", []string{"--config", file}, nil},
		{"env over file", []string{"--config", file}, map[string]string{"MOCKPAY_SEED": "9", "MOCKPAY_OTP": "222222"}},
		{"flag over env", []string{"--config", file, "--seed", "11", "--addr", "127.0.0.1:1"}, map[string]string{"MOCKPAY_SEED": "9", "MOCKPAY_ADDR": "127.0.0.1:2"}},
		{"config from env", nil, map[string]string{"MOCKPAY_CONFIG": file}},
	}
	type got struct {
		Addr, BaseURL, OTP string
		Seed               int64
	}
	wants := []got{
		{config.DefaultAddr, "", "123456", 0},
		{config.DefaultAddr, "http://file.example", "111111", 7},
		{config.DefaultAddr, "http://file.example", "222222", 9},
		{"127.0.0.1:1", "http://file.example", "111111", 11},
		{config.DefaultAddr, "http://file.example", "111111", 7},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Parse("serve", tc.args, env(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wants[i], got{c.Addr, c.BaseURL, c.LiqPay.OTP, c.Seed}); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFileErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"unknown key", "seed: 1\nliqpay:\n  merchantz: []\n", ":3: field merchantz not found"},
		{"missing private key", "liqpay:\n  merchants:\n    - public_key: a\n      private_key: b\n    - public_key: c\n", `:5: liqpay merchant "c" needs a private_key`},
		{"duplicate public key", "liqpay:\n  merchants:\n    - {public_key: a, private_key: b}\n    - {public_key: a, private_key: c}\n", `:4: liqpay public_key "a" is already defined on line 3`},
		{"bad duration", "liqpay:\n  otp_ttl: soon\n", `:2: "soon" is not a duration`},
		{"bad server_url", "liqpay:\n  merchants:\n    - {public_key: a, private_key: b, server_url: 'ftp://x'}\n", `:3: liqpay merchant "a": server_url "ftp://x" is not an http(s) URL`},
		{"liquido without api key", "liquido:\n  merchants:\n    - client_id: x\n      client_secret: y\n", `:3: liquido merchant "x" needs an api_key`},
		{"syntax", "seed: [1\n", ":1: did not find expected"},
		{"wrong type", "seed: abc\n", ":1: cannot unmarshal !!str `abc` into int64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, tc.body)
			_, err := config.Parse("serve", []string{"--config", p}, env(nil))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), p+":") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not start with %q and contain %q", err, p+":", tc.want)
			}
		})
	}
}

func TestEmptyFileIsEmptyConfig(t *testing.T) {
	p := writeFile(t, "")
	c, err := config.Parse("serve", []string{"--config", p}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.LiqPay.OTPTTL.Std() != 5*time.Minute {
		t.Fatalf("defaults lost: %+v", c.LiqPay)
	}
}

func TestConfiguredMerchantsJoinTheDefaults(t *testing.T) {
	p := writeFile(t, `liqpay:
  merchants:
    - public_key: sandbox_i00000000
      private_key: replaced
      server_url: http://127.0.0.1:9/cb
    - public_key: shop2
      private_key: secret2
`)
	c, err := config.Parse("serve", []string{"--config", p}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, m := range c.LiqPayMerchants() {
		got = append(got, [2]string{m.PublicKey, m.PrivateKey})
	}
	want := [][2]string{{"sandbox_i00000000", "replaced"}, {"shop2", "secret2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if n := len(c.LiquidoMerchants()); n != 1 {
		t.Fatalf("liquido merchants = %d, want the default only", n)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--seed", "x"}, {"--log-level", "loud"}, {"--base-url", "nope"}, {"--nope"}, {"extra"}} {
		if _, err := config.Parse("serve", args, env(nil)); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// The README's configuration table must list every flag with its twin.
func TestReadmeListsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	for _, f := range config.Flags() {
		row := "`--" + f.Name + "`"
		if !strings.Contains(string(readme), row) || !strings.Contains(string(readme), "`"+f.Env+"`") {
			t.Errorf("README lacks %s / %s", row, f.Env)
		}
	}
}

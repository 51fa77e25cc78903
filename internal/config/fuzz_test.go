package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockpay/mockpay/internal/config"
)

// FuzzParse feeds arbitrary configuration files, flag values and MOCKPAY_*
// variables to Parse. It may refuse them, with a message, but never panic;
// what it accepts must be usable (merchant lists, callback delays).
func FuzzParse(f *testing.F) {
	seeds := []struct{ yaml, flagValue, envValue string }{
		{"liqpay:\n  merchants:\n    - public_key: i1\n      private_key: p1\n", "127.0.0.1:0", "1"},
		{"callbacks:\n  timeout: 1ms\n  backoff: [1s, 2h, -5s]\n", "1e309", "-1"},
		{"liquido:\n  merchants:\n    - client_id: c\n      client_secret: s\n      api_key: k\n      callback_url: 'javascript:alert(1)'\n", "", ""},
		{"seed: 99999999999999999999999\nbase_url: '://'\n", "debug", "x\x00y"},
		{"- just\n- a list\n", "--", "☃"},
		{"{", "", ""}, {"", "", ""}, {"a: &x [*x]\n", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.yaml, s.flagValue, s.envValue)
	}
	flags := config.Flags()
	f.Fuzz(func(t *testing.T, yaml, flagValue, envValue string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "mockpay.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		// One flag and one variable take the fuzzed values, chosen by
		// their length so every flag gets its turn.
		fl := flags[len(flagValue)%len(flags)]
		ev := flags[len(envValue)%len(flags)]
		if fl.Name == "config" {
			// A second --config is a file Parse reads: keep it in the
			// test's folder, so the answer never depends on what this
			// machine has at a fuzzed path (nor waits on /dev/stdin).
			flagValue = filepath.Join(dir, filepath.Base(flagValue))
		}
		args := []string{"--config", path, "--" + fl.Name + "=" + flagValue}
		getenv := func(k string) string {
			if k == ev.Env {
				return envValue
			}
			return ""
		}
		cfg, err := config.Parse("serve", args, getenv)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("refused without a message")
			}
			return
		}
		_ = cfg.LiqPayMerchants()
		_ = cfg.LiquidoMerchants()
		_ = cfg.Callbacks.Durations()
	})
}

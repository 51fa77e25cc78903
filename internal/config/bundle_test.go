package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mockpay/mockpay/internal/config"
)

// --bundle-on-exit comes from the flag, its environment twin or the file
// (relative to the file), in that order of precedence.
func TestBundleOnExit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "mockpay.yaml")
	if err := os.WriteFile(file, []byte("bundle_on_exit: bundles\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	envOf := func(v string) func(string) string {
		return func(k string) string {
			if k == "MOCKPAY_BUNDLE_ON_EXIT" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"unset", nil, "", ""},
		{"file, relative to it", []string{"--config", file}, "", filepath.Join(dir, "bundles")},
		{"environment over file", []string{"--config", file}, "/tmp/from-env", "/tmp/from-env"},
		{"flag over environment", []string{"--config", file, "--bundle-on-exit", "out"}, "/tmp/from-env", "out"},
	}
	for _, tt := range tests {
		cfg, err := config.Parse("serve", tt.args, envOf(tt.env))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if cfg.BundleOnExit != tt.want {
			t.Errorf("%s: BundleOnExit = %q, want %q", tt.name, cfg.BundleOnExit, tt.want)
		}
	}
}

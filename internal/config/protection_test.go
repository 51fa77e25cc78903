package config_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/internal/config"
)

func TestProtectionSettings(t *testing.T) {
	file := writeFile(t, "admin_token: from-file\nallowed_hosts: [file.test]\n")
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		wantToken string
		wantHosts []string
	}{
		{"defaults", nil, nil, "", nil},
		{"file", []string{"--config", file}, nil, "from-file", []string{"file.test"}},
		{"env over file", []string{"--config", file}, map[string]string{"MOCKPAY_ADMIN_TOKEN": "from-env", "MOCKPAY_ALLOWED_HOSTS": "*"}, "from-env", []string{"*"}},
		{"flag over env", []string{"--admin-token", "from-flag", "--allowed-hosts", " a.test, b.test ,"},
			map[string]string{"MOCKPAY_ADMIN_TOKEN": "from-env"}, "from-flag", []string{"a.test", "b.test"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("serve", tt.args, env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantToken, cfg.AdminToken); diff != "" {
				t.Errorf("admin token (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantHosts, cfg.AllowedHosts); diff != "" {
				t.Errorf("allowed hosts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTaxWithholdingSetting(t *testing.T) {
	file := writeFile(t, `liquido:
  merchants:
    - {client_id: sandbox-client-id, client_secret: s, api_key: k0}
    - {client_id: plain, client_secret: s, api_key: k1}
    - {client_id: taxed, client_secret: s, api_key: k2, tax_withholding: true}
    - {client_id: untaxed, client_secret: s, api_key: k3, tax_withholding: false}
`)
	cfg, err := config.Parse("serve", []string{"--config", file}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range cfg.LiquidoMerchants() {
		got[m.ClientID] = m.Withholds()
	}
	want := map[string]bool{"sandbox-client-id": true, "plain": false, "taxed": true, "untaxed": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("withholds (-want +got):\n%s", diff)
	}
	if !(config.Default().LiquidoMerchants()[0].Withholds()) {
		t.Error("the built-in default merchant does not withhold")
	}
}

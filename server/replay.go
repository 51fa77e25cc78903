package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/mockpay/mockpay/internal/bundle"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/state"
)

// Replay builds a server that serves a bundle's run again (`mockpay
// replay`): the merchant with its configuration, the seed, the scenario
// files and runtime sets in force, and the merchant's state — payments,
// ledger, journal, callback log — with its clock set so that its virtual
// now is the export's. Every read (LiqPay status, Liquido retrieve, the
// control plane's lists) then answers as the original did at export.
//
// A replay sends no callbacks: its dispatcher is stopped before the state
// is restored, so restored pending callbacks stay pending, and new ones are
// logged but not sent — a laptop must not call the CI's receiver. dir is a
// scratch folder for the scenario files (the caller removes it).
func Replay(cfg config.Config, log *slog.Logger, h *bundle.HAR, dir string) (*Server, error) {
	run := h.Log.Mockpay
	cfg.Seed = run.Seed
	cfg.StateFile, cfg.BundleOnExit = "", ""
	if !run.Made {
		if err := addMerchant(&cfg, run); err != nil {
			return nil, err
		}
	}
	// File sets are written back under new names; their use counts follow.
	renamed := map[string]string{}
	for i, sc := range run.Scenarios {
		if sc.Source != "file" || sc.YAML == "" {
			continue
		}
		path := filepath.Join(dir, fmt.Sprintf("%02d-%s", i, filepath.Base(sc.Name)))
		if err := os.WriteFile(path, []byte(sc.YAML), 0o644); err != nil {
			return nil, err
		}
		cfg.ScenarioDirs = append(cfg.ScenarioDirs, path)
		renamed[sc.Name] = path
	}
	s, err := New(cfg, log, nil)
	if err != nil {
		return nil, err
	}
	s.callbacks.Close(context.Background())
	if err := s.restoreBundle(run, renamed); err != nil {
		s.tenants.Close()
		return nil, err
	}
	return s, nil
}

// addMerchant adds the bundle's merchant to the configuration, replacing
// a configured one of that key (the built-in default, usually).
func addMerchant(cfg *config.Config, run *bundle.Run) error {
	switch run.Provider {
	case "liqpay":
		var m config.LiqPayMerchant
		if err := json.Unmarshal(run.MerchantConfig, &m); err != nil || m.PublicKey != run.Merchant {
			return fmt.Errorf("bundle: merchant_config is not LiqPay merchant %s", run.Merchant)
		}
		cfg.LiqPay.Merchants = append(cfg.LiqPay.Merchants, m)
	case "liquido":
		var m config.LiquidoMerchant
		if err := json.Unmarshal(run.MerchantConfig, &m); err != nil || m.ClientID != run.Merchant {
			return fmt.Errorf("bundle: merchant_config is not Liquido merchant %s", run.Merchant)
		}
		cfg.Liquido.Merchants = append(cfg.Liquido.Merchants, m)
	}
	return nil
}

// restoreBundle restores the bundle's state document: every part is
// checked before any is restored, and any failure is an error (unlike a
// state file, which is set aside: a replay that starts empty would mislead).
func (s *Server) restoreBundle(run *bundle.Run, renamed map[string]string) error {
	var doc struct {
		Format  string                     `json:"format"`
		Version int                        `json:"version"`
		Parts   map[string]json.RawMessage `json:"parts"`
	}
	if err := json.Unmarshal(run.State, &doc); err != nil {
		return fmt.Errorf("bundle: state: %w", err)
	}
	if doc.Format != state.Format || doc.Version != state.Version {
		return fmt.Errorf("bundle: state is %s version %d, this build reads %s version %d", doc.Format, doc.Version, state.Format, state.Version)
	}
	var err error
	if doc.Parts["tenants"], err = atVirtualNow(doc.Parts["tenants"], run); err != nil {
		return err
	}
	if doc.Parts["scenarios"], err = renameSets(doc.Parts["scenarios"], renamed); err != nil {
		return err
	}
	parts := s.stateParts()
	for _, p := range parts {
		c, ok := p.part.(state.Checker)
		if raw, present := doc.Parts[p.name]; ok && present {
			if err := c.Check(raw); err != nil {
				return fmt.Errorf("bundle: state part %s: %w", p.name, err)
			}
		}
	}
	for _, p := range parts {
		if raw, present := doc.Parts[p.name]; present {
			if err := p.part.Restore(raw); err != nil {
				return fmt.Errorf("bundle: state part %s: %w", p.name, err)
			}
		}
	}
	return nil
}

// atVirtualNow sets the tenant's clock offset so that its virtual now is
// the export's virtual now, whenever the replay starts.
func atVirtualNow(raw json.RawMessage, run *bundle.Run) (json.RawMessage, error) {
	var st map[string]json.RawMessage
	if err := json.Unmarshal(raw, &st); err != nil || st == nil {
		return nil, fmt.Errorf("bundle: state part tenants is malformed")
	}
	offset := time.Until(run.VirtualNow)
	st["clocks"], _ = json.Marshal(map[string]time.Duration{run.Tenant: offset})
	return json.Marshal(st)
}

// renameSets points the saved use counts of file sets at the files'
// new names.
func renameSets(raw json.RawMessage, renamed map[string]string) (json.RawMessage, error) {
	if raw == nil {
		return nil, nil
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("bundle: state part scenarios: %w", err)
	}
	var used []map[string]json.RawMessage
	if err := json.Unmarshal(st["used"], &used); err != nil {
		return nil, fmt.Errorf("bundle: state part scenarios: %w", err)
	}
	for _, u := range used {
		var name string
		_ = json.Unmarshal(u["set"], &name)
		if to, ok := renamed[name]; ok {
			u["set"], _ = json.Marshal(to)
		}
	}
	st["used"], _ = json.Marshal(used)
	return json.Marshal(st)
}

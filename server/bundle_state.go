package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/mockpay/mockpay/internal/journal"
	"github.com/mockpay/mockpay/internal/ledger"
	"github.com/mockpay/mockpay/internal/state"
	"github.com/mockpay/mockpay/internal/tenant"
)

// tenantState is the state document (the --state-file format) restricted
// to one tenant: each part's snapshot with every other merchant's data
// taken out. A bundle carries it; a replay restores it.
func (s *Server) tenantState(t *tenant.Tenant) (json.RawMessage, error) {
	doc := struct {
		Format  string                     `json:"format"`
		Version int                        `json:"version"`
		SavedAt time.Time                  `json:"saved_at"`
		Parts   map[string]json.RawMessage `json:"parts"`
	}{Format: state.Format, Version: state.Version, SavedAt: time.Now().UTC(), Parts: map[string]json.RawMessage{}}
	for _, p := range s.stateParts() {
		raw, err := p.part.Snapshot()
		if err != nil {
			return nil, fmt.Errorf("snapshot of %s: %w", p.name, err)
		}
		kept, ok, err := restrictPart(p.name, raw, t)
		if err != nil {
			return nil, fmt.Errorf("restricting %s to %s: %w", p.name, t.ID, err)
		}
		if ok {
			doc.Parts[p.name] = kept
		}
	}
	return json.Marshal(doc)
}

// restrictPart keeps tenant t's data of one part's snapshot. It knows each
// part's shape; a part it does not know is left out (ok false) rather than
// risk carrying other merchants' data.
func restrictPart(name string, raw json.RawMessage, t *tenant.Tenant) (json.RawMessage, bool, error) {
	switch name {
	case "merchants":
		var st merchantsState
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, false, err
		}
		out := merchantsState{}
		for _, m := range st.LiqPay {
			if t.Provider == "liqpay" && m.Merchant.PublicKey == t.Key {
				out.LiqPay = append(out.LiqPay, m)
			}
		}
		for _, m := range st.Liquido {
			if t.Provider == "liquido" && m.Merchant.ClientID == t.Key {
				out.Liquido = append(out.Liquido, m)
			}
		}
		// Tokens are the control plane's credentials, not the run's: left out.
		return marshal(out)
	case "tenants":
		var st map[string]json.RawMessage
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, false, err
		}
		var clocks map[string]json.RawMessage
		if err := json.Unmarshal(st["clocks"], &clocks); err != nil {
			return nil, false, err
		}
		st["clocks"], _ = json.Marshal(map[string]json.RawMessage{t.ID: clocks[t.ID]})
		return marshal(st)
	case "scenarios":
		var st struct {
			Runtime []map[string]json.RawMessage `json:"runtime"`
			Used    []map[string]json.RawMessage `json:"used"`
		}
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, false, err
		}
		st.Runtime = slices.DeleteFunc(st.Runtime, func(set map[string]json.RawMessage) bool {
			var m string
			_ = json.Unmarshal(set["Merchant"], &m)
			return m != "" && m != t.Key
		})
		st.Used = slices.DeleteFunc(st.Used, func(u map[string]json.RawMessage) bool {
			var id string
			_ = json.Unmarshal(u["tenant"], &id)
			return id != t.ID
		})
		if st.Runtime == nil {
			st.Runtime = []map[string]json.RawMessage{}
		}
		if st.Used == nil {
			st.Used = []map[string]json.RawMessage{}
		}
		return marshal(st)
	case "liqpay", "liquido":
		field := map[string]string{"liqpay": "shops", "liquido": "merchants"}[name]
		var st map[string]map[string]json.RawMessage
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, false, err
		}
		kept := map[string]json.RawMessage{}
		if v, ok := st[field][t.Key]; ok && t.Provider == name {
			kept[t.Key] = v
		}
		return marshal(map[string]any{field: kept})
	case "ledger":
		var st ledger.Snapshot
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, false, err
		}
		st.Payments = slices.DeleteFunc(st.Payments, func(p ledger.Saved) bool { return p.Tenant != t.ID })
		st.Moves = map[string][]ledger.Move{t.ID: st.Moves[t.ID]}
		return marshal(st)
	case "journal":
		var entries []*journal.Entry
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, false, err
		}
		return marshal(slices.DeleteFunc(entries, func(e *journal.Entry) bool { return e.Tenant != t.ID }))
	case "callbacks":
		var st map[string]json.RawMessage
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, false, err
		}
		var cbs []map[string]json.RawMessage
		if err := json.Unmarshal(st["callbacks"], &cbs); err != nil {
			return nil, false, err
		}
		cbs = slices.DeleteFunc(cbs, func(cb map[string]json.RawMessage) bool {
			var id string
			_ = json.Unmarshal(cb["tenant"], &id)
			return id != t.ID
		})
		st["callbacks"], _ = json.Marshal(cbs)
		return marshal(st)
	}
	return nil, false, nil
}

func marshal(v any) (json.RawMessage, bool, error) {
	raw, err := json.Marshal(v)
	return raw, err == nil, err
}

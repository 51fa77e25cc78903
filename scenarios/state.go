package scenarios

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// engineState is the scenario engine's part of a state file
// (internal/state): the runtime sets uploaded through the control API and
// how often each scenario has matched per tenant (times:). File and
// default sets are not saved: they are read from their files at start.
type engineState struct {
	Runtime []*Set      `json:"runtime"` // newest first, as searched
	Used    []usedCount `json:"used"`
}

// usedCount names a scenario by its set and position: scenarios have no
// identity beyond that.
type usedCount struct {
	Tenant   string `json:"tenant"`
	Source   string `json:"source"`
	Set      string `json:"set"`
	Merchant string `json:"merchant,omitempty"`
	Index    int    `json:"index"`
	Count    int    `json:"count"`
}

// Snapshot saves the runtime sets and the use counts.
func (e *Engine) Snapshot() (json.RawMessage, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := engineState{Runtime: e.runtime, Used: []usedCount{}}
	for _, layer := range [][]*Set{e.runtime, e.files, e.defaults} {
		for _, set := range layer {
			for i, sc := range set.Scenarios {
				for tenant, counts := range e.used {
					if n := counts[sc]; n > 0 {
						st.Used = append(st.Used, usedCount{Tenant: tenant, Source: set.Source, Set: set.Name, Merchant: set.Merchant, Index: i, Count: n})
					}
				}
			}
		}
	}
	return json.Marshal(st)
}

// Restore puts the runtime sets back and the use counts of every scenario
// that still exists (a file may have changed while mockpay was stopped:
// counts of scenarios no longer there are dropped).
func (e *Engine) Restore(raw json.RawMessage) error {
	var st engineState
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("scenarios: %w", err)
	}
	for _, set := range st.Runtime {
		if set == nil {
			return fmt.Errorf("scenarios: a runtime set is null")
		}
		set.Source = "runtime"
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.runtime = st.Runtime
	e.used = map[string]map[*Scenario]int{}
	for _, u := range st.Used {
		sc := e.find(u)
		if sc == nil {
			continue
		}
		if e.used[u.Tenant] == nil {
			e.used[u.Tenant] = map[*Scenario]int{}
		}
		e.used[u.Tenant][sc] = u.Count
	}
	return nil
}

// find is the scenario a use count names. Caller holds e.mu.
func (e *Engine) find(u usedCount) *Scenario {
	for _, layer := range [][]*Set{e.runtime, e.files, e.defaults} {
		for _, set := range layer {
			if set.Source == u.Source && set.Name == u.Set && set.Merchant == u.Merchant && u.Index >= 0 && u.Index < len(set.Scenarios) {
				return set.Scenarios[u.Index]
			}
		}
	}
	return nil
}

// stringMatchJSON is a StringMatch as saved: the regular expression as text.
type stringMatchJSON struct {
	Any   []string `json:"any,omitempty"`
	Regex string   `json:"regex,omitempty"`
}

// MarshalJSON writes the match with its regular expression as text, so
// runtime sets and payments' confirm rules survive a state file.
func (m StringMatch) MarshalJSON() ([]byte, error) {
	j := stringMatchJSON{Any: m.Any}
	if m.Regex != nil {
		j.Regex = m.Regex.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (m *StringMatch) UnmarshalJSON(b []byte) error {
	var j stringMatchJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	m.Any, m.Regex = j.Any, nil
	if j.Regex != "" {
		re, err := regexp.Compile(j.Regex)
		if err != nil {
			return err
		}
		m.Regex = re
	}
	return nil
}

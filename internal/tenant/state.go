package tenant

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/brianvoe/gofakeit/v6"
)

// registryState is the tenants' part of a state file (internal/state).
type registryState struct {
	// Generation is how many times this run has been restored.
	Generation int64 `json:"generation"`
	// Clocks are the virtual clocks' offsets from wall time, by tenant id.
	Clocks map[string]time.Duration `json:"clocks"`
}

// Snapshot saves every tenant's clock offset.
func (r *Registry) Snapshot() (json.RawMessage, error) {
	st := registryState{Clocks: map[string]time.Duration{}}
	r.mu.RLock()
	st.Generation = r.generation
	for id, t := range r.tenants {
		st.Clocks[id] = t.Clock.Offset()
	}
	r.mu.RUnlock()
	return json.Marshal(st)
}

// Restore sets the clock offsets of the tenants that exist (merchants are
// configured, not restored), and moves every tenant's generator on to a new
// sequence, so ids and tokens made from now on do not collide with the
// restored ones. It runs before the server serves.
func (r *Registry) Restore(raw json.RawMessage) error {
	var st registryState
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("tenants: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.generation = st.Generation + 1
	for id, t := range r.tenants {
		if d, ok := st.Clocks[id]; ok {
			t.Clock.RestoreOffset(d)
		}
		t.seed = r.fakeSeed(id)
		t.Fake = gofakeit.NewUnlocked(t.seed)
	}
	return nil
}

package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/journal"
	"github.com/mockpay/mockpay/internal/ledger"
	"github.com/mockpay/mockpay/internal/state"
)

// openState registers every stateful part with a state file and restores
// them from it (--state-file). Parts are restored in this order: the
// tenants' clocks first, then what schedules on them.
//
// A part added to mockpay that holds state across requests (a new
// emulator, a journal) is registered here.
func (s *Server) openState(path string) error {
	// A folder that does not exist would fail every save; say so at start.
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return fmt.Errorf("state file %s: its folder does not exist", path)
	}
	st := state.New(path, s.log.With("part", "state"), nil)
	for _, p := range s.stateParts() {
		st.Register(p.name, p.part)
	}
	if err := st.Load(); err != nil {
		return err
	}
	s.state = st
	return nil
}

// statePart is a stateful part under its name in a state file.
type statePart struct {
	name string
	part state.Part
}

// stateParts lists the stateful parts in restore order (a state file and
// a run bundle both save them). A part added here needs its line in
// restrictPart (bundle_state.go) too, or bundles leave it out.
func (s *Server) stateParts() []statePart {
	return []statePart{
		{"merchants", s.made}, // first: the others restore into them
		{"tenants", s.tenants},
		{"scenarios", s.scenarios},
		{"liqpay", s.liqpay},
		{"liquido", s.liquido},
		{"ledger", jsonPart[ledger.Snapshot]{s.ledger.Export, s.ledger.Import}},
		{"journal", jsonPart[[]*journal.Entry]{s.journal.Export, s.journal.Import}},
		{"callbacks", callback.StatePart{D: s.callbacks, Clock: s.scheduler, Signer: s.signer}},
	}
}

// jsonPart saves a part whose state is one exportable value.
type jsonPart[T any] struct {
	export func() T
	load   func(T)
}

func (p jsonPart[T]) Snapshot() (json.RawMessage, error) { return json.Marshal(p.export()) }

func (p jsonPart[T]) Check(raw json.RawMessage) error {
	var v T
	return json.Unmarshal(raw, &v)
}

func (p jsonPart[T]) Restore(raw json.RawMessage) error {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	p.load(v)
	return nil
}

// scheduler is a tenant's clock by tenant id ("liqpay:sandbox_i00000000").
func (s *Server) scheduler(id string) callback.Scheduler {
	provider, key, _ := strings.Cut(id, ":")
	t, ok := s.tenants.Get(provider, key)
	if !ok {
		return nil
	}
	return t.Clock
}

// signer rebuilds the per-attempt signature of a restored callback.
func (s *Server) signer(provider, tenant, spec string) func(time.Time, []byte) http.Header {
	if provider == "liquido" {
		return s.liquido.Signer(tenant, spec)
	}
	return nil
}

// saveState writes the state file, if there is one; a failure is logged.
func (s *Server) saveState() {
	if s.state == nil {
		return
	}
	if err := s.state.Save(); err != nil {
		s.log.Error("saving state failed", "state_file", s.state.Path(), "err", err)
		return
	}
	s.log.Info("state saved", "state_file", s.state.Path())
}

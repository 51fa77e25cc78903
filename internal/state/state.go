// Package state keeps mockpay's state across restarts (--state-file): a
// versioned JSON document with one section per stateful part, written
// atomically, periodically and at shutdown, and read back at start.
//
// It knows nothing about providers. Each part (an emulator, the callback
// dispatcher, the tenants' clocks, the scenario engine) implements Part in
// its own package and is registered under a name; the document is
//
//	{"format": "mockpay-state", "version": 1, "saved_at": "…",
//	 "parts": {"tenants": {…}, "scenarios": {…}, "liqpay": {…}, …}}
//
// A file that cannot be read back — truncated, corrupt, another format or
// a version this build does not know — is never silently discarded: it is
// reported in the log and moved aside beside itself as FILE.corrupt-TIME,
// and the server starts empty.
package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Part is one stateful piece of mockpay.
type Part interface {
	// Snapshot returns the part's state. It takes the part's own locks; it
	// must not hold them while another part snapshots.
	Snapshot() (json.RawMessage, error)
	// Restore replaces the part's state (normally empty at start) with a
	// snapshot, re-arming whatever it had scheduled on the virtual clocks.
	// It should decode fully before changing anything.
	Restore(json.RawMessage) error
}

// Checker is a part that can tell whether a snapshot would restore
// without applying it. Load checks every such part before restoring any,
// so a file one part refuses is set aside whole rather than half applied.
type Checker interface {
	Check(json.RawMessage) error
}

// Format and Version identify the document; a later build that changes a
// part's shape bumps Version and upgrades older documents when loading.
const (
	Format  = "mockpay-state"
	Version = 1
)

type document struct {
	Format  string                     `json:"format"`
	Version int                        `json:"version"`
	SavedAt time.Time                  `json:"saved_at"`
	Parts   map[string]json.RawMessage `json:"parts"`
}

type named struct {
	name string
	part Part
}

// Store saves and loads one state file.
type Store struct {
	path string
	log  *slog.Logger
	now  func() time.Time

	mu    sync.Mutex // one save at a time
	parts []named
}

// New returns a store for path. now stamps saved_at and corrupt-file names
// (time.Now when nil).
func New(path string, log *slog.Logger, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{path: path, log: log, now: now}
}

// Path is the state file's path.
func (s *Store) Path() string { return s.path }

// Register adds a part. Parts are restored in registration order: the
// tenants' clocks before the emulators that schedule on them.
func (s *Store) Register(name string, p Part) {
	s.parts = append(s.parts, named{name, p})
}

// Load restores the registered parts from the file. A missing file is a
// first start: nothing happens. A file that cannot be used is moved aside
// and reported; Load then returns nil and the server starts empty (a part
// that fails only while restoring, past every Checker, leaves the parts
// restored before it in place). Only a failure to move a
// bad file aside is returned, so it is never overwritten by the next save.
func (s *Store) Load() error {
	raw, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.log.Info("no state file yet; starting empty", "state_file", s.path)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading state file: %w", err)
	}
	var doc document
	switch err := json.Unmarshal(raw, &doc); {
	case err != nil:
		return s.setAside(fmt.Errorf("not valid JSON (truncated?): %w", err))
	case doc.Format != Format:
		return s.setAside(fmt.Errorf("format %q, want %q", doc.Format, Format))
	case doc.Version != Version:
		return s.setAside(fmt.Errorf("version %d, this build reads version %d", doc.Version, Version))
	}
	for _, p := range s.parts {
		c, ok := p.part.(Checker)
		sec, present := doc.Parts[p.name]
		if !ok || !present {
			continue
		}
		if err := c.Check(sec); err != nil {
			return s.setAside(fmt.Errorf("part %s: %w", p.name, err))
		}
	}
	restored := 0
	for _, p := range s.parts {
		sec, ok := doc.Parts[p.name]
		if !ok {
			continue
		}
		if err := p.part.Restore(sec); err != nil {
			return s.setAside(fmt.Errorf("part %s: %w", p.name, err))
		}
		restored++
	}
	s.log.Info("state restored", "state_file", s.path, "saved_at", doc.SavedAt, "parts", restored)
	return nil
}

// setAside moves a bad state file to FILE.corrupt-TIME and logs why.
func (s *Store) setAside(why error) error {
	aside := s.path + ".corrupt-" + s.now().UTC().Format("20060102T150405.000000000Z")
	if err := os.Rename(s.path, aside); err != nil {
		return fmt.Errorf("state file %s is unusable (%v) and could not be set aside: %w", s.path, why, err)
	}
	s.log.Error("state file unusable; set aside, starting empty", "state_file", s.path, "moved_to", aside, "err", why)
	return nil
}

// Save writes every part's snapshot atomically: a temporary file in the
// same folder, flushed to disk, then renamed over the state file, so a
// crash mid-save leaves the previous state intact.
func (s *Store) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc := document{Format: Format, Version: Version, SavedAt: s.now().UTC(), Parts: map[string]json.RawMessage{}}
	for _, p := range s.parts {
		raw, err := p.part.Snapshot()
		if err != nil {
			return fmt.Errorf("snapshot of %s: %w", p.name, err)
		}
		doc.Parts[p.name] = raw
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return writeAtomic(s.path, data)
}

func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable once the folder is synced too; not every
	// system can sync a folder, and the data is safe either way.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Run saves every interval until ctx ends. A failed save is logged and
// tried again at the next tick.
func (s *Store) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Save(); err != nil {
				s.log.Error("saving state failed", "state_file", s.path, "err", err)
			}
		}
	}
}

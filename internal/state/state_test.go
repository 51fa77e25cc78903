package state

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// memPart is a part whose state is a JSON value.
type memPart struct {
	val     any
	fail    error
	restore []string // what Restore received
}

func (p *memPart) Snapshot() (json.RawMessage, error) { return json.Marshal(p.val) }
func (p *memPart) Restore(raw json.RawMessage) error {
	if p.fail != nil {
		return p.fail
	}
	p.restore = append(p.restore, string(raw))
	return nil
}

var fixed = func() time.Time { return time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC) }

func TestSaveThenLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, b := &memPart{val: map[string]int{"x": 1}}, &memPart{val: []string{"y"}}
	s := New(path, nil, fixed)
	s.Register("a", a)
	s.Register("b", b)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	a2, b2, c2 := &memPart{}, &memPart{}, &memPart{}
	s2 := New(path, nil, fixed)
	s2.Register("a", a2)
	s2.Register("b", b2)
	s2.Register("c", c2) // not in the file: left alone
	if err := s2.Load(); err != nil {
		t.Fatal(err)
	}
	got := [][]string{a2.restore, b2.restore, c2.restore}
	want := [][]string{{`{"x":1}`}, {`["y"]`}, nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("restored (-want +got):\n%s", diff)
	}
	// Nothing but the state file is left in the folder.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after a save, want 1", len(entries))
	}
	raw, _ := os.ReadFile(path)
	var doc document
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Format != Format || doc.Version != Version || !doc.SavedAt.Equal(fixed()) {
		t.Errorf("document header %+v (%v)", doc, err)
	}
}

func TestMissingFileStartsEmpty(t *testing.T) {
	p := &memPart{}
	s := New(filepath.Join(t.TempDir(), "none.json"), nil, fixed)
	s.Register("p", p)
	if err := s.Load(); err != nil || p.restore != nil {
		t.Errorf("Load of a missing file: %v, restored %v", err, p.restore)
	}
}

// A file that cannot be used is set aside beside itself, never deleted,
// and Load does not fail.
func TestUnusableFileIsSetAside(t *testing.T) {
	for name, tc := range map[string]struct {
		content string
		fail    error
	}{
		"truncated":     {content: `{"format":"mockpay-state","version":1,"parts":{"p":{"x"`},
		"not JSON":      {content: "\x00\x01garbage"},
		"other format":  {content: `{"format":"something","version":1}`},
		"newer version": {content: `{"format":"mockpay-state","version":99,"parts":{}}`},
		"part refuses":  {content: `{"format":"mockpay-state","version":1,"parts":{"p":{}}}`, fail: errors.New("bad")},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s := New(path, nil, fixed)
			s.Register("p", &memPart{fail: tc.fail})
			if err := s.Load(); err != nil {
				t.Fatalf("Load: %v", err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the unusable file is still in place: %v", err)
			}
			aside := path + ".corrupt-20261130T060000.000000000Z"
			got, err := os.ReadFile(aside)
			if err != nil || string(got) != tc.content {
				t.Errorf("set-aside file %s: %q, %v; want the original content", aside, got, err)
			}
		})
	}
}

func TestSaveFailsInAMissingFolder(t *testing.T) {
	s := New(filepath.Join(t.TempDir(), "no", "such", "state.json"), nil, fixed)
	s.Register("p", &memPart{val: 1})
	if err := s.Save(); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Save into a missing folder: %v", err)
	}
}

// checkedPart refuses in Check what it would refuse in Restore.
type checkedPart struct{ memPart }

func (p *checkedPart) Check(json.RawMessage) error { return p.fail }

// A part whose Check refuses the file sets it aside before any part is
// restored: nothing is half applied.
func TestCheckedPartsRefuseBeforeAnythingIsRestored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	content := `{"format":"mockpay-state","version":1,"parts":{"a":{"x":1},"b":{}}}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	a, b := &memPart{}, &checkedPart{memPart{fail: errors.New("bad")}}
	s := New(path, nil, fixed)
	s.Register("a", a) // restored before b, so only a Check can stop it
	s.Register("b", b)
	if err := s.Load(); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if a.restore != nil {
		t.Errorf("part a was restored from a file part b refuses: %v", a.restore)
	}
	if _, err := os.Stat(path + ".corrupt-20261130T060000.000000000Z"); err != nil {
		t.Errorf("the refused file was not set aside: %v", err)
	}
}

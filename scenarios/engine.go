package scenarios

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Engine picks the scenario for a request. Sets are searched in a fixed
// order, first match wins:
//
//  1. runtime sets (loaded through the control API), newest first; a set
//     scoped to a merchant applies to that merchant only;
//  2. file sets, in the order of the configured folders and, within a
//     folder, of file names; scenarios in file order;
//  3. the providers' embedded defaults (their test cards).
//
// A scenario with times: N answers the first N matching requests of each
// merchant and is passed over after that.
type Engine struct {
	log   *slog.Logger
	vocab []Vocabulary

	mu       sync.Mutex
	defaults []*Set
	files    []*Set
	runtime  []*Set
	used     map[string]map[*Scenario]int // tenant → scenario → times matched

	reloadMu sync.Mutex           // one Reload at a time
	paths    []string             // folders or files to load
	fileSets map[string]*Set      // last good version of each file
	stamps   map[string]fileStamp // what each file looked like when read
	fileErr  error                // what was wrong with the files when last read
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// NewEngine returns an engine that validates against vocab.
func NewEngine(log *slog.Logger, vocab []Vocabulary) *Engine {
	return &Engine{log: log, vocab: vocab, used: map[string]map[*Scenario]int{},
		fileSets: map[string]*Set{}, stamps: map[string]fileStamp{}}
}

// Vocabulary lists the providers the engine validates against.
func (e *Engine) Vocabulary() []Vocabulary { return e.vocab }

// AddDefaults parses and installs a provider's embedded default set. An
// error here is a bug in mockpay, not in user input.
func (e *Engine) AddDefaults(name string, data []byte) error {
	set, err := Parse(name, data, e.vocab)
	if err != nil {
		return fmt.Errorf("default scenarios %s: %w", name, err)
	}
	set.Source = "default"
	e.mu.Lock()
	defer e.mu.Unlock()
	e.defaults = append(e.defaults, set)
	return nil
}

// Decide returns the first scenario matching r for the tenant, counting
// the use, or nil when none matches.
func (e *Engine) Decide(tenant string, r Request) *Scenario {
	return e.pick(tenant, r, true)
}

// Peek returns the scenario Decide would return without counting the use:
// a dry run (LiqPay's prepare) must not use up a scenario's times.
func (e *Engine) Peek(tenant string, r Request) *Scenario {
	return e.pick(tenant, r, false)
}

func (e *Engine) pick(tenant string, r Request, count bool) *Scenario {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, layer := range [][]*Set{e.runtime, e.files, e.defaults} {
		for _, set := range layer {
			if set.Merchant != "" && set.Merchant != r.Merchant {
				continue
			}
			for _, sc := range set.Scenarios {
				if !sc.matches(r) || !e.actionApplies(sc, r.Action) {
					continue
				}
				counts := e.used[tenant]
				if sc.Times > 0 && counts[sc] >= sc.Times {
					continue
				}
				if !count {
					return sc
				}
				if counts == nil {
					counts = map[*Scenario]int{}
					e.used[tenant] = counts
				}
				counts[sc]++
				return sc
			}
		}
	}
	return nil
}

// actionApplies keeps a scenario that names no action to the provider's
// charge actions, so "fail twice" is not used up by status queries.
func (e *Engine) actionApplies(sc *Scenario, action string) bool {
	if sc.Match.Action != nil {
		return true
	}
	for _, v := range e.vocab {
		if v.Provider == sc.Provider && len(v.DefaultActions) > 0 {
			return slices.Contains(v.DefaultActions, action)
		}
	}
	return true
}

// Put installs (or replaces) a runtime set; it comes first from now on.
func (e *Engine) Put(set *Set) {
	set.Source = "runtime"
	e.mu.Lock()
	defer e.mu.Unlock()
	e.removeRuntime(set.Name, set.Merchant)
	e.runtime = append([]*Set{set}, e.runtime...)
}

// Delete removes a runtime set; it reports whether there was one.
func (e *Engine) Delete(name, merchant string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.removeRuntime(name, merchant)
}

func (e *Engine) removeRuntime(name, merchant string) bool {
	for i, s := range e.runtime {
		if s.Name == name && s.Merchant == merchant {
			e.forget(s)
			e.runtime = append(e.runtime[:i:i], e.runtime[i+1:]...)
			return true
		}
	}
	return false
}

// forget drops the use counts of a set that is being replaced. Caller holds mu.
func (e *Engine) forget(s *Set) {
	for _, counts := range e.used {
		for _, sc := range s.Scenarios {
			delete(counts, sc)
		}
	}
}

// ResetCounts forgets how often scenarios matched, for one tenant ("" = all).
func (e *Engine) ResetCounts(tenant string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if tenant == "" {
		e.used = map[string]map[*Scenario]int{}
		return
	}
	delete(e.used, tenant)
}

// SetInfo describes a loaded set for the control API and health.
type SetInfo struct {
	Name      string         `json:"name"`
	Source    string         `json:"source"`
	Merchant  string         `json:"merchant,omitempty"`
	Scenarios []ScenarioInfo `json:"scenarios"`
}

// ScenarioInfo describes one scenario.
type ScenarioInfo struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Provider    string         `json:"provider"`
	Times       int            `json:"times,omitempty"`
	Line        int            `json:"line"`
	Used        map[string]int `json:"used,omitempty"` // tenant → times matched
}

// List describes every set in search order.
func (e *Engine) List() []SetInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []SetInfo
	for _, layer := range [][]*Set{e.runtime, e.files, e.defaults} {
		for _, s := range layer {
			info := SetInfo{Name: s.Name, Source: s.Source, Merchant: s.Merchant, Scenarios: []ScenarioInfo{}}
			for _, sc := range s.Scenarios {
				si := ScenarioInfo{Name: sc.Name, Description: sc.Description, Provider: sc.Provider, Times: sc.Times, Line: sc.Line}
				for tenant, counts := range e.used {
					if n := counts[sc]; n > 0 {
						if si.Used == nil {
							si.Used = map[string]int{}
						}
						si.Used[tenant] = n
					}
				}
				info.Scenarios = append(info.Scenarios, si)
			}
			out = append(out, info)
		}
	}
	return out
}

// Names lists "set/scenario" for every loaded scenario (health endpoint).
func (e *Engine) Names() []string {
	var out []string
	for _, s := range e.List() {
		for _, sc := range s.Scenarios {
			out = append(out, s.Name+"#"+sc.Name)
		}
	}
	return out
}

// LoadPaths sets the folders (or single files) to read scenarios from and
// reads them. Files with errors are reported; at start-up the caller treats
// that as fatal.
func (e *Engine) LoadPaths(paths []string) error {
	e.mu.Lock()
	e.paths = append([]string(nil), paths...)
	e.mu.Unlock()
	_, err := e.Reload()
	return err
}

// Reload re-reads the scenario files if any changed. A file that no longer
// parses keeps its last good version (and the error is returned), so a
// broken edit never leaves a running server without its scenarios. It
// reports whether anything changed.
func (e *Engine) Reload() (bool, error) {
	// One reload at a time; files are read and parsed outside e.mu, so a
	// large or broken file never holds up the requests that Decide.
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	e.mu.Lock()
	paths, oldSets, oldStamps, oldErr := e.paths, e.fileSets, e.stamps, e.fileErr
	e.mu.Unlock()

	files, listErr := scenarioFiles(paths)
	stamps := map[string]fileStamp{}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			stamps[f] = fileStamp{st.ModTime(), st.Size()}
		}
	}
	if listErr == nil && sameStamps(stamps, oldStamps) {
		// Unchanged, but a file that was broken still is: say so again.
		return false, oldErr
	}
	var errs []string
	if listErr != nil {
		errs = append(errs, listErr.Error())
	}
	sets := map[string]*Set{}
	var order []*Set
	for _, f := range files {
		// An unchanged file keeps its set, and with it how often its
		// scenarios matched.
		if old, ok := oldSets[f]; ok && oldStamps[f] == stamps[f] {
			sets[f] = old
			order = append(order, old)
			continue
		}
		set, err := e.parseFile(f)
		if err != nil {
			errs = append(errs, err.Error())
			set = oldSets[f] // keep the last good version, if any
		}
		if set != nil {
			sets[f] = set
			order = append(order, set)
		}
	}
	var fileErr error
	if len(errs) > 0 {
		fileErr = fmt.Errorf("%s", strings.Join(errs, "\n"))
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	for f, old := range e.fileSets {
		if sets[f] != old {
			e.forget(old)
		}
	}
	e.fileSets, e.files, e.stamps, e.fileErr = sets, order, stamps, fileErr
	return true, fileErr
}

func (e *Engine) parseFile(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, e.vocab)
}

func sameStamps(a, b map[string]fileStamp) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !w.mod.Equal(v.mod) || w.size != v.size {
			return false
		}
	}
	return true
}

// Files lists the scenario files of paths the way the server reads them:
// a folder's .yaml and .yml files (recursively, sorted by name), or the
// file itself.
func Files(paths []string) ([]string, error) { return scenarioFiles(paths) }

func scenarioFiles(paths []string) ([]string, error) {
	var out []string
	var errs []error
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			// A missing folder must not hide the folders after it.
			errs = append(errs, fmt.Errorf("scenarios %s: %w", p, err))
			continue
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("scenarios %s: %w", p, err))
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, errors.Join(errs...)
}

// Watch re-reads the scenario files every interval until stop is closed,
// logging what changed and why a file was not taken.
func (e *Engine) Watch(interval time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			changed, err := e.Reload()
			if err != nil && changed {
				e.log.Error("scenario files not (all) reloaded; keeping the last good version of each broken file", "err", err)
			} else if changed {
				e.log.Info("scenario files reloaded", "scenarios", len(e.Names()))
			}
		}
	}
}

package scenarios_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/scenarios"
)

// pay is a request every scenario of these tests matches.
var pay = scenarios.Request{Provider: "acme", Merchant: "shop-1", Action: "pay", Card: "4242424242424242"}

// one is a file of a single scenario that matches every acme request.
func one(name string, extra ...string) string {
	return header(append([]string{"  - name: " + name}, append(extra, "    outcome: {status: success}")...)...)
}

// runtimeSet parses a runtime upload as the control API would.
func runtimeSet(t *testing.T, name, merchant, data string) *scenarios.Set {
	t.Helper()
	set := mustParse(t, name, data)
	set.Name, set.Merchant = name, merchant
	return set
}

// writeScenarios writes a scenario file and gives it a modification time,
// so that Reload sees a change even within the file system's time grain.
func writeScenarios(t *testing.T, path, data string, mod time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

// uses decides n requests for the tenant and returns the names decided.
func uses(e *scenarios.Engine, tenant string, r scenarios.Request, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = decided(e, tenant, r)
	}
	return out
}

func TestTimesCountsPerTenant(t *testing.T) {
	t.Parallel()
	e := newEngine()
	if err := e.AddDefaults("default:acme", []byte(header(
		"  - name: twice", "    times: 2", "    outcome: {status: failure}",
		"  - name: after", "    outcome: {status: success}",
	))); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"twice", "twice", "after", "after"}, uses(e, "A", pay, 4)); diff != "" {
		t.Errorf("tenant A (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"twice", "twice", "after"}, uses(e, "B", pay, 3)); diff != "" {
		t.Errorf("tenant B, after A used the scenario up (-want +got):\n%s", diff)
	}

	// A request that does not match does not count.
	other := pay
	other.Provider = "zeta"
	if got := decided(e, "C", other); got != "" {
		t.Errorf("zeta request decided %q", got)
	}
	if got := decided(e, "C", pay); got != "twice" {
		t.Errorf("tenant C's first acme request decided %q, want twice", got)
	}

	used := map[string]int{}
	for _, s := range e.List() {
		for _, sc := range s.Scenarios {
			if sc.Name == "twice" {
				used = sc.Used
			}
		}
	}
	if diff := cmp.Diff(map[string]int{"A": 2, "B": 2, "C": 1}, used); diff != "" {
		t.Errorf("List's uses of twice (-want +got):\n%s", diff)
	}

	e.ResetCounts("A")
	if diff := cmp.Diff([]string{"after"}, uses(e, "B", pay, 1)); diff != "" {
		t.Errorf("tenant B after resetting A, still used up (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"twice", "twice", "after"}, uses(e, "A", pay, 3)); diff != "" {
		t.Errorf("tenant A after resetting A (-want +got):\n%s", diff)
	}
	e.ResetCounts("")
	for _, tenant := range []string{"A", "B", "C"} {
		if got := decided(e, tenant, pay); got != "twice" {
			t.Errorf("tenant %s after resetting all decided %q, want twice", tenant, got)
		}
	}
}

// Runtime sets (newest first) before files (folder, then file name order)
// before the providers' defaults.
func TestSearchOrder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	writeScenarios(t, filepath.Join(dir, "b.yaml"), one("file-b"), now)
	writeScenarios(t, filepath.Join(dir, "a.yaml"), one("file-a"), now)
	e := newEngine()
	if err := e.AddDefaults("default:acme", []byte(one("default"))); err != nil {
		t.Fatal(err)
	}
	if got := decided(e, "t", pay); got != "default" {
		t.Errorf("defaults only: %q, want default", got)
	}
	if err := e.LoadPaths([]string{dir}); err != nil {
		t.Fatal(err)
	}
	if got := decided(e, "t", pay); got != "file-a" {
		t.Errorf("with files: %q, want file-a (a.yaml sorts before b.yaml)", got)
	}
	e.Put(runtimeSet(t, "first", "", one("runtime-first")))
	e.Put(runtimeSet(t, "second", "", one("runtime-second")))
	if got := decided(e, "t", pay); got != "runtime-second" {
		t.Errorf("with two runtime sets: %q, want the newest, runtime-second", got)
	}
	// Replacing a set makes it the newest.
	e.Put(runtimeSet(t, "first", "", one("runtime-first-v2")))
	if got := decided(e, "t", pay); got != "runtime-first-v2" {
		t.Errorf("after replacing first: %q, want runtime-first-v2", got)
	}

	var order []string
	for _, s := range e.List() {
		order = append(order, s.Source+" "+s.Name)
	}
	want := []string{
		"runtime first", "runtime second",
		"file " + filepath.Join(dir, "a.yaml"), "file " + filepath.Join(dir, "b.yaml"),
		"default default:acme",
	}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("List order (-want +got):\n%s", diff)
	}

	if !e.Delete("first", "") {
		t.Error("Delete(first) reported no set")
	}
	if got := decided(e, "t", pay); got != "runtime-second" {
		t.Errorf("after deleting first: %q, want runtime-second", got)
	}
	if e.Delete("first", "") {
		t.Error("deleting first twice reported a set")
	}
	if !e.Delete("second", "") {
		t.Error("Delete(second) reported no set")
	}
	if got := decided(e, "t", pay); got != "file-a" {
		t.Errorf("after deleting every runtime set: %q, want file-a", got)
	}
}

// Within a file, the first matching scenario wins; a used-up scenario
// falls through to the next layer.
func TestFirstMatchAndFallThrough(t *testing.T) {
	t.Parallel()
	e := newEngine()
	if err := e.AddDefaults("default:acme", []byte(one("default"))); err != nil {
		t.Fatal(err)
	}
	e.Put(runtimeSet(t, "r", "", header(
		"  - name: hold-only", "    match: {action: hold}", "    outcome: {status: success}",
		"  - name: once", "    times: 1", "    outcome: {status: failure}",
		"  - name: shadowed", "    outcome: {status: failure}",
	)))
	hold := pay
	hold.Action = "hold"
	if got := decided(e, "t", hold); got != "hold-only" {
		t.Errorf("hold: %q, want hold-only", got)
	}
	if diff := cmp.Diff([]string{"once", "shadowed", "shadowed"}, uses(e, "t", pay, 3)); diff != "" {
		t.Errorf("pay (-want +got):\n%s", diff)
	}
}

func TestMerchantScopedRuntimeSets(t *testing.T) {
	t.Parallel()
	e := newEngine()
	if err := e.AddDefaults("default:acme", []byte(one("default"))); err != nil {
		t.Fatal(err)
	}
	e.Put(runtimeSet(t, "outage", "shop-1", one("shop-1-outage")))
	e.Put(runtimeSet(t, "outage", "shop-2", one("shop-2-outage")))
	shop := func(m string) scenarios.Request { r := pay; r.Merchant = m; return r }

	tests := []struct{ merchant, want string }{
		{"shop-1", "shop-1-outage"},
		{"shop-2", "shop-2-outage"},
		{"shop-3", "default"},
	}
	for _, tt := range tests {
		if got := decided(e, "t", shop(tt.merchant)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.merchant, got, tt.want)
		}
	}
	// The same name for another merchant is another set.
	if e.Delete("outage", "") {
		t.Error("Delete(outage, all merchants) removed a merchant's set")
	}
	if !e.Delete("outage", "shop-1") {
		t.Error("Delete(outage, shop-1) reported no set")
	}
	if got := decided(e, "t", shop("shop-1")); got != "default" {
		t.Errorf("shop-1 after its set is deleted: %q, want default", got)
	}
	if got := decided(e, "t", shop("shop-2")); got != "shop-2-outage" {
		t.Errorf("shop-2 after shop-1's set is deleted: %q, want shop-2-outage", got)
	}
}

// Replacing a runtime set starts its counts afresh.
func TestPutForgetsTheReplacedSetsCounts(t *testing.T) {
	t.Parallel()
	e := newEngine()
	e.Put(runtimeSet(t, "r", "", one("once", "    times: 1")))
	if diff := cmp.Diff([]string{"once", ""}, uses(e, "t", pay, 2)); diff != "" {
		t.Errorf("before replacing (-want +got):\n%s", diff)
	}
	e.Put(runtimeSet(t, "r", "", one("once", "    times: 1")))
	if diff := cmp.Diff([]string{"once", ""}, uses(e, "t", pay, 2)); diff != "" {
		t.Errorf("after replacing (-want +got):\n%s", diff)
	}
	if n := len(e.List()); n != 1 {
		t.Errorf("List has %d sets after replacing the only one, want 1", n)
	}
}

func TestAddDefaultsRejectsABrokenFile(t *testing.T) {
	t.Parallel()
	err := newEngine().AddDefaults("default:acme", []byte(header("  - name: a", "    outcome: {status: sucess}")))
	if err == nil || !strings.Contains(err.Error(), `default:acme:5:23: status "sucess"`) {
		t.Errorf("AddDefaults: %v, want the positioned error", err)
	}
}

func TestLoadPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	writeScenarios(t, filepath.Join(dir, "z.yml"), one("z"), now)
	writeScenarios(t, filepath.Join(dir, "sub", "a.yaml"), one("sub-a"), now)
	writeScenarios(t, filepath.Join(dir, "notes.txt"), "not scenarios", now)
	single := filepath.Join(t.TempDir(), "single.yaml")
	writeScenarios(t, single, one("single"), now)

	e := newEngine()
	if err := e.LoadPaths([]string{single, dir}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range e.List() {
		names = append(names, s.Name)
	}
	want := []string{single, filepath.Join(dir, "sub", "a.yaml"), filepath.Join(dir, "z.yml")}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("sets (-want +got):\n%s", diff)
	}

	broken := filepath.Join(t.TempDir(), "broken.yaml")
	writeScenarios(t, broken, one("b", "    tims: 1"), now)
	err := newEngine().LoadPaths([]string{broken})
	if err == nil || err.Error() != broken+`:5:5: scenario: unknown key "tims" (known: `+scenarioKeys+`)` {
		t.Errorf("LoadPaths(broken) = %v", err)
	}
	if err := newEngine().LoadPaths([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("LoadPaths(missing folder) succeeded")
	}
}

func TestReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	mod := time.Now().Add(-time.Hour)
	next := func() time.Time { mod = mod.Add(time.Minute); return mod }
	writeScenarios(t, path, one("v1", "    times: 1"), next())

	e := newEngine()
	if err := e.AddDefaults("default:acme", []byte(one("default"))); err != nil {
		t.Fatal(err)
	}
	if err := e.LoadPaths([]string{dir}); err != nil {
		t.Fatal(err)
	}
	if got := decided(e, "t", pay); got != "v1" {
		t.Fatalf("loaded: %q, want v1", got)
	}

	if changed, err := e.Reload(); changed || err != nil {
		t.Errorf("Reload of unchanged files = %v, %v; want false, nil", changed, err)
	}

	// A broken edit keeps the last good version, use counts included.
	writeScenarios(t, path, header("  - name: v2", "    outcome: {status: sucess}"), next())
	changed, err := e.Reload()
	want := path + `:5:23: status "sucess" is not a acme status (` + acmeStatuses + `)`
	if !changed || err == nil || err.Error() != want {
		t.Errorf("Reload of a broken file = %v, %v; want true and\n%s", changed, err, want)
	}
	if got := decided(e, "t", pay); got != "default" {
		t.Errorf("after the broken edit: %q, want default (v1 kept, and already used once)", got)
	}
	e.ResetCounts("")
	if got := decided(e, "t", pay); got != "v1" {
		t.Errorf("after the broken edit and a reset: %q, want v1 (the last good version)", got)
	}
	// Still broken, so still reported, but nothing changed.
	if changed, err := e.Reload(); changed || err == nil || err.Error() != want {
		t.Errorf("Reload of the unchanged broken file = %v, %v; want false and\n%s", changed, err, want)
	}

	// The fixed file is picked up.
	writeScenarios(t, path, one("v3"), next())
	if changed, err := e.Reload(); !changed || err != nil {
		t.Errorf("Reload of the fixed file = %v, %v; want true, nil", changed, err)
	}
	if got := decided(e, "t", pay); got != "v3" {
		t.Errorf("after the fix: %q, want v3", got)
	}

	// A new file is added in name order, a deleted one dropped.
	writeScenarios(t, filepath.Join(dir, "a.yaml"), one("a"), next())
	if _, err := e.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := decided(e, "t", pay); got != "a" {
		t.Errorf("after adding a.yaml: %q, want a", got)
	}
	if err := os.Remove(filepath.Join(dir, "a.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if changed, err := e.Reload(); !changed || err != nil {
		t.Errorf("Reload after deleting the files = %v, %v; want true, nil", changed, err)
	}
	if got := decided(e, "t", pay); got != "default" {
		t.Errorf("after deleting the files: %q, want default", got)
	}
}

// A file that was broken from the start has no last good version: it
// contributes nothing until fixed.
func TestReloadBrokenFromTheStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	mod := time.Now().Add(-time.Hour)
	writeScenarios(t, path, one("v1", "    tims: 1"), mod)
	e := newEngine()
	if err := e.LoadPaths([]string{dir}); err == nil {
		t.Fatal("LoadPaths of a broken file succeeded")
	}
	if got := decided(e, "t", pay); got != "" {
		t.Errorf("with only a broken file: %q, want none", got)
	}
	writeScenarios(t, path, one("v2"), mod.Add(time.Minute))
	if _, err := e.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := decided(e, "t", pay); got != "v2" {
		t.Errorf("after the fix: %q, want v2", got)
	}
}

// Editing one file must not reset the times counts of another, unchanged
// file: Reload re-parses every file when any changed, and forgets the
// counts of every set it replaced, changed or not.
func TestReloadKeepsCountsOfUnchangedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mod := time.Now().Add(-time.Hour)
	writeScenarios(t, filepath.Join(dir, "a.yaml"), one("once", "    times: 1"), mod)
	writeScenarios(t, filepath.Join(dir, "b.yaml"), header("  - name: other", "    match: {action: hold}", "    outcome: {status: success}"), mod)
	e := newEngine()
	if err := e.LoadPaths([]string{dir}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"once", ""}, uses(e, "t", pay, 2)); diff != "" {
		t.Fatalf("before the edit (-want +got):\n%s", diff)
	}
	writeScenarios(t, filepath.Join(dir, "b.yaml"), header("  - name: other", "    match: {action: refund}", "    outcome: {status: success}"), mod.Add(time.Minute))
	if _, err := e.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := decided(e, "t", pay); got != "" {
		t.Errorf("after editing b.yaml, a.yaml's used-up scenario answered again (%q)", got)
	}
}

// A configured folder that disappears drops its own scenarios, not those of
// the folders listed after it.
func TestReloadMissingFolderKeepsOtherFolders(t *testing.T) {
	t.Parallel()
	first, second := t.TempDir(), t.TempDir()
	mod := time.Now().Add(-time.Hour)
	writeScenarios(t, filepath.Join(first, "gone", "a.yaml"), header("  - name: gone", "    match: {action: hold}", "    outcome: {status: success}"), mod)
	writeScenarios(t, filepath.Join(second, "b.yaml"), one("second"), mod)
	e := newEngine()
	if err := e.LoadPaths([]string{filepath.Join(first, "gone"), second}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(first, "gone")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Reload(); err == nil {
		t.Error("Reload with a missing folder reported nothing")
	}
	if got := decided(e, "t", pay); got != "second" {
		t.Errorf("after the first folder disappeared: %q, want second (from the folder still there)", got)
	}
}

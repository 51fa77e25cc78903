package journal

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExportImport(t *testing.T) {
	j := New(2)
	for _, tenant := range []string{"a", "b", "a", "a"} {
		j.Add(&Entry{Tenant: tenant, Path: "/" + tenant})
	}
	snap := j.Export()
	restored := New(2)
	restored.Import(snap)
	if diff := cmp.Diff(snap, restored.Export()); diff != "" {
		t.Error(diff)
	}
	restored.Add(&Entry{Tenant: "b"})
	if list, _ := restored.List(Filter{}, 0, 1); list[0].ID != "req_000000000005" {
		t.Errorf("next id after import: %s", list[0].ID)
	}
}

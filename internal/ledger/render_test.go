package ledger

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// emulator stands in for an emulator: it renders from its own state and,
// like a real one, publishes to the ledger while rendering is possible —
// here from inside Render itself, which deadlocks if the ledger calls a
// renderer with its lock held.
type emulator struct {
	l      *Ledger
	status map[string]string // by id; absent: forgotten
}

func (e emulator) Render(tenant, merchant, id, kind string) json.RawMessage {
	e.l.Changed() // takes the ledger's lock
	s, ok := e.status[id]
	if !ok {
		return nil
	}
	return json.RawMessage(`{"tenant":"` + tenant + `","merchant":"` + merchant + `","id":"` + id + `","kind":"` + kind + `","status":"` + s + `"}`)
}

func TestPaymentIsRenderedAtReadTime(t *testing.T) {
	l := New()
	em := emulator{l: l, status: map[string]string{"1": "success", "2": "failure"}}
	l.RenderWith("liqpay", em)
	for _, id := range []string{"1", "2", "3"} {
		r := rec("a", id, "processing", t0)
		r.Payment = json.RawMessage(`{"stale":true}`) // what Publish was given is not kept
		l.Publish(r)
	}
	r := rec("a", "4", "processing", t0)
	r.Provider = "other" // no renderer
	r.Payment = json.RawMessage(`{"stale":true}`)
	l.Publish(r)

	payment := func(id string) string {
		return `{"tenant":"a","merchant":"a","id":"` + id + `","kind":"","status":"` + em.status[id] + `"}`
	}
	got := map[string]string{}
	recs, _ := l.List(Filter{}, 0, 10)
	for _, r := range recs {
		got["list "+r.ID] = string(r.Payment)
	}
	for _, id := range []string{"1", "3"} {
		for _, p := range l.Find(id, nil) {
			got["find "+p.ID] = string(p.Payment)
		}
	}
	for _, p := range l.Export().Payments {
		got["export "+p.ID] = string(p.Payment)
	}
	want := map[string]string{
		"list 1": payment("1"), "list 2": payment("2"), "list 3": "", "list 4": "",
		"find 1": payment("1"), "find 3": "",
		"export 1": payment("1"), "export 2": payment("2"), "export 3": "", "export 4": "",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rendered payments (-want +got):\n%s", d)
	}
}

func TestImportKeepsNoPaymentJSON(t *testing.T) {
	l := New()
	r := rec("a", "1", "success", t0)
	r.Payment = json.RawMessage(`{"stale":true}`)
	l.Import(Snapshot{Payments: []Saved{{Record: r, Changes: []Change{{At: t0, Status: "success"}}}}})
	l.RenderWith("liqpay", emulator{l: l, status: map[string]string{"1": "reversed"}})
	got := l.Find("1", nil)
	if len(got) != 1 || string(got[0].Payment) != `{"tenant":"a","merchant":"a","id":"1","kind":"","status":"reversed"}` {
		t.Errorf("restored payment renders %+v, want the emulator's current JSON", got)
	}
}

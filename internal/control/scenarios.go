package control

import (
	"errors"
	"io"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/scenarios"
)

// ScenarioEngine is what the scenario endpoints need of the engine.
type ScenarioEngine interface {
	List() []scenarios.SetInfo
	Put(set *scenarios.Set)
	Delete(name, merchant string) bool
	Vocabulary() []scenarios.Vocabulary
	Reload() (bool, error)
	ResetCounts(tenant string)
}

// Scenarios serves /_mockpay/scenarios: list every set in search order,
// load or replace a runtime set (PUT, YAML body), delete one, reload the
// files now, and reset "times" counters.
type Scenarios struct {
	Engine  ScenarioEngine
	Tenants Tenants
}

type scenarioError struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type invalidJSON struct {
	Error  string          `json:"error"`
	Errors []scenarioError `json:"errors"`
}

// List answers every loaded set, in the order they are searched.
// With ?merchant= (always so for a merchant token), sets scoped to other
// merchants are left out.
func (s Scenarios) List(w http.ResponseWriter, r *http.Request) {
	merchant := r.URL.Query().Get("merchant")
	sets := []scenarios.SetInfo{}
	for _, set := range s.Engine.List() {
		if merchant == "" || set.Merchant == "" || set.Merchant == merchant {
			sets = append(sets, set)
		}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"sets": sets})
}

// Put loads a YAML scenario file as the runtime set {name}, replacing one
// of that name; ?merchant=KEY scopes it to one merchant, so parallel test
// jobs can script their own merchant without touching anyone else's.
func (s Scenarios) Put(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["name"]
	merchant := r.URL.Query().Get("merchant")
	if merchant != "" && len((Clock{Tenants: s.Tenants}).pick("", merchant)) == 0 {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + merchant})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, scenarios.MaxFileSize+1))
	if err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "cannot read body"})
		return
	}
	set, err := scenarios.Parse(name, body, s.Engine.Vocabulary())
	if err != nil {
		writeScenarioErrors(w, err)
		return
	}
	set.Merchant = merchant
	s.Engine.Put(set)
	info := scenarios.SetInfo{Name: set.Name, Source: set.Source, Merchant: merchant, Scenarios: []scenarios.ScenarioInfo{}}
	for _, sc := range set.Scenarios {
		info.Scenarios = append(info.Scenarios, scenarios.ScenarioInfo{Name: sc.Name, Description: sc.Description,
			Provider: sc.Provider, Times: sc.Times, Line: sc.Line})
	}
	WriteJSON(w, http.StatusOK, info)
}

// Delete removes a runtime set.
func (s Scenarios) Delete(w http.ResponseWriter, r *http.Request) {
	if !s.Engine.Delete(mux.Vars(r)["name"], r.URL.Query().Get("merchant")) {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no runtime scenario set of that name (file and default sets are changed by editing files)"})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Reload re-reads the scenario files now instead of at the next poll.
func (s Scenarios) Reload(w http.ResponseWriter, r *http.Request) {
	changed, err := s.Engine.Reload()
	if err != nil {
		WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"changed": changed, "error": err.Error()})
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"changed": changed})
}

// Reset forgets how often scenarios matched (times:), for one merchant or all.
func (s Scenarios) Reset(w http.ResponseWriter, r *http.Request) {
	merchant := r.URL.Query().Get("merchant")
	if merchant == "" {
		s.Engine.ResetCounts("")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	ts := Clock{Tenants: s.Tenants}.pick(r.URL.Query().Get("provider"), merchant)
	if len(ts) == 0 {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + merchant})
		return
	}
	for _, t := range ts {
		s.Engine.ResetCounts(t.ID)
	}
	w.WriteHeader(http.StatusNoContent)
}

// writeScenarioErrors answers 400 with every problem of a scenario file.
func writeScenarioErrors(w http.ResponseWriter, err error) {
	out := invalidJSON{Error: "invalid scenarios"}
	var errs scenarios.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			out.Errors = append(out.Errors, scenarioError{Line: e.Line, Column: e.Column, Message: e.Msg})
		}
	}
	WriteJSON(w, http.StatusBadRequest, out)
}

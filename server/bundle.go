package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mockpay/mockpay/internal/bundle"
	"github.com/mockpay/mockpay/internal/callback"
	"github.com/mockpay/mockpay/internal/control"
	"github.com/mockpay/mockpay/internal/journal"
	"github.com/mockpay/mockpay/internal/tenant"
)

// errAmbiguous: a key that names both a LiqPay and a Liquido merchant.
var errAmbiguous = errors.New("both a LiqPay and a Liquido merchant have that key: add ?provider=")

// findTenant picks one merchant by key (and provider, when given).
func (s *Server) findTenant(provider, key string) (*tenant.Tenant, error) {
	var found []*tenant.Tenant
	for _, t := range s.tenants.List() {
		if t.Key == key && (provider == "" || t.Provider == provider) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no such merchant: %s", key)
	case 1:
		return found[0], nil
	}
	return nil, errAmbiguous
}

// serveBundle answers GET /_mockpay/bundle?merchant=KEY[&provider=P].
func (s *Server) serveBundle(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("merchant") == "" {
		control.WriteJSON(w, http.StatusBadRequest, control.Error{Error: "merchant is required: a bundle is one merchant's run"})
		return
	}
	t, err := s.findTenant(q.Get("provider"), q.Get("merchant"))
	switch {
	case errors.Is(err, errAmbiguous):
		control.WriteJSON(w, http.StatusConflict, control.Error{Error: err.Error()})
		return
	case err != nil:
		control.WriteJSON(w, http.StatusNotFound, control.Error{Error: err.Error()})
		return
	}
	h, err := s.Bundle(t, s.exportBase(r))
	if err != nil {
		s.log.Error("exporting a bundle failed", "tenant", t.ID, "err", err)
		control.WriteJSON(w, http.StatusInternalServerError, control.Error{Error: "exporting the bundle failed, see the mockpay log"})
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+bundleName(t)+`"`)
	control.WriteJSON(w, http.StatusOK, h)
}

// bundleName is a bundle's file name: mockpay-PROVIDER-KEY.har.
func bundleName(t *tenant.Tenant) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, t.Key)
	return "mockpay-" + t.Provider + "-" + safe + ".har"
}

// exportBase is the base URL the bundle's request URLs start with: the
// configured --base-url, else the address the bundle was asked at.
func (s *Server) exportBase(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	if r == nil {
		return "http://" + s.cfg.Addr
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Bundle exports tenant t's run: its journal as HAR entries, their URLs
// under base, and in log._mockpay what a replay needs (the seed, the
// virtual time, the scenarios in force, clock moves, callbacks with their
// attempts, and the merchant's state).
func (s *Server) Bundle(t *tenant.Tenant, base string) (*bundle.HAR, error) {
	run := &bundle.Run{Format: bundle.Format, Version: bundle.Version, MockpayVersion: Version,
		Provider: t.Provider, Merchant: t.Key, Tenant: t.ID, Seed: s.tenants.Seed(),
		ExportedAt: time.Now().UTC(), VirtualNow: t.Clock.Now().UTC()}
	var err error
	switch t.Provider {
	case "liqpay":
		m, _ := s.liqpay.Merchant(t.Key)
		run.MerchantConfig, err = json.Marshal(m)
	case "liquido":
		m, _ := s.liquido.Merchant(t.Key)
		run.MerchantConfig, err = json.Marshal(m)
	}
	if err != nil {
		return nil, err
	}
	s.made.mu.Lock()
	_, run.Made = s.made.made[t.ID]
	s.made.mu.Unlock()
	for _, set := range s.scenarios.List() {
		if set.Merchant != "" && set.Merchant != t.Key {
			continue
		}
		sc := bundle.Scenarios{Name: set.Name, Source: set.Source, Merchant: set.Merchant}
		if set.Source == "file" {
			// The text as it is now; the engine reloads a changed file within
			// a second, so this is the text in force.
			if data, err := os.ReadFile(set.Name); err == nil {
				sc.YAML = string(data)
			}
		}
		run.Scenarios = append(run.Scenarios, sc)
	}
	if run.ClockMoves, err = json.Marshal(orEmpty(s.ledger.Moves(t.ID, time.Time{}))); err != nil {
		return nil, err
	}
	if run.Callbacks, err = json.Marshal(orEmpty(s.callbacks.List(callback.Filter{Tenant: t.ID}))); err != nil {
		return nil, err
	}
	if run.State, err = s.tenantState(t); err != nil {
		return nil, err
	}
	entries, _ := s.journal.List(journal.Filter{Tenants: []string{t.ID}}, 0, s.journal.Max())
	slices.Reverse(entries) // oldest first, as HAR viewers list them
	h := &bundle.HAR{Log: bundle.Log{Version: "1.2", Creator: bundle.Creator{Name: "mockpay", Version: Version},
		Pages: []any{}, Entries: make([]bundle.Entry, 0, len(entries)), Mockpay: run,
		Comment: "mockpay run of " + t.ID + "; `mockpay replay FILE` serves it again"}}
	for _, e := range entries {
		h.Log.Entries = append(h.Log.Entries, harEntry(e, base))
	}
	return h, nil
}

func orEmpty[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// harEntry turns a journal entry (already masked) into a HAR entry.
func harEntry(e *journal.Entry, base string) bundle.Entry {
	u := strings.TrimSuffix(base, "/") + e.Path
	if e.Query != "" {
		u += "?" + e.Query
	}
	out := bundle.Entry{
		StartedDateTime: e.At.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Time:            e.DurationMS,
		Timings:         bundle.Timings{Wait: e.DurationMS},
		Request: bundle.Request{Method: e.Method, URL: u, HTTPVersion: "HTTP/1.1", Cookies: []bundle.NameValue{},
			Headers: nameValues(e.RequestHeaders), QueryString: queryOf(e.Query), HeadersSize: -1, BodySize: len(e.RequestBody)},
		Response: bundle.Response{Status: e.Status, StatusText: http.StatusText(e.Status), HTTPVersion: "HTTP/1.1",
			Cookies: []bundle.NameValue{}, Headers: nameValues(e.ResponseHeaders), HeadersSize: -1,
			BodySize: len(e.ResponseBody), RedirectURL: first(e.ResponseHeaders["Location"]),
			Content: bundle.Content{Size: len(e.ResponseBody), MimeType: firstOr(e.ResponseHeaders["Content-Type"], "x-unknown"), Text: e.ResponseBody}},
		Mockpay: bundle.EntryExtra{ID: e.ID, VirtualAt: e.VirtualAt, Route: e.Route, Action: e.Action, Refs: e.Refs,
			Error: e.Error, ErrorCode: e.ErrorCode, Data: e.RequestData, Truncated: e.RequestTruncated || e.ResponseTruncated},
	}
	if e.RequestBody != "" {
		ct := firstOr(e.RequestHeaders["Content-Type"], "application/octet-stream")
		pd := &bundle.PostData{MimeType: ct, Text: e.RequestBody, Params: []bundle.NameValue{}}
		if mt, _, _ := mime.ParseMediaType(ct); mt == "application/x-www-form-urlencoded" {
			pd.Params = queryOf(e.RequestBody)
		}
		out.Request.PostData = pd
	}
	return out
}

func nameValues(h http.Header) []bundle.NameValue {
	out := []bundle.NameValue{}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			out = append(out, bundle.NameValue{Name: k, Value: v})
		}
	}
	return out
}

// queryOf lists a (masked) query string's parameters in their order.
func queryOf(raw string) []bundle.NameValue {
	out := []bundle.NameValue{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		out = append(out, bundle.NameValue{Name: k, Value: v})
	}
	return out
}

func first(vs []string) string { return firstOr(vs, "") }

func firstOr(vs []string, def string) string {
	if len(vs) > 0 {
		return vs[0]
	}
	return def
}

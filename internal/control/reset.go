package control

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/mockpay/mockpay/internal/tenant"
)

// Resettable is one part of mockpay's state that POST /_mockpay/reset
// clears: a provider's payments, the callback log, a clock, the scenario
// counters, a journal. Adding a part to a reset is one line in the server's
// wiring.
type Resettable interface {
	// ResetTenant forgets everything the part holds for one tenant
	// ("provider:key"). It must not fail: a reset that half works is worse
	// than none.
	ResetTenant(tenantID string)
}

// ResetFunc adapts a function to Resettable.
type ResetFunc func(tenantID string)

// ResetTenant calls f.
func (f ResetFunc) ResetTenant(tenantID string) { f(tenantID) }

// Reset serves POST /_mockpay/reset: every merchant's state, or one
// merchant's with ?merchant=KEY (and ?provider=). Merchants, their
// credentials and scenario sets stay: they are configuration, not state.
type Reset struct {
	Tenants Tenants
	// Parts are reset in order for each tenant; put the clock first, so
	// nothing scheduled fires half-way, and the callbacks after the
	// providers, so a callback a provider queued while being reset is
	// dropped too.
	Parts []Resettable
}

type resetJSON struct {
	Reset []string `json:"reset"` // tenant ids
}

func (s Reset) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The merchant may also come in a JSON body, as the clock takes it: a
	// body naming one merchant must never reset them all.
	var req struct {
		Merchant string `json:"merchant"`
		Provider string `json:"provider"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "cannot read body"})
		return
	}
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &req) != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: `body must be empty or JSON like {"merchant":"KEY"}`})
		return
	}
	merchant, provider := orQuery(r, req.Merchant, "merchant"), orQuery(r, req.Provider, "provider")
	ts := Clock{Tenants: s.Tenants}.pick(provider, merchant)
	if len(ts) == 0 && merchant != "" {
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + merchant})
		return
	}
	out := resetJSON{Reset: []string{}}
	for _, t := range ts {
		s.resetTenant(t)
		out.Reset = append(out.Reset, t.ID)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (s Reset) resetTenant(t *tenant.Tenant) {
	for _, p := range s.Parts {
		p.ResetTenant(t.ID)
	}
}

package control

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/mockpay/mockpay/internal/trigger"
)

// Triggerer is what a provider's emulator offers the trigger endpoint.
type Triggerer interface {
	// Trigger applies ev to the merchant's payment id and returns its status.
	Trigger(merchant, id string, ev trigger.Event) (string, error)
}

// Triggers serves POST /_mockpay/payments/{id}/trigger: a provider event
// applied to an existing payment as the provider would apply it, with its
// callbacks.
type Triggers struct {
	Tenants   Tenants
	Providers map[string]Triggerer // by provider name: "liqpay", "liquido"
	// Settle, when set, waits for the callback attempts the trigger started,
	// so the answer comes after the receiver has had its first attempt.
	Settle func(ctx context.Context, tenantID string) error
}

type triggerRequest struct {
	Event    string      `json:"event"`
	Merchant string      `json:"merchant"`
	Provider string      `json:"provider"`
	Amount   json.Number `json:"amount"`
	Code     json.Number `json:"code"`
	Reason   string      `json:"reason"`
}

type triggerJSON struct {
	Provider string `json:"provider"`
	Merchant string `json:"merchant"`
	ID       string `json:"id"`
	Event    string `json:"event"`
	Status   string `json:"status"`
}

// conflictJSON is the 409 answer: the payment's status as it stands.
type conflictJSON struct {
	Error  string `json:"error"`
	Status string `json:"status"`
}

// unknownEventJSON is the 400 answer to an event the provider does not have.
type unknownEventJSON struct {
	Error  string   `json:"error"`
	Events []string `json:"events"`
}

// settleTimeout bounds the wait for the callbacks a trigger started, as a
// clock advance bounds its own.
const settleTimeout = 15 * time.Second

// Trigger applies one event.
func (t Triggers) Trigger(w http.ResponseWriter, r *http.Request) {
	var req triggerRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "body must be JSON {\"event\": ..., \"merchant\": ..., \"provider\": ..., \"amount\": ..., \"code\": ..., \"reason\": ...}: " + err.Error()})
		return
	}
	if req.Merchant == "" {
		req.Merchant = r.URL.Query().Get("merchant")
	}
	if req.Provider == "" {
		req.Provider = r.URL.Query().Get("provider")
	}
	if req.Event == "" {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "event is required"})
		return
	}
	if req.Merchant == "" {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "merchant is required (the LiqPay public_key or the Liquido client_id)"})
		return
	}
	ts := Clock{Tenants: t.Tenants}.pick(req.Provider, req.Merchant)
	switch {
	case len(ts) == 0:
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + req.Merchant})
		return
	case len(ts) > 1:
		WriteJSON(w, http.StatusBadRequest, Error{Error: "merchant " + req.Merchant + " exists for several providers: name the provider"})
		return
	}
	tn := ts[0]
	p := t.Providers[tn.Provider]
	if p == nil {
		WriteJSON(w, http.StatusBadRequest, Error{Error: "provider " + tn.Provider + " has no triggers"})
		return
	}
	id := mux.Vars(r)["id"]
	ev := trigger.Event{Name: strings.ToLower(req.Event), Amount: req.Amount.String(), Code: req.Code.String(), Reason: req.Reason}
	status, err := p.Trigger(tn.Key, id, ev)
	var (
		unknown  *trigger.UnknownEventError
		conflict *trigger.ConflictError
		bad      *trigger.ArgError
	)
	switch {
	case err == nil:
	case errors.Is(err, trigger.ErrNotFound):
		WriteJSON(w, http.StatusNotFound, Error{Error: "merchant " + tn.Key + " has no payment " + id})
		return
	case errors.Is(err, trigger.ErrNoMerchant):
		WriteJSON(w, http.StatusNotFound, Error{Error: "no such merchant: " + tn.Key})
		return
	case errors.As(err, &unknown):
		events := append([]string(nil), unknown.Valid...)
		sort.Strings(events)
		WriteJSON(w, http.StatusBadRequest, unknownEventJSON{Error: err.Error(), Events: events})
		return
	case errors.As(err, &conflict):
		WriteJSON(w, http.StatusConflict, conflictJSON{Error: err.Error(), Status: conflict.Status})
		return
	case errors.As(err, &bad):
		WriteJSON(w, http.StatusBadRequest, Error{Error: err.Error()})
		return
	default:
		WriteJSON(w, http.StatusInternalServerError, Error{Error: err.Error()})
		return
	}
	if t.Settle != nil {
		ctx, cancel := context.WithTimeout(r.Context(), settleTimeout)
		_ = t.Settle(ctx, tn.ID)
		cancel()
	}
	WriteJSON(w, http.StatusOK, triggerJSON{Provider: tn.Provider, Merchant: tn.Key, ID: id, Event: ev.Name, Status: status})
}

// Package tenant holds mockpay's tenants: one per merchant credential of a
// provider. A tenant owns what must never leak between parallel test jobs:
// its virtual clock and its seeded source of generated values. Providers
// keep their own records per tenant; this package knows nothing about them.
package tenant

import (
	"hash/fnv"
	"sort"
	"sync"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/mockpay/mockpay/internal/clock"
)

// Tenant is one merchant of one provider.
type Tenant struct {
	ID       string // "<provider>:<merchant key>", e.g. "liqpay:sandbox_i00000000"
	Provider string
	Key      string
	Clock    *clock.Virtual
	// Fake generates ids, codes and names. It is seeded from the run's seed
	// and the tenant id, so each tenant's sequence repeats exactly whatever
	// other tenants do. Not safe for concurrent use: callers hold their own
	// per-tenant lock while using it.
	Fake *gofakeit.Faker
	seed int64 // Fake's seed, for Reseed
}

// Registry is the set of tenants of a running server.
type Registry struct {
	seed int64
	wall func() time.Time

	mu      sync.RWMutex
	tenants map[string]*Tenant
	// generation counts the restarts a state file carried this run through;
	// it is part of every tenant's seed so values generated after a restore
	// do not repeat the ones generated before it (state.go).
	generation int64
}

// NewRegistry returns an empty registry. wall is the real clock behind every
// tenant's virtual clock (time.Now when nil).
func NewRegistry(seed int64, wall func() time.Time) *Registry {
	return &Registry{seed: seed, wall: wall, tenants: map[string]*Tenant{}}
}

// Seed reports the run's seed.
func (r *Registry) Seed() int64 { return r.seed }

// Add returns the tenant for provider and key, creating it on first use.
func (r *Registry) Add(provider, key string) *Tenant {
	id := provider + ":" + key
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.tenants[id]; ok {
		return t
	}
	seed := r.fakeSeed(id)
	t := &Tenant{
		ID:       id,
		Provider: provider,
		Key:      key,
		Clock:    clock.New(r.wall),
		Fake:     gofakeit.NewUnlocked(seed),
		seed:     seed,
	}
	r.tenants[id] = t
	return t
}

// fakeSeed is a tenant's generator seed: the run's seed, the tenant id and
// the restore generation. Caller holds r.mu.
func (r *Registry) fakeSeed(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	seed := r.seed ^ int64(h.Sum64()&0x7fffffffffffffff) ^ r.generation*0x9E3779B97F4A7C
	if seed == 0 {
		seed = 1 // gofakeit treats 0 as "seed from crypto/rand", which would not repeat
	}
	return seed
}

// Get finds a tenant by provider and key.
func (r *Registry) Get(provider, key string) (*Tenant, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.tenants[provider+":"+key]
	return t, ok
}

// List returns the tenants sorted by id.
func (r *Registry) List() []*Tenant {
	r.mu.RLock()
	out := make([]*Tenant, 0, len(r.tenants))
	for _, t := range r.tenants {
		out = append(out, t)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Close stops every tenant's clock.
func (r *Registry) Close() {
	for _, t := range r.List() {
		t.Clock.Close()
	}
}

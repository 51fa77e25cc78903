package tenant

// Remove forgets the tenant of provider and key and stops its clock; it
// reports whether there was one. A merchant created again under the same
// key starts afresh.
func (r *Registry) Remove(provider, key string) bool {
	id := provider + ":" + key
	r.mu.Lock()
	t, ok := r.tenants[id]
	delete(r.tenants, id)
	r.mu.Unlock()
	if ok {
		t.Clock.Close()
	}
	return ok
}

// Reseed restarts the tenant's generated values from the start of their
// sequence, so a reset merchant hands out the same ids as a fresh one.
// Like every use of Fake, the caller holds the provider's per-tenant lock.
func (t *Tenant) Reseed() { t.Fake.Rand.Seed(t.seed) }

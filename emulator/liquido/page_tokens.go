package liquido

// pageKind names a hosted page (or file) and its path under /liquido/.
type pageKind int

const (
	page3DS pageKind = iota
	pageCheckout
	pagePay
	fileBoleto
	pageReference // a PayCash recurring reference's page (reference_page.go)
	pageBuy       // a payment link's page (link_page.go); its token is the linkId
)

func (k pageKind) path() string {
	switch k {
	case page3DS:
		return "3ds"
	case pageCheckout:
		return "checkout"
	case pagePay:
		return "pay"
	case pageReference:
		return "reference"
	case pageBuy:
		return "buy"
	}
	return "files/boleto"
}

// link is what a page token stands for. Pages carry no credentials, so the
// token is the only way to a payment, and it names the merchant too.
type link struct {
	m    *merchant
	key  string
	kind pageKind
}

// linked reports whether token still names l. A page looks its token up
// before it takes the merchant's lock; a reset in between drops the token,
// and the key may by then name a new object of the same key. Caller holds
// l.m.mu (lock order: merchant before s.mu).
func (s *Server) linked(token string, l link) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.links[token] == l
}

// link registers a fresh token for a payment's page or file. Caller holds
// m.mu (the token comes from the merchant's seeded generator).
func (s *Server) link(m *merchant, p *Payment, kind pageKind) string {
	return s.linkKey(m, p.Key, kind)
}

// linkKey registers a fresh token for the page of whatever key names in
// the kind's own map. Caller holds m.mu.
func (s *Server) linkKey(m *merchant, key string, kind pageKind) string {
	for {
		token := m.uuid()
		s.mu.Lock()
		if _, taken := s.links[token]; !taken {
			s.links[token] = link{m: m, key: key, kind: kind}
			s.mu.Unlock()
			return token
		}
		s.mu.Unlock()
	}
}

// withPage runs fn on the payment behind a token of the given kind, under
// its merchant's lock; it reports whether the token names one.
func (s *Server) withPage(token string, kind pageKind, fn func(m *merchant, p *Payment)) bool {
	return s.withToken(token, kind, func(m *merchant, key string) bool {
		p := m.payments[key]
		if p == nil {
			return false
		}
		fn(m, p)
		return true
	})
}

// withToken runs use on the key a token of the given kind names, under the
// merchant's lock, if the token is still the one registered for it (a reset
// may have replaced it); use reports whether the key names anything.
func (s *Server) withToken(token string, kind pageKind, use func(m *merchant, key string) bool) bool {
	s.mu.RLock()
	l, ok := s.links[token]
	s.mu.RUnlock()
	if !ok || l.kind != kind {
		return false
	}
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if !s.linked(token, l) {
		return false
	}
	return use(l.m, l.key)
}

package liquido

// TimersHeld is how many timers a merchant's books hold, for the external
// tests of retention.
func (s *Server) TimersHeld(clientID string) int {
	m := s.merchantFor(clientID)
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.timers)
}

package liquido

// retrieve is GET /v1/payments/charges/{idempotencyKey} (reference §7): the
// payment as it stands. It is how merchants poll, PSE's paymentUrl included.
func (s *Server) retrieve(c *call, in *keyRequest) answer {
	p := c.m.payments[in.key]
	if p == nil {
		return failed(errPaymentNotFound(in.key))
	}
	if !s.decide(c, followUp(ActionRetrieve, p, nil)) {
		return answer{skip: true}
	}
	return okPayment(p)
}

func errPaymentNotFound(key string) *apiError {
	return errNotFound("No payment found with idempotencyKey " + key)
}

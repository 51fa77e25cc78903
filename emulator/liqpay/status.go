package liqpay

// find looks a payment up by order_id, or by payment_id when the request
// names one. Caller holds sh.mu.
func (sh *shop) find(c *call) (*Payment, *apiError) {
	if id, ok := c.params.Int("payment_id"); ok {
		if p, ok := sh.byID[id]; ok {
			return p, nil
		}
		return nil, newError(ErrPaymentNotFound, c.lang, "")
	}
	if _, ok := c.params.Str("order_id"); !ok {
		return nil, newError(ErrMissing, c.lang, "order_id")
	}
	if p, ok := sh.byOrder[c.params.S("order_id")]; ok {
		return p, nil
	}
	return nil, newError(ErrPaymentNotFound, c.lang, "")
}

// status answers action=status with the payment object (reference §4.6). A
// failed payment is a valid answer here, so result stays "ok".
func (s *Server) status(c *call) any {
	return s.withPayment(c, func(sh *shop, p *Payment) any { return p.wire("ok") })
}

// withPayment runs fn on the payment the request names, under the shop's
// lock, after any verification deadline that passed has been applied.
func (s *Server) withPayment(c *call, fn func(sh *shop, p *Payment) any) any {
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	p, e := sh.find(c)
	if e != nil {
		return e
	}
	s.expireIfDue(sh, p, c.now)
	resp := fn(sh, p)
	c.waitCallbacks = p.takeWait()
	return resp
}

// data attaches info to a payment (reference §4.7).
func (s *Server) data(c *call) any {
	info, ok := c.params.Str("info")
	if !ok {
		return newError(ErrMissing, c.lang, "info")
	}
	return s.withPayment(c, func(sh *shop, p *Payment) any {
		p.setExtras(func(x *Extras) { x.Info = info })
		return p.wire("ok")
	})
}

package liquido

// replay answers a create whose idempotencyKey already made something: the
// same body (same fingerprint) gets that thing as it stands, with no new side
// effect, and another body is a 409 (reference §3, §14 GUESS). existing is
// called only for the same body.
func replay(key string, made, sent [32]byte, existing func() answer) answer {
	if made != sent {
		return failed(errKeyReused(key))
	}
	return existing()
}

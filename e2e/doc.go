// Package e2e holds mockpay's end-to-end tests: TestMain builds the mockpay
// binary once, and each test starts its own server process on a loopback
// port and drives it over HTTP exactly as an integrator would — with each
// official SDK's encoding (internal/liqpayclient), with LiqPay's bash recipe
// through curl and openssl, through the 3-D Secure page, and through the
// command line. Time-dependent behaviour is reached by advancing the
// server's virtual clock, never by sleeping.
//
// The package has no code of its own; it must not import the emulator, so
// every expectation is written from the wire contract (reference liqpay.md).
package e2e

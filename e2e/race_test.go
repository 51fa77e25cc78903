//go:build race

package e2e

// Under go test -race the server binary is built with the race detector too,
// so a data race inside mockpay fails the test that provoked it.
func init() { raceEnabled = true }

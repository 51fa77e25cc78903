//go:build !race

package server_test

// allocSlack is 1 without the race detector: the bounds as recorded.
const allocSlack = 1.0

//go:build race

package server_test

// The race detector allocates on its own behalf (and schedules the
// background goroutines counted by AllocsPerRun differently): CI runs the
// suite with -race, so the bounds get this much slack there.
const allocSlack = 1.25

//go:build race

package callback

// raceEnabled is set when the race detector, which slows every memory access
// several times over, makes throughput figures meaningless.
const raceEnabled = true

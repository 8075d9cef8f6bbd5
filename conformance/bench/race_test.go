//go:build race

package bench

// raceEnabled: the race detector slows the memfs engine's compilation of
// the guest (this test binary serves it) from seconds to about a minute.
const raceEnabled = true

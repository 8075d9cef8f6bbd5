package capstdsync

import (
	"time"

	"github.com/capwasi/capwasi/common"
)

// SystemClocks returns the host's clocks as preview1 sees them:
//
//   - ClockidRealtime: the wall clock, in nanoseconds since the Unix epoch
//     (0 for a wall clock set before 1970).
//   - ClockidMonotonic: the host's monotonic clock. Its origin is the
//     host's CLOCK_MONOTONIC origin on Linux, macOS and FreeBSD, and
//     unspecified on Windows; it is read through Go's runtime clock, without
//     a system call.
//   - ClockidProcessCputimeID: the CPU time the host process has used, all
//     threads together.
//   - ClockidThreadCputimeID: the CPU time of the operating-system thread
//     that happens to run the call. Go moves goroutines between threads, so
//     this clock is only meaningful for a guest pinned to one thread; on
//     Windows it is not supported (ENOTSUP).
//
// Resolution reports clock_getres(2) on Linux, 1 µs for every clock on macOS
// and FreeBSD, and 100 ns on Windows. An unknown clock id is EINVAL for both
// methods. The clocks are safe for concurrent use and allocate nothing.
//
// A [WasiCtxBuilder] uses SystemClocks unless given other clocks; replace
// them (with any [common.Clocks]) for deterministic runs.
func SystemClocks() common.Clocks { return systemClocks{} }

type systemClocks struct{}

// monoStart and monoOrigin anchor the monotonic clock: Now is monoOrigin
// plus the runtime's monotonic time elapsed since monoStart.
var (
	monoStart  = time.Now()
	monoOrigin = monotonicOrigin()
)

func (systemClocks) Now(id common.Clockid) (common.Timestamp, error) {
	switch id {
	case common.ClockidRealtime:
		ns := time.Now().UnixNano()
		if ns < 0 {
			ns = 0
		}
		return common.Timestamp(ns), nil
	case common.ClockidMonotonic:
		return monoOrigin + common.Timestamp(time.Since(monoStart)), nil
	case common.ClockidProcessCputimeID, common.ClockidThreadCputimeID:
		return cpuTime(id)
	}
	return 0, common.EINVAL
}

func (systemClocks) Resolution(id common.Clockid) (common.Timestamp, error) {
	if id > common.ClockidThreadCputimeID {
		return 0, common.EINVAL
	}
	return clockResolution(id)
}

package capstdsync

import (
	"sync/atomic"
	"time"

	"github.com/capwasi/capwasi/common"
)

// SystemClocks returns the host's clocks as preview1 sees them:
//
//   - ClockidRealtime: the wall clock, in nanoseconds since the Unix epoch
//     (0 for a wall clock set before 1970). It is read as the monotonic
//     clock plus the wall clock's offset from it, which is read again when
//     it is a millisecond old: one clock read instead of the two of
//     time.Now. The two clocks run at the same rate (the kernel slews them
//     alike), so only a step of the wall clock (settimeofday, an NTP step)
//     shows up to a millisecond late.
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
		return common.Timestamp(max(realtimeNow(), 0)), nil
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

// The wall clock's offset from the monotonic one, at monotonic time
// wallMono (nanoseconds since monoStart), under a sequence lock: wallSeq is
// odd while the pair is being written.
var (
	wallSeq    atomic.Uint64
	wallMono   atomic.Int64
	wallOffset atomic.Int64
)

// wallResync is how old the offset may get before it is read again.
const wallResync = int64(time.Millisecond)

// realtimeNow is the wall clock in nanoseconds since the Unix epoch, read
// as the monotonic clock plus the offset (see SystemClocks).
func realtimeNow() int64 {
	mono := int64(time.Since(monoStart))
	if seq := wallSeq.Load(); seq&1 == 0 && seq != 0 {
		at, off := wallMono.Load(), wallOffset.Load()
		if wallSeq.Load() == seq && mono >= at && mono-at < wallResync {
			return mono + off
		}
	}
	// Read both clocks afresh and publish the new offset, unless another
	// goroutine is publishing one.
	now := time.Now()
	at := int64(now.Sub(monoStart))
	off := now.UnixNano() - at
	if seq := wallSeq.Load(); seq&1 == 0 && wallSeq.CompareAndSwap(seq, seq+1) {
		wallMono.Store(at)
		wallOffset.Store(off)
		wallSeq.Store(seq + 2)
	}
	return at + off
}

//go:build linux || darwin || freebsd

package capstdsync

import (
	"github.com/capwasi/capwasi/common"
	"golang.org/x/sys/unix"
)

// cpuClockIDs are the system's clock ids for the two CPU-time clocks.
var cpuClockIDs = [...]int32{
	common.ClockidProcessCputimeID: unix.CLOCK_PROCESS_CPUTIME_ID,
	common.ClockidThreadCputimeID:  unix.CLOCK_THREAD_CPUTIME_ID,
}

// monotonicOrigin returns CLOCK_MONOTONIC now, so that the monotonic clock
// reports the host's own monotonic time.
func monotonicOrigin() common.Timestamp {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		return 0
	}
	return common.Timestamp(ts.Nano())
}

// cpuTime reads one of the two CPU-time clocks with clock_gettime(2).
func cpuTime(id common.Clockid) (common.Timestamp, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(cpuClockIDs[id], &ts); err != nil {
		return 0, wasiErr(err)
	}
	return common.Timestamp(ts.Nano()), nil
}

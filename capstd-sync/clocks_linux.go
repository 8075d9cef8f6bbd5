package capstdsync

import (
	"github.com/capwasi/capwasi/common"
	"golang.org/x/sys/unix"
)

// linuxClockIDs are Linux's clock ids for the preview1 clocks.
var linuxClockIDs = [...]int32{
	common.ClockidRealtime:         unix.CLOCK_REALTIME,
	common.ClockidMonotonic:        unix.CLOCK_MONOTONIC,
	common.ClockidProcessCputimeID: unix.CLOCK_PROCESS_CPUTIME_ID,
	common.ClockidThreadCputimeID:  unix.CLOCK_THREAD_CPUTIME_ID,
}

// clockResolution asks clock_getres(2); id is a preview1 clock.
func clockResolution(id common.Clockid) (common.Timestamp, error) {
	var ts unix.Timespec
	if err := unix.ClockGetres(linuxClockIDs[id], &ts); err != nil {
		return 0, wasiErr(err)
	}
	return common.Timestamp(ts.Nano()), nil
}

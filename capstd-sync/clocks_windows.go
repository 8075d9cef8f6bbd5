package capstdsync

import (
	"github.com/capwasi/capwasi/common"
	"golang.org/x/sys/windows"
)

// monotonicOrigin is 0 on Windows: the monotonic clock counts from the
// package's initialisation.
func monotonicOrigin() common.Timestamp { return 0 }

// cpuTime reads the process's CPU time with GetProcessTimes (kernel plus
// user time, in 100 ns units). The thread clock is not supported.
func cpuTime(id common.Clockid) (common.Timestamp, error) {
	if id != common.ClockidProcessCputimeID {
		return 0, common.ENOTSUP
	}
	var creation, exit, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(windows.CurrentProcess(), &creation, &exit, &kernel, &user); err != nil {
		return 0, wasiErr(err)
	}
	ticks := func(t windows.Filetime) uint64 { return uint64(t.HighDateTime)<<32 | uint64(t.LowDateTime) }
	return common.Timestamp((ticks(kernel) + ticks(user)) * 100), nil
}

// clockResolution reports 100 ns, the unit of Windows's clocks.
func clockResolution(common.Clockid) (common.Timestamp, error) { return 100, nil }

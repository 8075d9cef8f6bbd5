package capstdsync

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// fionread is the ioctl that asks how many bytes are queued for reading.
const fionread = unix.TIOCINQ

// sysPoll is ppoll(2), whose nanosecond timeout keeps clock subscriptions
// from firing up to a millisecond late. A negative timeout waits forever.
//
// A timed wait runs with the thread's timer slack at 1 ns: Linux otherwise
// lets a timeout expire up to 50 µs (the default slack) late, which is
// most of a short sleep. The thread is locked for the call and its slack
// restored afterwards, so no other goroutine is affected.
func sysPoll(fds []unix.PollFd, timeout time.Duration) (int, error) {
	if timeout < 0 {
		return unix.Ppoll(fds, nil, nil)
	}
	ts := unix.NsecToTimespec(int64(timeout))
	if timeout == 0 {
		return unix.Ppoll(fds, &ts, nil)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	slack, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err == nil && slack > 1 {
		if unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0) == nil {
			defer unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(slack), 0, 0, 0)
		}
	}
	return unix.Ppoll(fds, &ts, nil)
}

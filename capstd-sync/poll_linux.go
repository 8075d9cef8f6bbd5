package capstdsync

import (
	"time"

	"golang.org/x/sys/unix"
)

// fionread is the ioctl that asks how many bytes are queued for reading.
const fionread = unix.TIOCINQ

// sysPoll is ppoll(2), whose nanosecond timeout keeps clock subscriptions
// from firing up to a millisecond late. A negative timeout waits forever.
func sysPoll(fds []unix.PollFd, timeout time.Duration) (int, error) {
	if timeout < 0 {
		return unix.Ppoll(fds, nil, nil)
	}
	ts := unix.NsecToTimespec(int64(timeout))
	return unix.Ppoll(fds, &ts, nil)
}

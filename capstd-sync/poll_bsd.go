//go:build darwin || freebsd

package capstdsync

import (
	"time"

	"golang.org/x/sys/unix"
)

// fionread is the ioctl that asks how many bytes are queued for reading
// (FIONREAD, _IOR('f', 127, int)).
const fionread = 0x4004667f

// sysPoll is poll(2), its timeout rounded up to whole milliseconds so that a
// clock subscription never fires early. A negative timeout waits forever.
func sysPoll(fds []unix.PollFd, timeout time.Duration) (int, error) {
	ms := -1
	if timeout >= 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	return unix.Poll(fds, ms)
}

//go:build linux || darwin || freebsd

package capstdsync

import (
	"time"

	"golang.org/x/sys/unix"
)

// pollOne waits up to timeout (forever when negative) for fd to be readable,
// or writable when write is set, and reports whether it is. Hang-ups and
// errors count as ready: the read or write that follows reports them.
func pollOne(fd int, write bool, timeout time.Duration) (bool, error) {
	events := int16(unix.POLLIN)
	if write {
		events = unix.POLLOUT
	}
	ms := -1
	if timeout >= 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	fds := [1]unix.PollFd{{Fd: int32(fd), Events: events}}
	for {
		n, err := unix.Poll(fds[:], ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return false, err
		}
		if fds[0].Revents&unix.POLLNVAL != 0 {
			return false, unix.EBADF
		}
		return n > 0, nil
	}
}

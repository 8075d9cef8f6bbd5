//go:build linux || darwin || freebsd

package capstdsync

import (
	"context"
	"time"

	"golang.org/x/sys/unix"
)

// cancelCheckInterval is how long waitReady waits for readiness before it
// looks at its context again: the bound on how late a cancelled context
// ends a blocked read of a stream that has no other way to be interrupted.
const cancelCheckInterval = 50 * time.Millisecond

// waitReady waits in poll(2) until fd is readable (or writable) or ctx is
// done, and then returns ctx's error.
func waitReady(ctx context.Context, fd int, write bool) error {
	timeout := time.Duration(-1)
	if ctx.Done() != nil {
		timeout = cancelCheckInterval
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ready, err := pollOne(fd, write, timeout)
		if err != nil {
			return wasiErr(err)
		}
		if ready {
			return nil
		}
	}
}

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

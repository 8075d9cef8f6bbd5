//go:build linux || darwin || freebsd

package capstdsync

import (
	"context"
	"time"

	"github.com/capwasi/capwasi/common"
	"golang.org/x/sys/unix"
)

// sysPollFds is the argument of poll(2).
type sysPollFds = []unix.PollFd

// pollFds waits in one poll(2) until a descriptor of ps.fds is ready, the
// timeout passes (forever when negative) or ctx is done, and records in
// ps.fds what each descriptor's event is.
func pollFds(ctx context.Context, ps *pollState, timeout time.Duration) error {
	sys := ps.sys[:0]
	for _, p := range ps.fds {
		events := int16(unix.POLLIN)
		if p.write {
			events = unix.POLLOUT
		}
		sys = append(sys, unix.PollFd{Fd: int32(p.fd), Events: events})
	}
	if ps.woken && timeout != 0 {
		sys = append(sys, unix.PollFd{Fd: int32(ps.wake.readFd()), Events: unix.POLLIN})
	}
	ps.sys = sys

	var stop func() bool
	if ctx.Done() != nil && timeout != 0 {
		stop = context.AfterFunc(ctx, ps.wake.wake) // Sched.poll made it
	}
	start := time.Now()
	var err error
	for {
		left := timeout
		if timeout > 0 {
			left = max(timeout-time.Since(start), 0)
		}
		_, err = sysPoll(sys, left)
		if err != unix.EINTR {
			break
		}
	}
	if stop != nil && !stop() {
		ps.wake.drain() // the wake-up was, or is being, written: consume it
		return ctx.Err()
	}
	if err != nil {
		return wasiErr(err)
	}
	for i := range ps.fds {
		p := &ps.fds[i]
		revents := sys[i].Revents
		p.ready, p.errno, p.nbytes, p.flags = revents != 0, common.ESUCCESS, 0, 0
		switch {
		case revents == 0:
		case revents&unix.POLLNVAL != 0:
			p.errno = common.EBADF
		case revents&unix.POLLHUP != 0:
			p.flags = common.EventrwflagsFdReadwriteHangup
			if !p.write {
				p.nbytes = queuedBytes(p.fd)
			}
		case revents&unix.POLLERR != 0:
			p.errno = common.EIO
		case !p.write:
			p.nbytes = queuedBytes(p.fd)
		}
	}
	return nil
}

// queuedBytes returns the bytes a read from fd would return now (FIONREAD),
// or 0 when the descriptor cannot say.
func queuedBytes(fd int) uint64 {
	n, err := unix.IoctlGetInt(fd, fionread)
	if err != nil || n < 0 {
		return 0
	}
	return uint64(n)
}

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

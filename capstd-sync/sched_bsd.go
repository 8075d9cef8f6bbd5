//go:build darwin || freebsd

package capstdsync

import (
	"syscall"
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

// waker is the scheduler's wake-up descriptor: a pipe that a cancelled
// context, or a common.Pollable file becoming ready, writes a byte to, so
// that a poll(2) its read end is part of returns. Each drain consumes one
// wake.
type waker struct{ r, w int }

func newWaker() (waker, error) {
	var p [2]int
	syscall.ForkLock.RLock()
	err := unix.Pipe(p[:])
	if err == nil {
		unix.CloseOnExec(p[0])
		unix.CloseOnExec(p[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return waker{r: -1, w: -1}, err
	}
	return waker{r: p[0], w: p[1]}, nil
}

// readFd is the descriptor to poll for reading.
func (w waker) readFd() int { return w.r }

// wake makes readFd readable.
func (w waker) wake() {
	one := [1]byte{1}
	for {
		if _, err := unix.Write(w.w, one[:]); err != unix.EINTR {
			return
		}
	}
}

// drain consumes one wake, blocking until it has been written.
func (w waker) drain() {
	var buf [1]byte
	for {
		if _, err := unix.Read(w.r, buf[:]); err != unix.EINTR {
			return
		}
	}
}

func (w waker) close() error {
	if w.r < 0 {
		return nil
	}
	err := unix.Close(w.r)
	if err2 := unix.Close(w.w); err == nil {
		err = err2
	}
	return err
}

package capstdsync

import (
	"encoding/binary"
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

// waker is the scheduler's wake-up descriptor: an eventfd that a cancelled
// context, or a common.Pollable file becoming ready, writes to, so that a
// poll(2) it is part of returns. It counts as a semaphore: each drain
// consumes one wake.
type waker struct{ fd int }

func newWaker() (waker, error) {
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_SEMAPHORE)
	if err != nil {
		return waker{fd: -1}, err
	}
	return waker{fd: fd}, nil
}

// readFd is the descriptor to poll for reading.
func (w waker) readFd() int { return w.fd }

// wake makes readFd readable.
func (w waker) wake() {
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	for {
		if _, err := unix.Write(w.fd, one[:]); err != unix.EINTR {
			return
		}
	}
}

// drain consumes one wake, blocking until it has been written.
func (w waker) drain() {
	var buf [8]byte
	for {
		if _, err := unix.Read(w.fd, buf[:]); err != unix.EINTR {
			return
		}
	}
}

func (w waker) close() error {
	if w.fd < 0 {
		return nil
	}
	return unix.Close(w.fd)
}

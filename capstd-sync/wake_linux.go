package capstdsync

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// waker is the scheduler's wake-up descriptor: an eventfd that a cancelled
// context writes to, so that a poll(2) it is part of returns.
type waker struct{ fd int }

func newWaker() (waker, error) {
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
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

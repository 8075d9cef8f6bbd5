//go:build !linux && !darwin && !freebsd

// This file holds everything capstd-sync does differently on systems
// without its poll(2)-based scheduler and streams (Windows and the rest):
// streams are plain readers and writers, every descriptor polls ready,
// and directories and sockets answer ENOTSUP.

package capstdsync

import (
	"context"
	"net"
	"os"
	"time"

	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
)

// sysPollFds is unused: this system has no poll(2) support here.
type sysPollFds = struct{}

// pollFds reports every descriptor ready at once (nbytes unknown); with
// no descriptors it sleeps for timeout (forever when negative) on a timer,
// until ctx is done or until a common.Pollable file wakes it.
func pollFds(ctx context.Context, ps *pollState, timeout time.Duration) error {
	if len(ps.fds) > 0 {
		for i := range ps.fds {
			ps.fds[i].ready = true
		}
		return nil
	}
	var expired <-chan time.Time
	if timeout >= 0 {
		if ps.timer == nil {
			ps.timer = time.NewTimer(timeout)
		} else {
			ps.timer.Reset(timeout)
		}
		defer ps.timer.Stop()
		expired = ps.timer.C
	}
	select {
	case <-expired:
		return nil
	case <-ps.wake.c: // nil, never ready, until a wait made it
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waker is, on this system, a channel through which a common.Pollable
// file becoming ready ends a wait; the context is watched directly.
type waker struct{ c chan struct{} }

func newWaker() (waker, error) { return waker{c: make(chan struct{}, 1)}, nil }
func (waker) close() error     { return nil }

// wake ends the wait of pollFds, or the next one.
func (w waker) wake() {
	select {
	case w.c <- struct{}{}:
	default:
	}
}

// drain consumes a wake that pollFds did not (a later poll may see one that
// comes after drain: a spurious wake-up, which Sched.Poll tolerates).
func (w waker) drain() {
	select {
	case <-w.c:
	default:
	}
}

// pollOne reports every descriptor ready: this system has no poll(2)
// support in this package yet.
func pollOne(int, bool, time.Duration) (bool, error) { return true, nil }

// waitReady returns at once, as every descriptor is ready here.
func waitReady(ctx context.Context, _ int, _ bool) error { return ctx.Err() }

// syncDir is not supported on this system (capstd opens no directories
// here).
func syncDir(*capstd.Dir) error { return common.ENOTSUP }

// newListenerFile is not implemented on this system: ENOTSUP.
func newListenerFile(net.Listener) (common.WasiFile, error) { return nil, common.ENOTSUP }

// On systems without the poll(2)-based streams, the inherited standard
// streams are reader and writer files over os.Stdin, os.Stdout and
// os.Stderr: reads block without emulating FDFLAGS_NONBLOCK, and Close
// leaves the host's streams open.
func inheritStdin() common.WasiFile  { return NewReaderFile(os.Stdin) }
func inheritStdout() common.WasiFile { return NewWriterFile(os.Stdout) }
func inheritStderr() common.WasiFile { return NewWriterFile(os.Stderr) }

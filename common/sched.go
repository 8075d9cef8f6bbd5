package common

import "context"

// Clocks reads the preview1 clocks (clock_res_get, clock_time_get). Methods
// do not block and are safe for concurrent use.
type Clocks interface {
	// Resolution returns the clock's resolution in nanoseconds. A clock id
	// the implementation does not know: EINVAL.
	Resolution(id Clockid) (Timestamp, error)
	// Now returns the clock's current time in nanoseconds: since the Unix
	// epoch for ClockidRealtime, from an arbitrary fixed origin for the
	// others. A clock id the implementation does not know: EINVAL.
	Now(id Clockid) (Timestamp, error)
}

// Sched waits for events: poll_oneoff and sched_yield.
type Sched interface {
	// Poll waits until at least one subscription in subs is ready, then
	// writes one [Event] per ready subscription into events and returns
	// their number (poll_oneoff). The binding passes at least one
	// subscription and len(events) >= len(subs).
	//
	// A clock subscription is ready when its clock reaches the timeout:
	// Timeout nanoseconds after the call started, or at Timeout on the
	// clock with SUBSCRIPTION_CLOCK_ABSTIME; a timeout already passed is
	// ready at once. A clock the scheduler does not support gives an event
	// with EINVAL (or ENOTSUP). An fd_read subscription is ready when a
	// read would not block (data, end of file, or an error); an fd_write
	// one when a write would not block. For them Nbytes is the number of
	// bytes readable or writable when known (for a regular file, the bytes
	// left to read after the current offset), and Flags has
	// FD_READWRITE_HANGUP when the peer hung up. A subscription whose Err
	// is set is ready at once with that error, as is one whose file fails
	// (its errno in the event, not a failed call).
	//
	// A cancelled ctx ends the wait promptly and Poll returns ctx's error.
	// Poll returns an error itself only when it cannot wait at all.
	Poll(ctx context.Context, subs []Subscription, events []Event) (n int, err error)

	// Yield lets other threads run (sched_yield).
	Yield(ctx context.Context) error
}

// Pollable is an optional interface of a [WasiFile] whose readiness for
// poll_oneoff is known inside the host process rather than through an
// operating-system descriptor: a file over a Go io.Reader or io.Writer
// served by a goroutine, an in-memory pipe. A [Sched] discovers it by type
// assertion, as io/fs discovers its optional interfaces, and waits on it
// together with its other subscriptions, so that a guest waiting for such a
// file keeps its clocks (and, for a Go guest, its goroutines and timers)
// running. A file that reports itself always ready instead makes the read
// or write that follows poll_oneoff block the whole guest.
//
// A scheduler that can poll the file's operating-system descriptor (for
// example through syscall.Conn) may do that instead.
type Pollable interface {
	// PollReady reports whether a read (write false) or a write (write
	// true) would not block now.
	//
	// When it would not, wait is nil, nbytes is the number of bytes a read
	// would return or a write accept without blocking (0 when unknown) and
	// flags has FD_READWRITE_HANGUP when the other end is gone (end of
	// input, a closed reader). A file in an error state, a closed file and
	// a file that cannot do the operation at all are ready: the read or
	// write that follows reports the error.
	//
	// When it would block, wait is a channel that the file closes once its
	// readiness may have changed (data arrived, room was made, an error or
	// end of input came, the file was closed); the scheduler then calls
	// PollReady again. A closed wait channel is a hint, not a promise of
	// readiness. The file may use the call to start the work that will
	// make it ready (a read ahead from its source).
	//
	// PollReady does not block. It is called under the rule of the file's
	// other methods (one goroutine at a time); the file closes wait from
	// whichever goroutine it likes.
	PollReady(write bool) (nbytes Filesize, flags Eventrwflags, wait <-chan struct{})
}

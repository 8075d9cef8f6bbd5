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

package common

// Clockid identifies a clock (the spec's clockid, a u32).
type Clockid uint32

// The preview1 clocks.
const (
	// ClockidRealtime: wall-clock time since the Unix epoch; may jump.
	ClockidRealtime Clockid = iota
	// ClockidMonotonic: a clock that never goes backwards and cannot be set.
	ClockidMonotonic
	// ClockidProcessCputimeID: CPU time consumed by the process.
	ClockidProcessCputimeID
	// ClockidThreadCputimeID: CPU time consumed by the thread.
	ClockidThreadCputimeID
)

var clockidNames = []string{"REALTIME", "MONOTONIC", "PROCESS_CPUTIME_ID", "THREAD_CPUTIME_ID"}

// String returns the spec name, e.g. "MONOTONIC", or "Clockid(N)".
func (c Clockid) String() string { return formatEnum("Clockid", uint64(c), clockidNames) }

// Eventtype is the kind of a subscription and of its event (the spec's
// eventtype, a u8).
type Eventtype uint8

// The preview1 event types.
const (
	// EventtypeClock: a clock reached the subscription's timeout.
	EventtypeClock Eventtype = iota
	// EventtypeFdRead: the file has data to read, or hit end of file or an error.
	EventtypeFdRead
	// EventtypeFdWrite: the file can be written to, or hit an error.
	EventtypeFdWrite
)

var eventtypeNames = []string{"CLOCK", "FD_READ", "FD_WRITE"}

// String returns the spec name, e.g. "FD_READ", or "Eventtype(N)".
func (e Eventtype) String() string { return formatEnum("Eventtype", uint64(e), eventtypeNames) }

// Subclockflags modify a clock subscription (the spec's subclockflags, a u16).
type Subclockflags uint16

// SubclockflagsSubscriptionClockAbstime: the timeout is an absolute time on
// the subscription's clock, not a duration from now.
const SubclockflagsSubscriptionClockAbstime Subclockflags = 1

var subclockflagsNames = []string{"SUBSCRIPTION_CLOCK_ABSTIME"}

// String prints the set flags, e.g. "SUBSCRIPTION_CLOCK_ABSTIME".
func (f Subclockflags) String() string { return formatFlags(uint64(f), subclockflagsNames) }

// Eventrwflags describe the state of a file in an fd_read or fd_write event
// (the spec's eventrwflags, a u16).
type Eventrwflags uint16

// EventrwflagsFdReadwriteHangup: the peer of this socket or pipe has closed
// or disconnected.
const EventrwflagsFdReadwriteHangup Eventrwflags = 1

var eventrwflagsNames = []string{"FD_READWRITE_HANGUP"}

// String prints the set flags, e.g. "FD_READWRITE_HANGUP".
func (f Eventrwflags) String() string { return formatFlags(uint64(f), eventrwflagsNames) }

// SubscriptionClock is the clock part of a subscription (the spec's
// subscription_clock). Guest layout, relative to the subscription: id (u32)
// at 16, timeout at 24, precision at 32, flags (u16) at 40.
type SubscriptionClock struct {
	ID        Clockid       // the clock to compare the timeout against
	Timeout   Timestamp     // absolute time, or duration, in nanoseconds
	Precision Timestamp     // how much later than the timeout the event may fire
	Flags     Subclockflags // SUBSCRIPTION_CLOCK_ABSTIME or 0
}

// Subscription asks poll_oneoff for one event (the spec's subscription).
// Guest layout: userdata at 0, the union's tag (u8) at 8, and its payload
// from 16: a [SubscriptionClock], or for fd_read/fd_write the file
// descriptor (u32) at 16.
//
// Subscription carries, besides the spec's fields, the file the binding
// resolved the descriptor to, so a [Sched] never deals in fd numbers.
type Subscription struct {
	Userdata Userdata  // returned unchanged in the event
	Type     Eventtype // which member of the union is set
	// Clock is the clock subscription, when Type is EventtypeClock.
	Clock SubscriptionClock
	// Fd is the guest file descriptor, when Type is EventtypeFdRead or
	// EventtypeFdWrite.
	Fd Fd
	// File is the file Fd names, resolved by the binding, when Type is
	// EventtypeFdRead or EventtypeFdWrite and Err is ESUCCESS.
	File WasiFile
	// Err, when not ESUCCESS, is why the binding could not resolve Fd
	// (ENOTCAPABLE for missing rights; EBADF for a descriptor that is not
	// open, from a binding that does not fail the whole call for it, as
	// wazeroadapter does). The scheduler must treat the subscription as
	// ready at once and report an event of the subscription's type with
	// this error.
	Err Errno
}

// Event is one event poll_oneoff reports (the spec's event). Guest layout:
// userdata at 0, error (u16) at 8, type (u8) at 10, and for fd_read/fd_write
// events nbytes at 16 and flags (u16) at 24.
type Event struct {
	Userdata Userdata  // the subscription's userdata
	Error    Errno     // ESUCCESS, or why the subscription failed
	Type     Eventtype // the subscription's type
	// Nbytes is, for fd_read/fd_write events, the number of bytes
	// available to read or room to write; 0 when unknown.
	Nbytes Filesize
	// Flags is, for fd_read/fd_write events, the file's state.
	Flags Eventrwflags
}

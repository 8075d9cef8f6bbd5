package conformance

import (
	"fmt"
	"time"

	"github.com/capwasi/capwasi/common"
)

// Cases of poll_oneoff: clocks (relative and absolute, realtime and
// monotonic), descriptors (stdin, stdout, stderr, files), errors that are
// events and errors that fail the call. Events are 32 bytes: userdata at 0,
// errno (u16) at 8, type (u8) at 10, nbytes (u64) at 16.

const (
	monotonic = common.ClockidMonotonic
	realtime  = common.ClockidRealtime
	abstime   = common.SubclockflagsSubscriptionClockAbstime
	fdRead    = common.EventtypeFdRead
	fdWrite   = common.EventtypeFdWrite
	ms        = uint64(time.Millisecond)
	farFuture = uint64(1) << 62 // about 146 years after either clock's origin
)

// guard is a clock subscription that must not fire: a call whose other
// subscriptions are ready returns before it. It bounds the wait of a host
// that sleeps when it should not (wazero's WASI sleeps forever on a poll
// of descriptors alone).
var guard = clockSub(0xDEAD, monotonic, 2000*ms, 0)

// elapsedAtLeast checks that the clock readings of steps i and j (0-based,
// clock_time_get) are at least d apart, and at most max when max > 0.
func elapsedAtLeast(i, j int, d, max time.Duration) checkFunc {
	return compareU64(i, 0, 0, j, 0, 0, func(t0, t1 uint64) string {
		el := time.Duration(t1 - t0)
		switch {
		case t1 < t0 || el < d:
			return fmt.Sprintf("%v elapsed, want at least %v", el, d)
		case max > 0 && el > max:
			return fmt.Sprintf("%v elapsed, want at most %v (the earliest clock was not the timeout)", el, max)
		}
		return ""
	})
}

func init() {
	register(
		Case{
			Name: "poll_oneoff/clock-relative-monotonic",
			Script: `
clock_time_get CLOCK_MONOTONIC 0 out:8          => ESUCCESS
poll_oneoff ` + subscriptions(clockSub(0x11, monotonic, 20*ms, 0)) + ` out:32 1 out:4 => ESUCCESS u64@0:0x11,u16@8:0,u8@10:EVENTTYPE_CLOCK u32:1
clock_time_get CLOCK_MONOTONIC 0 out:8          => ESUCCESS`,
			Check: elapsedAtLeast(0, 2, 20*time.Millisecond, 0),
		},
		Case{
			Name: "poll_oneoff/clock-relative-realtime",
			Script: `
clock_time_get CLOCK_MONOTONIC 0 out:8          => ESUCCESS
poll_oneoff ` + subscriptions(clockSub(0x12, realtime, 10*ms, 0)) + ` out:32 1 out:4 => ESUCCESS u64@0:0x12,u16@8:0,u8@10:EVENTTYPE_CLOCK u32:1
clock_time_get CLOCK_MONOTONIC 0 out:8          => ESUCCESS
poll_oneoff ` + subscriptions(clockSub(0x13, monotonic, 0, 0)) + ` out:32 1 out:4 => ESUCCESS u64@0:0x13,u16@8:0 u32:1`,
			Check: elapsedAtLeast(0, 2, 10*time.Millisecond, 0),
		},
		Case{
			// LESSONS: absolute clock subscriptions work on realtime and
			// monotonic; a deadline in the past fires at once.
			Name: "poll_oneoff/clock-absolute-past",
			Script: `
poll_oneoff ` + subscriptions(clockSub(0x21, realtime, 1, abstime)) + ` out:32 1 out:4 => ESUCCESS u64@0:0x21,u16@8:0,u8@10:EVENTTYPE_CLOCK u32:1
poll_oneoff ` + subscriptions(clockSub(0x22, monotonic, 1, abstime)) + ` out:32 1 out:4 => ESUCCESS u64@0:0x22,u16@8:0,u8@10:EVENTTYPE_CLOCK u32:1`,
		},
		Case{
			// Absolute deadlines far away do not fire; the earliest clock
			// is the timeout of the whole call.
			Name: "poll_oneoff/earliest-clock-wins",
			Script: `
clock_time_get CLOCK_MONOTONIC 0 out:8          => ESUCCESS
poll_oneoff ` + subscriptions(clockSub(1, realtime, farFuture, abstime), clockSub(2, monotonic, 10*ms, 0)) + ` out:64 2 out:4 => ESUCCESS u64@0:2,u16@8:0 u32:1
poll_oneoff ` + subscriptions(clockSub(3, monotonic, farFuture, abstime), clockSub(4, realtime, 10*ms, 0)) + ` out:64 2 out:4 => ESUCCESS u64@0:4,u16@8:0 u32:1
poll_oneoff ` + subscriptions(clockSub(5, monotonic, 5000*ms, 0), clockSub(6, monotonic, 10*ms, 0)) + ` out:64 2 out:4 => ESUCCESS u64@0:6,u16@8:0 u32:1
clock_time_get CLOCK_MONOTONIC 0 out:8          => ESUCCESS`,
			Check: elapsedAtLeast(0, 4, 30*time.Millisecond, 4*time.Second),
		},
		Case{
			// wasi-testsuite poll_oneoff_stdio: stdin with data is ready
			// for reading; the clock does not fire.
			Name:  "poll_oneoff/stdin-read",
			Stdin: "hello",
			Script: `
poll_oneoff ` + subscriptions(clockSub(0x12345678, monotonic, 200*ms, 0), fdSub(0x87654321, fdRead, 0)) + ` out:64 2 out:4 => ESUCCESS u64@0:0x87654321,u16@8:0,u8@10:EVENTTYPE_FD_READ,u64@16:5 u32:1
fd_read 0 iovout:5 out:4                        => ESUCCESS str:"hello" u32:5`,
		},
		Case{
			// wasi-testsuite poll_oneoff_stdio and LESSONS: stdout and
			// stderr are ready for writing.
			Name: "poll_oneoff/stdout-stderr-write",
			Script: `
poll_oneoff ` + subscriptions(fdSub(1, fdWrite, 1), fdSub(2, fdWrite, 2), clockSub(3, monotonic, 200*ms, 0)) + ` out:96 3 out:4 => ESUCCESS u64@0:1,u16@8:0,u8@10:EVENTTYPE_FD_WRITE,u64@32:2,u16@40:0,u8@42:EVENTTYPE_FD_WRITE u32:2`,
		},
		Case{
			// A regular file is always ready; for reading, nbytes is what is
			// left after the offset.
			Name: "poll_oneoff/regular-file-ready",
			Tree: mkTree("f=12345"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_SEEK 0 0 out:4>fd => ESUCCESS u32:4
poll_oneoff ` + subscriptions(fdSub(7, fdRead, 4), guard) + ` out:64 2 out:4 => ESUCCESS u64@0:7,u16@8:0,u8@10:EVENTTYPE_FD_READ,u64@16:5 u32:1
fd_seek $fd 2 WHENCE_SET out:8                  => ESUCCESS u64:2
poll_oneoff ` + subscriptions(fdSub(8, fdRead, 4), guard) + ` out:64 2 out:4 => ESUCCESS u64@0:8,u16@8:0,u64@16:3 u32:1`,
		},
		Case{
			Name:  "poll_oneoff/regular-file-ready-for-writing",
			Needs: writes,
			Tree:  mkTree("f=12345"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK 0 0 out:4>fd => ESUCCESS u32:4
poll_oneoff ` + subscriptions(fdSub(9, fdWrite, 4), guard) + ` out:64 2 out:4 => ESUCCESS u64@0:9,u16@8:0,u8@10:EVENTTYPE_FD_WRITE u32:1`,
		},
		Case{
			// A subscription on a descriptor that is not open fails the
			// whole call with EBADF, at once, and writes no event:
			// wasmtime's answer (the specification leaves it open; a
			// descriptor without the right to be polled is an event, see
			// below).
			Name: "poll_oneoff/bad-fd-fails-the-call",
			Script: `
clock_time_get CLOCK_MONOTONIC 0 out:8          => ESUCCESS
poll_oneoff ` + subscriptions(fdSub(0x77, fdRead, 99), guard) + ` out:64 2 out:4 => EBADF
poll_oneoff ` + subscriptions(clockSub(0x79, monotonic, 2000*ms, 0), fdSub(0x78, fdWrite, 99)) + ` out:64 2 out:4 => EBADF
clock_time_get CLOCK_MONOTONIC 0 out:8          => ESUCCESS`,
			Check: elapsedAtLeast(0, 3, 0, 1500*time.Millisecond),
		},
		Case{
			// Polling needs FD_READ (FD_WRITE) or POLL_FD_READWRITE; without
			// them (dropped) the subscription is an ENOTCAPABLE event.
			Name: "poll_oneoff/fd-without-rights-is-an-event",
			Tree: mkTree("f=x"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_SEEK 0 0 out:4  => ESUCCESS u32:4
fd_fdstat_set_rights 4 RIGHTS_FD_SEEK 0         => ESUCCESS
poll_oneoff ` + subscriptions(fdSub(1, fdRead, 4), guard) + ` out:64 2 out:4 => ESUCCESS u64@0:1,u16@8:ENOTCAPABLE u32:1
poll_oneoff ` + subscriptions(fdSub(2, fdWrite, 4), guard) + ` out:64 2 out:4 => ESUCCESS u64@0:2,u16@8:ENOTCAPABLE u32:1`,
		},
		Case{
			// Errors of the call itself: no subscription (wasmtime's EINVAL),
			// undefined values, bad pointers.
			Name: "poll_oneoff/errors",
			Script: `
poll_oneoff ` + subscriptions(clockSub(1, monotonic, 0, 0)) + ` out:32 0 out:4 => EINVAL
poll_oneoff ` + subscriptions(rawSub(1, 3)) + ` out:32 1 out:4 => EINVAL
poll_oneoff ` + subscriptions(clockSub(1, 4, 0, 0)) + ` out:32 1 out:4 => EINVAL
poll_oneoff ` + subscriptions(clockSub(1, monotonic, 0, 2)) + ` out:32 1 out:4 => EINVAL
poll_oneoff ` + badPtr + ` out:32 1 out:4         => EFAULT
poll_oneoff ` + subscriptions(clockSub(1, monotonic, 0, 0)) + ` ` + badPtr + ` 1 out:4 => EFAULT
poll_oneoff ` + subscriptions(clockSub(1, monotonic, 0, 0)) + ` out:32 1 ` + badPtr + ` => EFAULT
poll_oneoff ` + subscriptions(clockSub(1, monotonic, 0, 0)) + ` out:32 0x10000000 out:4 => EINVAL|EFAULT`,
		},
		Case{
			// The CPU-time clocks may be unsupported; either way the
			// subscription comes back as an event, not a failed call.
			Name: "poll_oneoff/cputime-clock",
			Script: `
poll_oneoff ` + subscriptions(clockSub(0x31, common.ClockidProcessCputimeID, 0, 0)) + ` out:32 1 out:4 => ESUCCESS u64@0:0x31,u8@10:EVENTTYPE_CLOCK u32:1`,
		},
	)
}

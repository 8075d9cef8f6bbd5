package wazeroadapter

import (
	"context"
	"slices"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// pollOneoff decodes the subscriptions, resolves their descriptors, lets
// the WasiCtx's Sched wait, and encodes the events.
//
// Errors of the call: no subscription, more than the Host allows
// (2×WithMaxOpenFiles+64), an unknown event type, clock id or subscription
// clock flag: EINVAL; an array outside the memory: EFAULT; a subscription
// whose descriptor is not open: EBADF, no event written (wasmtime's answer;
// the specification leaves it open). A subscription whose descriptor lacks
// the right to be polled (ENOTCAPABLE: fd_read needs FD_READ or
// POLL_FD_READWRITE, fd_write needs FD_WRITE or POLL_FD_READWRITE, as the
// specification describes POLL_FD_READWRITE) is not an error of the call:
// it comes back at once as an event carrying that errno.
func pollOneoff(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	inPtr, outPtr, n, nevents := u32(stack[0]), u32(stack[1]), u32(stack[2]), u32(stack[3])
	if n == 0 || n > in.host.maxSubs {
		return common.EINVAL
	}
	mem := in.memory(mod)
	if !mem.hasArray(inPtr, n, common.SubscriptionSize) || !mem.hasArray(outPtr, n, common.EventSize) || !mem.has(nevents, 4) {
		return common.EFAULT
	}
	subs := slices.Grow(in.subs[:0], int(n))[:n]
	in.subs = subs
	for i := range subs {
		errno := in.subscription(&subs[i], mem[inPtr+uint32(i)*common.SubscriptionSize:])
		if errno != common.ESUCCESS {
			clear(subs[:i])
			return errno
		}
	}
	events := slices.Grow(in.events[:0], int(n))[:n]
	in.events = events
	clear(events)
	got, err := in.sched.Poll(ctx, subs, events)
	clear(subs) // drop the references to the files
	if err != nil {
		return common.ErrnoOf(err)
	}
	got = max(0, min(got, int(n)))
	for i := range got {
		putEvent(mem[outPtr+uint32(i)*common.EventSize:], &events[i])
	}
	mem.putU32(nevents, uint32(got))
	return common.ESUCCESS
}

// subscription decodes the subscription at the start of b into s.
func (in *instance) subscription(s *common.Subscription, b []byte) common.Errno {
	*s = common.Subscription{Userdata: common.Userdata(le.Uint64(b[0:])), Type: common.Eventtype(b[8])}
	switch s.Type {
	case common.EventtypeClock:
		id, flags := le.Uint32(b[16:]), common.Subclockflags(le.Uint16(b[40:]))
		if id > uint32(common.ClockidThreadCputimeID) || flags&^common.SubclockflagsSubscriptionClockAbstime != 0 {
			return common.EINVAL
		}
		s.Clock = common.SubscriptionClock{
			ID:        common.Clockid(id),
			Timeout:   common.Timestamp(le.Uint64(b[24:])),
			Precision: common.Timestamp(le.Uint64(b[32:])),
			Flags:     flags,
		}
	case common.EventtypeFdRead, common.EventtypeFdWrite:
		s.Fd = common.Fd(le.Uint32(b[16:]))
		e, ok := in.fds.Get(s.Fd)
		switch {
		case !ok:
			return common.EBADF
		case e.heldBase&pollRights(s.Type) == 0:
			s.Err = common.ENOTCAPABLE
		default:
			s.File = e.file
		}
	default:
		return common.EINVAL
	}
	return common.ESUCCESS
}

// pollRights returns the rights of which a descriptor needs one to be
// subscribed to for events of type t.
func pollRights(t common.Eventtype) common.Rights {
	if t == common.EventtypeFdRead {
		return common.RightsFdRead | common.RightsPollFdReadwrite
	}
	return common.RightsFdWrite | common.RightsPollFdReadwrite
}

// putEvent encodes ev at the start of b (common.EventSize bytes). An
// invalid errno from the scheduler becomes EIO.
func putEvent(b []byte, ev *common.Event) {
	b = b[:common.EventSize]
	clear(b)
	errno := ev.Error
	if !errno.Valid() {
		errno = common.EIO
	}
	le.PutUint64(b[0:], uint64(ev.Userdata))
	le.PutUint16(b[8:], uint16(errno))
	b[10] = byte(ev.Type)
	if ev.Type != common.EventtypeClock {
		le.PutUint64(b[16:], uint64(ev.Nbytes))
		le.PutUint16(b[24:], uint16(ev.Flags))
	}
}

func schedYield(ctx context.Context, in *instance, _ api.Module, _ []uint64) common.Errno {
	return common.ErrnoOf(in.sched.Yield(ctx))
}

package capstdsync

import (
	"context"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/capwasi/capwasi/common"
)

// Sched is the synchronous scheduler: poll_oneoff and sched_yield for one
// guest instance, implementing [common.Sched].
//
// Poll gathers the descriptors of every subscribed file into one poll(2)
// call whose timeout is the earliest clock subscription, so that no
// subscription can eat another's time. A file is polled when it has an
// operating-system descriptor: this package's sockets, pipes and standard
// streams, and any other file that implements syscall.Conn. A file without
// one that implements [common.Pollable] (this package's files over Go
// readers and writers that may block, and any other implementation's) is
// waited for in the same poll(2): when it is not ready, a goroutine per
// such file waits on its channel and wakes the poll through the wake-up
// descriptor. Other files, and regular files, are ready at once; for a
// read, Nbytes is then the bytes left after the file's offset (or an
// in-memory reader's length).
// Polled read events carry the bytes queued (FIONREAD) and
// FD_READWRITE_HANGUP when the peer hung up; a descriptor that turns out to
// be closed gives an EBADF event, one in an error state an EIO event.
//
// Clock subscriptions may be relative or absolute (SUBSCRIPTION_CLOCK_ABSTIME)
// on the realtime and monotonic clocks, read from the [common.Clocks] the
// scheduler was made with; the CPU-time clocks give an EINVAL event. The
// wait is ppoll(2) with a nanosecond timeout on Linux, with the calling
// thread's timer slack lowered for the call (the default 50 µs slack, and
// Go's timers, which wake a millisecond late here, would make a guest's
// short sleeps many times too long); poll(2) with millisecond timeouts on
// macOS and FreeBSD. A poll that has something ready at once and no
// descriptor to look at makes no system call.
//
// A cancelled context ends a blocked Poll within milliseconds, through a
// wake-up descriptor (an eventfd on Linux, a pipe elsewhere), and Poll then
// returns the context's error. The wake-up descriptor is made by the first
// Poll that has to wait with a context that can be cancelled or for a
// common.Pollable file, and kept until Close: a guest that never waits
// holds none. When the system cannot make it, that Poll fails with EMFILE,
// ENFILE or ENOMEM, and the next one tries again. Poll is safe for
// concurrent use; concurrent calls beyond the first use a wake-up
// descriptor of their own, when they wait, for the duration of the call.
// Close releases the wake-up descriptor.
//
// With [VirtualClocks], time passes only in Poll, and without waiting:
// when no file subscription is ready at the moment of the call (the
// descriptors are polled with a zero timeout), the clocks advance to the
// earliest clock subscription, which fires. A ready file is reported
// without advancing them, and a poll without clock subscriptions waits for
// its files in real time. A guest that waits for input with a timer
// running (a Go guest with a ticker, say) therefore runs through its
// timers as fast as it can until the input comes: runs are deterministic
// when their inputs are (files, in-memory readers), not when they race
// with the outside world.
//
// On systems without poll(2) support in this package (Windows), files with
// a descriptor are always ready; clocks and common.Pollable files wait.
type Sched struct {
	clocks  common.Clocks
	virtual *VirtualClocks // clocks, when they are virtual
	mu      sync.Mutex     // guards state, the scratch space of the uncontended Poll
	state   *pollState     // made by the first Poll
	closed  bool
}

// NewSched returns a scheduler whose clock subscriptions are read from
// clocks ([SystemClocks] when nil); when clocks is a *[VirtualClocks], its
// clock subscriptions advance them instead of waiting. It holds no system
// resource until a Poll waits (see [Sched]), and its error is always nil
// (it once reported a failure to make the wake-up descriptor, which Poll
// now reports).
func NewSched(clocks common.Clocks) (*Sched, error) {
	s := new(Sched)
	s.init(clocks)
	return s, nil
}

// init prepares a zero Sched, as NewSched does.
func (s *Sched) init(clocks common.Clocks) {
	if clocks == nil {
		clocks = SystemClocks()
	}
	s.clocks = clocks
	s.virtual, _ = clocks.(*VirtualClocks)
}

// pollState is the scratch space of one Poll call: reused by the
// uncontended path so that polling allocates nothing in the steady state.
// Its zero value is ready to use.
type pollState struct {
	wake  waker                 // made by the first wait that needs it (awake)
	woken bool                  // wake is made
	timer *time.Timer           // for systems that wait on timers (unsupported.go), made on first use
	fds   []pollFd              // the descriptors to poll
	sys   sysPollFds            // the system's form of fds, with the wake-up descriptor last
	slots []int                 // per subscription: its index in fds, or -1, or inProcess
	flags []common.Eventrwflags // per subscription: Flags of a ready common.Pollable
	waits []<-chan struct{}     // the channels of the common.Pollable files not ready
	due   []int64               // per clock subscription: its deadline (ns since start), or -1
	errs  []error               // per subscription: an immediate outcome
	nb    []uint64              // per subscription: Nbytes of an always-ready file
	ready []bool                // per subscription: ready without waiting
}

// awake makes the wake-up descriptor, unless it is made already. Errors:
// EMFILE, ENFILE, ENOMEM.
func (ps *pollState) awake() error {
	if ps.woken {
		return nil
	}
	w, err := newWaker()
	if err != nil {
		return wasiErr(err)
	}
	ps.wake, ps.woken = w, true
	return nil
}

// close releases the wake-up descriptor, if it was made.
func (ps *pollState) close() error {
	if ps.timer != nil {
		ps.timer.Stop()
	}
	if !ps.woken {
		return nil
	}
	ps.woken = false
	return ps.wake.close()
}

// reset sizes the per-subscription scratch for n subscriptions.
func (ps *pollState) reset(n int) {
	ps.fds = ps.fds[:0]
	ps.slots = grow(ps.slots, n)
	ps.due = grow(ps.due, n)
	ps.errs = grow(ps.errs, n)
	ps.nb = grow(ps.nb, n)
	ps.ready = grow(ps.ready, n)
	ps.flags = grow(ps.flags, n)
	for i := range n {
		ps.slots[i], ps.due[i], ps.errs[i], ps.nb[i], ps.ready[i], ps.flags[i] = -1, -1, nil, 0, false, 0
	}
}

// inProcess marks, in pollState.slots, a subscription to a
// common.Pollable file.
const inProcess = -2

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Poll implements [common.Sched.Poll]; see [Sched].
func (s *Sched) Poll(ctx context.Context, subs []common.Subscription, events []common.Event) (int, error) {
	if len(subs) == 0 || len(events) < len(subs) {
		return 0, common.EINVAL
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var ps *pollState
	if s.mu.TryLock() {
		defer s.mu.Unlock()
		if s.closed {
			return 0, common.EBADF
		}
		if s.state == nil {
			s.state = new(pollState)
		}
		ps = s.state
	} else {
		ps = new(pollState)
		defer ps.close()
	}
	return s.poll(ctx, ps, subs, events)
}

func (s *Sched) poll(ctx context.Context, ps *pollState, subs []common.Subscription, events []common.Event) (int, error) {
	start, vstart := time.Now(), int64(0)
	if s.virtual != nil {
		vstart = s.virtual.elapsed.Load()
	}
	ps.reset(len(subs))
	immediate, pollables := false, false
	earliest := int64(math.MaxInt64) // ns after start
	for i := range subs {
		sub := &subs[i]
		switch sub.Type {
		case common.EventtypeClock:
			due, err := s.deadline(sub.Clock)
			if err != nil {
				ps.errs[i], ps.ready[i], immediate = err, true, true
				continue
			}
			ps.due[i] = due
			earliest = min(earliest, due)
		case common.EventtypeFdRead, common.EventtypeFdWrite:
			if sub.Err != common.ESUCCESS {
				ps.errs[i], ps.ready[i], immediate = sub.Err, true, true
				continue
			}
			if sub.File == nil {
				ps.errs[i], ps.ready[i], immediate = common.EBADF, true, true
				continue
			}
			fd := fileFd(sub.File)
			if fd < 0 {
				if _, ok := sub.File.(common.Pollable); ok {
					ps.slots[i], pollables = inProcess, true
					continue
				}
				ps.ready[i], immediate = true, true
				if sub.Type == common.EventtypeFdRead {
					if c, ok := sub.File.(readyCounter); ok {
						nb, err := c.readableBytes()
						ps.nb[i], ps.errs[i] = uint64(nb), err
					}
				}
				continue
			}
			ps.slots[i] = len(ps.fds)
			ps.fds = append(ps.fds, pollFd{fd: fd, write: sub.Type == common.EventtypeFdWrite})
		default:
			ps.errs[i], ps.ready[i], immediate = common.EINVAL, true, true
		}
	}

	if pollables {
		defer func() { clear(ps.waits[:cap(ps.waits)]) }() // keep no channel
	}
	for {
		ready := immediate
		if pollables && ps.pollInProcess(subs) {
			ready = true
		}
		timeout := time.Duration(-1) // forever
		switch {
		case ready:
			timeout = 0
		case earliest != math.MaxInt64:
			timeout = max(time.Duration(earliest-s.since(start, vstart)), 0)
		}
		virtualWait := false
		if s.virtual != nil && timeout > 0 {
			timeout, virtualWait = 0, true // look at the files, do not wait
		}
		polled := false // ps.fds hold this round's outcome
		if timeout != 0 && !ps.woken && (ctx.Done() != nil || len(ps.waits) > 0) {
			// Something may have to end this wait early: that needs the
			// wake-up descriptor, unless a descriptor is ready already.
			if len(ps.fds) > 0 {
				if err := pollFds(ctx, ps, 0); err != nil {
					return 0, err
				}
				polled = ps.anyFdReady()
			}
			if !polled {
				if err := ps.awake(); err != nil {
					return 0, err
				}
			}
		}
		if !polled && (len(ps.fds) > 0 || timeout != 0) {
			var stop func()
			if len(ps.waits) > 0 && timeout != 0 {
				stop = watch(ps.waits, ps.wake)
			}
			err := pollFds(ctx, ps, timeout)
			if stop != nil {
				stop()
			}
			if err != nil {
				return 0, err
			}
		}
		if virtualWait && !ps.anyFdReady() {
			s.virtual.advanceTo(vstart, earliest) // the time the guest waits for passes
		}
		elapsed := s.since(start, vstart)
		n := 0
		for i := range subs {
			ev, ok := ps.event(&subs[i], i, elapsed)
			if ok {
				events[n] = ev
				n++
			}
		}
		if n > 0 {
			return n, nil
		}
		// Nothing was ready after all (a spurious wake-up): wait again.
	}
}

// since returns the nanoseconds passed since a poll started at start, or
// at vstart on the scheduler's virtual clocks.
func (s *Sched) since(start time.Time, vstart int64) int64 {
	if s.virtual != nil {
		return s.virtual.elapsed.Load() - vstart
	}
	return int64(time.Since(start))
}

// anyFdReady reports whether a polled descriptor is ready.
func (ps *pollState) anyFdReady() bool {
	for i := range ps.fds {
		if ps.fds[i].ready {
			return true
		}
	}
	return false
}

// pollInProcess asks each subscribed common.Pollable file whether it is
// ready, records the answers of those that are, collects in ps.waits the
// channels of those that are not, and reports whether any is ready.
func (ps *pollState) pollInProcess(subs []common.Subscription) bool {
	ps.waits = ps.waits[:0]
	any := false
	for i := range subs {
		if ps.slots[i] != inProcess {
			continue
		}
		nb, flags, wait := subs[i].File.(common.Pollable).PollReady(subs[i].Type == common.EventtypeFdWrite)
		ps.ready[i], ps.nb[i], ps.flags[i] = wait == nil, uint64(nb), flags
		if wait != nil {
			ps.waits = append(ps.waits, wait)
		}
		any = any || wait == nil
	}
	return any
}

// watch starts a goroutine per channel of waits; the first to see its
// channel closed wakes w, which ends the poll(2) w's descriptor is part of.
// The returned function stops the goroutines, and consumes the wake-up if
// one was made.
func watch(waits []<-chan struct{}, w waker) (stop func()) {
	done := make(chan struct{})
	fired := new(atomic.Bool)
	for _, c := range waits {
		go func() {
			select {
			case <-c:
				if fired.CompareAndSwap(false, true) {
					w.wake()
				}
			case <-done:
			}
		}()
	}
	return func() {
		close(done)
		if !fired.CompareAndSwap(false, true) {
			w.drain() // written, or being written: consume it
		}
	}
}

// event returns subscription i's event, if it is ready.
func (ps *pollState) event(sub *common.Subscription, i int, elapsed int64) (common.Event, bool) {
	ev := common.Event{Userdata: sub.Userdata, Type: sub.Type}
	switch {
	case ps.ready[i]:
		ev.Error = errnoOf(ps.errs[i])
		ev.Nbytes = common.Filesize(ps.nb[i])
		ev.Flags = ps.flags[i]
		return ev, true
	case ps.due[i] >= 0:
		return ev, ps.due[i] <= elapsed
	case ps.slots[i] >= 0:
		p := &ps.fds[ps.slots[i]]
		if !p.ready {
			return ev, false
		}
		ev.Error, ev.Nbytes, ev.Flags = p.errno, common.Filesize(p.nbytes), p.flags
		return ev, true
	}
	return ev, false
}

// deadline returns when a clock subscription fires, in nanoseconds after
// the call started.
func (s *Sched) deadline(c common.SubscriptionClock) (int64, error) {
	if c.ID != common.ClockidRealtime && c.ID != common.ClockidMonotonic {
		return 0, common.EINVAL
	}
	timeout := c.Timeout
	if c.Flags&common.SubclockflagsSubscriptionClockAbstime != 0 {
		now, err := s.clocks.Now(c.ID)
		if err != nil {
			return 0, err
		}
		if timeout <= now {
			return 0, nil
		}
		timeout -= now
	}
	if timeout > math.MaxInt64 {
		return math.MaxInt64 - 1, nil
	}
	return int64(timeout), nil
}

// Yield implements [common.Sched.Yield]: it lets other goroutines run.
func (s *Sched) Yield(context.Context) error {
	runtime.Gosched()
	return nil
}

// Close releases the scheduler's wake-up descriptor, after waiting for a
// Poll in progress to return. A Poll after Close fails with EBADF; Close
// itself is idempotent.
func (s *Sched) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.state == nil {
		return nil
	}
	return wasiErr(s.state.close())
}

// fileFd returns the descriptor the scheduler polls for f, or -1 when f is
// always ready: asked through pollTarget for this package's files, through
// syscall.Conn for others.
func fileFd(f common.WasiFile) int {
	if t, ok := f.(pollTarget); ok {
		return t.pollFd()
	}
	if _, ok := f.(syscall.Conn); ok {
		return connFd(f)
	}
	return -1
}

// pollFd is one descriptor of a poll and what became of it.
type pollFd struct {
	fd     int
	write  bool
	ready  bool
	errno  common.Errno
	nbytes uint64
	flags  common.Eventrwflags
}

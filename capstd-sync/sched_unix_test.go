//go:build linux || darwin || freebsd

package capstdsync

import (
	"context"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestSchedPipeReadableLater(t *testing.T) {
	s := newSched(t, nil)
	r, w := pipe(t, 0)
	go func() { time.Sleep(50 * time.Millisecond); _, _ = unix.Write(w, []byte("abc")) }()
	evs, took, err := poll(t, s, bg,
		fdSub(1, common.EventtypeFdRead, newHostStream(r, true)),
		clockSub(2, common.ClockidMonotonic, 5*time.Second, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Event{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 3}, evs[0])
	assert.GreaterOrEqual(t, took, 45*time.Millisecond)
	assert.Less(t, took, time.Second)
}

func TestSchedClockFiresFirst(t *testing.T) {
	s := newSched(t, nil)
	r, _ := pipe(t, 0)
	evs, took, err := poll(t, s, bg,
		fdSub(1, common.EventtypeFdRead, newHostStream(r, true)),
		clockSub(2, common.ClockidMonotonic, 30*time.Millisecond, false),
		clockSub(3, common.ClockidRealtime, time.Hour, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Event{Userdata: 2, Type: common.EventtypeClock}, evs[0])
	assert.GreaterOrEqual(t, took, 30*time.Millisecond, "ppoll's timeout does not fire early")
	assert.Less(t, took, 300*time.Millisecond)
}

func TestSchedSocketWithData(t *testing.T) {
	s := newSched(t, nil)
	f, c := connect(t)
	lf, _ := listen(t)
	_, err := c.Write([]byte("hello"))
	require.NoError(t, err)
	evs, _, err := poll(t, s, cancelAfter(t, 5*time.Second),
		fdSub(1, common.EventtypeFdRead, f),
		fdSub(2, common.EventtypeFdRead, lf), // no pending connection
		clockSub(3, common.ClockidMonotonic, 5*time.Second, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Event{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 5}, evs[0])

	// Both directions at once: the socket is writable too.
	evs, _, err = poll(t, s, bg,
		fdSub(1, common.EventtypeFdRead, f),
		fdSub(2, common.EventtypeFdWrite, f))
	require.NoError(t, err)
	require.Len(t, evs, 2)
	assert.Equal(t, common.EventtypeFdWrite, evs[1].Type)

	// The peer hangs up: a read event with FD_READWRITE_HANGUP.
	buf := make([]byte, 8)
	_, err = f.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	require.NoError(t, c.Close())
	evs, _, err = poll(t, s, cancelAfter(t, 5*time.Second), fdSub(1, common.EventtypeFdRead, f))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.ESUCCESS, evs[0].Error)
	if evs[0].Flags == 0 {
		// Some systems report only POLLIN for a peer's FIN.
		t.Logf("no hang-up flag on this system")
	}
}

func TestSchedWriteSubscriptionOnPipe(t *testing.T) {
	s := newSched(t, nil)
	r, w := pipe(t, unix.O_NONBLOCK)
	wf := newHostStream(w, false)
	evs, _, err := poll(t, s, bg, fdSub(1, common.EventtypeFdWrite, wf))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Event{Userdata: 1, Type: common.EventtypeFdWrite}, evs[0])

	// Full: not writable until the reader drains it 50 ms later.
	chunk := make([]byte, 65536)
	for {
		if _, err := unix.Write(w, chunk); err != nil {
			break
		}
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		for {
			if _, err := unix.Read(r, chunk); err != nil {
				return
			}
		}
	}()
	evs, took, err := poll(t, s, cancelAfter(t, 5*time.Second),
		fdSub(1, common.EventtypeFdWrite, wf), clockSub(2, common.ClockidMonotonic, 5*time.Second, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Userdata(1), evs[0].Userdata)
	assert.GreaterOrEqual(t, took, 45*time.Millisecond)

	// The reader goes away: the write subscription reports it at once.
	var p [2]int
	require.NoError(t, unix.Pipe(p[:]))
	defer unix.Close(p[1])
	require.NoError(t, unix.Close(p[0]))
	evs, _, err = poll(t, s, bg, fdSub(1, common.EventtypeFdWrite, newHostStream(p[1], false)))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.True(t, evs[0].Error == common.EIO || evs[0].Flags == common.EventrwflagsFdReadwriteHangup, "%+v", evs[0])
}

func TestSchedPipeHangup(t *testing.T) {
	s := newSched(t, nil)
	var p [2]int
	require.NoError(t, unix.Pipe(p[:]))
	defer unix.Close(p[0])
	_, err := unix.Write(p[1], []byte("xy"))
	require.NoError(t, err)
	require.NoError(t, unix.Close(p[1]))
	evs, _, err := poll(t, s, bg, fdSub(1, common.EventtypeFdRead, newHostStream(p[0], true)))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Event{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 2,
		Flags: common.EventrwflagsFdReadwriteHangup}, evs[0])
}

func TestSchedBadFdInSet(t *testing.T) {
	s := newSched(t, nil)
	r, w := pipe(t, 0)
	_, err := unix.Write(w, []byte("a"))
	require.NoError(t, err)
	var p [2]int
	require.NoError(t, unix.Pipe(p[:]))
	closed := newHostStream(p[0], true)
	require.NoError(t, unix.Close(p[0]))
	require.NoError(t, unix.Close(p[1]))
	evs, _, err := poll(t, s, bg,
		fdSub(1, common.EventtypeFdRead, closed),
		fdSub(2, common.EventtypeFdRead, newHostStream(r, true)),
		common.Subscription{Userdata: 3, Type: common.EventtypeFdRead, Err: common.EBADF})
	require.NoError(t, err, "a bad descriptor is an event, not a failed call")
	assert.Equal(t, []common.Event{
		{Userdata: 1, Type: common.EventtypeFdRead, Error: common.EBADF},
		{Userdata: 2, Type: common.EventtypeFdRead, Nbytes: 1},
		{Userdata: 3, Type: common.EventtypeFdRead, Error: common.EBADF},
	}, evs)
}

func TestSchedCancelFdPoll(t *testing.T) {
	s := newSched(t, nil)
	r, _ := pipe(t, 0)
	f := newHostStream(r, true)
	for range 3 { // the wake-up is consumed each time
		assertCancelsWithin100ms(t, func(ctx context.Context) error {
			_, _, err := poll(t, s, ctx, fdSub(1, common.EventtypeFdRead, f), clockSub(2, common.ClockidMonotonic, time.Hour, false))
			return err
		})
	}
	// No stale wake-up left behind: a plain timeout still waits.
	evs, took, err := poll(t, s, cancelAfter(t, time.Hour),
		fdSub(1, common.EventtypeFdRead, f), clockSub(2, common.ClockidMonotonic, 20*time.Millisecond, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.GreaterOrEqual(t, took, 20*time.Millisecond)
}

// connFile is another implementation's file that exposes its descriptor
// only through syscall.Conn.
type connFile struct {
	common.UnimplementedFile
	f *os.File
}

func (c connFile) SyscallConn() (syscall.RawConn, error) { return c.f.SyscallConn() }

func TestSchedSyscallConnFiles(t *testing.T) {
	s := newSched(t, nil)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	f := connFile{f: r}
	evs, _, err := poll(t, s, bg, fdSub(1, common.EventtypeFdRead, f), clockSub(2, common.ClockidMonotonic, 10*time.Millisecond, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Userdata(2), evs[0].Userdata, "the pipe is polled, not always ready")
	_, err = w.Write([]byte("1234"))
	require.NoError(t, err)
	evs, _, err = poll(t, s, bg, fdSub(1, common.EventtypeFdRead, f))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 4}}, evs)
}

func TestSchedResourcesReturnToBaseline(t *testing.T) {
	fds := openFds(t)
	goroutines := settle(1 << 30)
	for range 20 {
		s, err := NewSched(nil)
		require.NoError(t, err)
		var p [2]int
		require.NoError(t, unix.Pipe(p[:]))
		r, w := p[0], p[1]
		_, _ = unix.Write(w, []byte("x"))
		_, _, err = poll(t, s, cancelAfter(t, time.Second), fdSub(1, common.EventtypeFdRead, newHostStream(r, true)))
		require.NoError(t, err)
		_, _, err = poll(t, s, cancelAfter(t, 5*time.Millisecond), clockSub(1, common.ClockidMonotonic, time.Hour, false))
		errnoIs(t, common.ECANCELED, err)
		require.NoError(t, s.Close())
		unix.Close(r)
		unix.Close(w)
	}
	if fds >= 0 {
		assert.Equal(t, fds, openFds(t))
	}
	assert.LessOrEqual(t, settle(goroutines), goroutines)
}

// TestSchedPollableAndDescriptorsInOnePoll: an in-process file and a host
// pipe wait in one poll; either wakes it.
func TestSchedPollableAndDescriptorsInOnePoll(t *testing.T) {
	s := newSched(t, nil)
	r, w := pipe(t, 0)
	host := newHostStream(r, true)
	pr, pw := io.Pipe()
	defer pw.Close()
	f := NewReaderFile(pr)
	defer f.Close()

	go func() { time.Sleep(30 * time.Millisecond); _, _ = pw.Write([]byte("go")) }()
	evs, took, err := poll(t, s, bg, fdSub(1, common.EventtypeFdRead, host), fdSub(2, common.EventtypeFdRead, f))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 2, Type: common.EventtypeFdRead, Nbytes: 2}}, evs)
	assert.GreaterOrEqual(t, took, 25*time.Millisecond)
	_, err = f.Read(bg, [][]byte{make([]byte, 8)})
	require.NoError(t, err)

	go func() { time.Sleep(30 * time.Millisecond); _, _ = unix.Write(w, []byte("host")) }()
	evs, _, err = poll(t, s, bg, fdSub(1, common.EventtypeFdRead, host), fdSub(2, common.EventtypeFdRead, f))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 4}}, evs)
}

// TestWakeUpsAreCounted: a cancelled context and a Pollable file may both
// wake one poll; each wake-up is consumed by its own drain, so that none
// is left for the next poll and no drain waits for a wake-up already
// consumed.
func TestWakeUpsAreCounted(t *testing.T) {
	ps := new(pollState)
	require.NoError(t, ps.awake())
	defer ps.close()
	ready := make(chan struct{})
	close(ready)
	stop := watch([]<-chan struct{}{ready}, ps.wake)
	woken, err := pollOne(ps.wake.readFd(), false, time.Second)
	require.NoError(t, err)
	require.True(t, woken)
	ps.wake.wake() // as a cancelled context does
	done := make(chan struct{})
	go func() {
		stop()
		ps.wake.drain()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("a drain waits for a wake-up another drain consumed")
	}
	left, err := pollOne(ps.wake.readFd(), false, 0)
	require.NoError(t, err)
	assert.False(t, left, "no wake-up is left behind")
}

// TestSchedWakerIsLazy: a context holds no wake-up descriptor until its
// guest waits in a poll that something may have to end early; polls that
// do not wait (zero timeouts, ready files) and waits that nothing can end
// early (a context that is never cancelled, no Pollable file) make none.
// The first wait that needs one makes it, later ones reuse it, and Close
// releases it.
func TestSchedWakerIsLazy(t *testing.T) {
	before := openFds(t)
	if before < 0 {
		t.Skip("no /proc/self/fd")
	}
	wasiCtx, err := NewWasiCtxBuilder().Build()
	require.NoError(t, err)
	assert.Equal(t, before, openFds(t), "Build opens nothing")
	s := wasiCtx.Sched().(*Sched)
	r, w := pipe(t, 0)
	_, err = unix.Write(w, []byte("x"))
	require.NoError(t, err)
	cancellable, cancel := context.WithCancel(bg)
	defer cancel()
	for _, subs := range [][]common.Subscription{
		{clockSub(1, common.ClockidMonotonic, 0, false)},
		{fdSub(1, common.EventtypeFdRead, NewNullFile()), clockSub(2, common.ClockidMonotonic, time.Hour, false)},
		{fdSub(1, common.EventtypeFdRead, newHostStream(r, true)), clockSub(2, common.ClockidMonotonic, time.Hour, false)},
	} {
		_, _, err = poll(t, s, cancellable, subs...)
		require.NoError(t, err)
	}
	_, _, err = poll(t, s, bg, clockSub(1, common.ClockidMonotonic, time.Millisecond, false))
	require.NoError(t, err)
	assert.Equal(t, before+2, openFds(t), "no wake-up descriptor (the test's pipe is the +2)")
	require.NotNil(t, s.state, "the scratch space is kept from poll to poll")
	assert.False(t, s.state.woken)

	for range 3 {
		_, _, err = poll(t, s, cancellable, clockSub(1, common.ClockidMonotonic, time.Millisecond, false))
		require.NoError(t, err)
		assert.Equal(t, before+3, openFds(t), "one wake-up descriptor, made once")
	}
	require.NoError(t, wasiCtx.Close())
	assert.Equal(t, before+2, openFds(t), "Close releases it")
}

package wazeroadapter

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

// subBytes encodes a subscription as the guest lays it out.
func subBytes(s common.Subscription) []byte {
	b := make([]byte, common.SubscriptionSize)
	binary.LittleEndian.PutUint64(b, uint64(s.Userdata))
	b[8] = byte(s.Type)
	if s.Type == common.EventtypeClock {
		binary.LittleEndian.PutUint32(b[16:], uint32(s.Clock.ID))
		binary.LittleEndian.PutUint64(b[24:], uint64(s.Clock.Timeout))
		binary.LittleEndian.PutUint64(b[32:], uint64(s.Clock.Precision))
		binary.LittleEndian.PutUint16(b[40:], uint16(s.Clock.Flags))
	} else {
		binary.LittleEndian.PutUint32(b[16:], uint32(s.Fd))
	}
	return b
}

// poll calls poll_oneoff with subs and returns the raw events.
func (g *guest) poll(subs ...[]byte) ([][]byte, common.Errno) {
	var in []byte
	for _, s := range subs {
		in = append(in, s...)
	}
	p, _ := g.bytes(in)
	out, nev := g.out(uint32(len(subs))*common.EventSize), g.out(4)
	errno := g.call("poll_oneoff", p, out, uint64(len(subs)), nev)
	if errno != common.ESUCCESS {
		return nil, errno
	}
	events := make([][]byte, g.u32(nev))
	for i := range events {
		events[i] = g.read(out+uint64(i)*common.EventSize, common.EventSize)
	}
	return events, errno
}

func TestPollOneoff(t *testing.T) {
	g, c := newStrictGuest(t)
	clock := common.Subscription{Userdata: 0x1234_5678_9abc, Type: common.EventtypeClock,
		Clock: common.SubscriptionClock{ID: common.ClockidMonotonic, Timeout: 200_000_000, Precision: 7, Flags: common.SubclockflagsSubscriptionClockAbstime}}
	write := common.Subscription{Userdata: 1, Type: common.EventtypeFdWrite, Fd: 1}
	read := common.Subscription{Userdata: 2, Type: common.EventtypeFdRead, Fd: 0}
	badFd := common.Subscription{Userdata: 3, Type: common.EventtypeFdRead, Fd: 99}
	_, errno := g.poll(subBytes(clock), subBytes(badFd), subBytes(write))
	require.Equal(t, common.EBADF, errno, "a descriptor that is not open fails the call, as on wasmtime")
	assert.Nil(t, c.sched.last, "the scheduler was not called")
	for _, s := range g.instance().subs[:3] {
		assert.Nil(t, s.File, "no file kept in the scratch space")
	}
	events, errno := g.poll(subBytes(clock), subBytes(write), subBytes(read))
	require.Equal(t, common.ESUCCESS, errno)

	// What the scheduler got.
	last := c.sched.last
	require.Len(t, last, 3)
	assert.Equal(t, clock, last[0])
	assert.Equal(t, common.Fd(1), last[1].Fd)
	assert.Equal(t, c.stdout, last[1].File)
	assert.Equal(t, c.stdin, last[2].File)
	for _, s := range g.instance().subs[:3] {
		assert.Nil(t, s.File, "no file kept in the scratch space")
	}

	// What the guest got.
	require.Len(t, events, 3)
	assert.Equal(t, uint64(0x1234_5678_9abc), binary.LittleEndian.Uint64(events[0]))
	assert.Equal(t, make([]byte, 22), events[0][10:], "a clock event: type 0 and zeros")
	assert.Equal(t, []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, byte(common.EventtypeFdWrite), 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, events[1])

	// Rights: a file opened without FD_WRITE or POLL_FD_READWRITE cannot
	// be polled for writing: an event, not a failed call.
	fd, _ := g.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	events, errno = g.poll(subBytes(common.Subscription{Userdata: 4, Type: common.EventtypeFdWrite, Fd: common.Fd(fd)}),
		subBytes(common.Subscription{Userdata: 5, Type: common.EventtypeFdRead, Fd: common.Fd(fd)}))
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, uint16(common.ENOTCAPABLE), binary.LittleEndian.Uint16(events[0][8:]))
	assert.Equal(t, uint16(common.ESUCCESS), binary.LittleEndian.Uint16(events[1][8:]))
}

func TestPollOneoffErrors(t *testing.T) {
	g, c := newGuest(t)
	clock := subBytes(common.Subscription{Type: common.EventtypeClock})
	in, _ := g.bytes(clock)
	out, nev := g.out(common.EventSize), g.out(4)
	assert.Equal(t, common.EINVAL, g.call("poll_oneoff", in, out, 0, nev), "no subscriptions")
	assert.Equal(t, common.EINVAL, g.call("poll_oneoff", in, out, uint64(g.host.maxSubs)+1, nev), "too many")
	assert.Equal(t, common.EINVAL, g.call("poll_oneoff", in, out, 0xffffffff, nev))
	assert.Equal(t, common.EFAULT, g.call("poll_oneoff", g.memSize()-47, out, 1, nev))
	assert.Equal(t, common.EFAULT, g.call("poll_oneoff", in, g.memSize()-31, 1, nev))
	assert.Equal(t, common.EFAULT, g.call("poll_oneoff", in, out, 1, g.memSize()-3))
	assert.Equal(t, common.EFAULT, g.call("poll_oneoff", in, out, 2000, nev), "the arrays do not fit")

	for name, s := range map[string][]byte{
		"event type": func() []byte { b := subBytes(common.Subscription{Type: common.EventtypeFdRead}); b[8] = 3; return b }(),
		"clock id":   subBytes(common.Subscription{Type: common.EventtypeClock, Clock: common.SubscriptionClock{ID: 4}}),
		"clock flag": subBytes(common.Subscription{Type: common.EventtypeClock, Clock: common.SubscriptionClock{Flags: 2}}),
	} {
		_, errno := g.poll(clock, s)
		assert.Equal(t, common.EINVAL, errno, name)
	}

	c.sched.err = common.EINTR
	_, errno := g.poll(clock)
	assert.Equal(t, common.EINTR, errno, "the scheduler's error")
}

func TestSchedYield(t *testing.T) {
	g, c := newGuest(t)
	assert.Equal(t, common.ESUCCESS, g.call("sched_yield"))
	assert.Equal(t, 1, c.sched.yields)
}

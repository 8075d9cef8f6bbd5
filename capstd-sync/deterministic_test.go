package capstdsync

import (
	"io"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVirtualClocks(t *testing.T) {
	c := NewVirtualClocks(DeterministicEpoch)
	now := func(id common.Clockid) common.Timestamp {
		t.Helper()
		v, err := c.Now(id)
		require.NoError(t, err)
		return v
	}
	epoch := common.Timestamp(DeterministicEpoch.UnixNano())
	assert.Equal(t, epoch, now(common.ClockidRealtime))
	assert.Equal(t, VirtualMonotonicStart, now(common.ClockidMonotonic))
	assert.Equal(t, epoch, now(common.ClockidRealtime), "reading does not move them")
	c.Advance(1500 * time.Millisecond)
	c.Advance(-time.Hour)
	assert.Equal(t, epoch+1500e6, now(common.ClockidRealtime))
	assert.Equal(t, VirtualMonotonicStart+1500e6, now(common.ClockidMonotonic))
	assert.Equal(t, common.Timestamp(1500e6), now(common.ClockidProcessCputimeID))
	assert.Equal(t, common.Timestamp(1500e6), now(common.ClockidThreadCputimeID))
	_, err := c.Now(4)
	errnoIs(t, common.EINVAL, err)
	res, err := c.Resolution(common.ClockidMonotonic)
	require.NoError(t, err)
	assert.Equal(t, common.Timestamp(1), res)
	_, err = c.Resolution(9)
	errnoIs(t, common.EINVAL, err)
	c.Advance(time.Duration(1<<63 - 1))
	assert.Equal(t, common.Timestamp(1<<63-1), now(common.ClockidProcessCputimeID), "they stop instead of wrapping")
	pre, _ := NewVirtualClocks(time.Unix(-5, 0)).Now(common.ClockidRealtime)
	assert.Zero(t, pre, "not before the epoch")
}

func TestSchedOnVirtualClocks(t *testing.T) {
	c := NewVirtualClocks(DeterministicEpoch)
	s := newSched(t, c)

	// A sleep returns at once, the clocks advanced by its length.
	evs, took, err := poll(t, s, bg, clockSub(1, common.ClockidMonotonic, 10*time.Second, false))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 1, Type: common.EventtypeClock}}, evs)
	assert.Less(t, took, 100*time.Millisecond)
	mono, _ := c.Now(common.ClockidMonotonic)
	assert.Equal(t, VirtualMonotonicStart+common.Timestamp(10*time.Second), mono)

	// The earliest of several clocks, relative and absolute.
	real, _ := c.Now(common.ClockidRealtime)
	evs, _, err = poll(t, s, bg,
		clockSub(1, common.ClockidMonotonic, time.Hour, false),
		clockSub(2, common.ClockidRealtime, time.Duration(real)+3*time.Second, true),
		clockSub(3, common.ClockidMonotonic, 5*time.Second, false))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 2, Type: common.EventtypeClock}}, evs)
	mono, _ = c.Now(common.ClockidMonotonic)
	assert.Equal(t, VirtualMonotonicStart+common.Timestamp(13*time.Second), mono)

	// A ready file is reported without moving the clocks.
	pr, pw := io.Pipe()
	in := NewReaderFile(pr)
	defer in.Close()
	go func() { _, _ = pw.Write([]byte("x")) }()
	_, _, err = poll(t, s, cancelAfter(t, 5*time.Second), fdSub(1, common.EventtypeFdRead, in))
	require.NoError(t, err, "no clock: the poll waits for the file in real time")
	evs, _, err = poll(t, s, bg, fdSub(1, common.EventtypeFdRead, in), clockSub(2, common.ClockidMonotonic, time.Second, false))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 1}}, evs)
	mono, _ = c.Now(common.ClockidMonotonic)
	assert.Equal(t, VirtualMonotonicStart+common.Timestamp(13*time.Second), mono)

	// A file not ready at the moment of the call: the clock's time passes.
	_, err = in.Read(bg, [][]byte{make([]byte, 1)})
	require.NoError(t, err)
	evs, took, err = poll(t, s, bg, fdSub(1, common.EventtypeFdRead, in), clockSub(2, common.ClockidMonotonic, time.Second, false))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 2, Type: common.EventtypeClock}}, evs)
	assert.Less(t, took, 100*time.Millisecond)
	mono, _ = c.Now(common.ClockidMonotonic)
	assert.Equal(t, VirtualMonotonicStart+common.Timestamp(14*time.Second), mono)
	pw.Close()
}

func TestDeterministicBuilder(t *testing.T) {
	read := func(seed int64) ([]byte, common.Timestamp) {
		ctx, err := NewWasiCtxBuilder().Clocks(SystemClocks()).Deterministic(seed).Build()
		require.NoError(t, err)
		defer ctx.Close()
		b := make([]byte, 32)
		_, err = io.ReadFull(ctx.Random(), b)
		require.NoError(t, err)
		now, err := ctx.Clocks().Now(common.ClockidRealtime)
		require.NoError(t, err)
		return b, now
	}
	a, now := read(1)
	b, _ := read(1)
	c, _ := read(2)
	assert.Equal(t, a, b, "the same seed, the same bytes")
	assert.NotEqual(t, a, c)
	assert.Equal(t, common.Timestamp(DeterministicEpoch.UnixNano()), now)

	// A later Clocks call replaces the virtual clocks.
	ctx, err := NewWasiCtxBuilder().Deterministic(1).Clocks(SystemClocks()).Build()
	require.NoError(t, err)
	defer ctx.Close()
	now, _ = ctx.Clocks().Now(common.ClockidRealtime)
	assert.Greater(t, now, common.Timestamp(time.Now().Add(-time.Hour).UnixNano()))
}

package capstdsync

import (
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSystemClocks(t *testing.T) {
	c := SystemClocks()

	rt, err := c.Now(common.ClockidRealtime)
	require.NoError(t, err)
	assert.InDelta(t, float64(time.Now().UnixNano()), float64(rt), float64(time.Second))

	m1, err := c.Now(common.ClockidMonotonic)
	require.NoError(t, err)
	time.Sleep(2 * time.Millisecond)
	m2, err := c.Now(common.ClockidMonotonic)
	require.NoError(t, err)
	assert.Greater(t, m2-m1, common.Timestamp(time.Millisecond))
	assert.Less(t, m2-m1, common.Timestamp(time.Second))

	// Burn some CPU so that the CPU clocks move.
	p1, err := c.Now(common.ClockidProcessCputimeID)
	require.NoError(t, err)
	th1, err := c.Now(common.ClockidThreadCputimeID)
	require.NoError(t, err)
	x := 0
	for i := range 5_000_000 {
		x ^= i
	}
	_ = x
	p2, err := c.Now(common.ClockidProcessCputimeID)
	require.NoError(t, err)
	assert.Greater(t, p2, p1)
	assert.NotZero(t, th1)

	for id := common.ClockidRealtime; id <= common.ClockidThreadCputimeID; id++ {
		res, err := c.Resolution(id)
		require.NoError(t, err, "%v", id)
		assert.NotZero(t, res, "%v", id)
		assert.LessOrEqual(t, res, common.Timestamp(time.Millisecond), "%v", id)
	}

	_, err = c.Now(common.Clockid(4))
	errnoIs(t, common.EINVAL, err)
	_, err = c.Resolution(common.Clockid(99))
	errnoIs(t, common.EINVAL, err)
}

func TestSystemClocksDoNotAllocate(t *testing.T) {
	c := SystemClocks()
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = c.Now(common.ClockidRealtime)
		_, _ = c.Now(common.ClockidMonotonic)
		_, _ = c.Now(common.ClockidProcessCputimeID)
	})
	assert.Zero(t, allocs)
}

// TestRealtimeFollowsTheWallClock: the anchored wall clock agrees with
// time.Now to within the time between the reads, and keeps doing so across
// re-anchoring.
func TestRealtimeFollowsTheWallClock(t *testing.T) {
	c := SystemClocks()
	last := common.Timestamp(0)
	for i := range 2000 {
		before := time.Now().UnixNano()
		rt, err := c.Now(common.ClockidRealtime)
		require.NoError(t, err)
		after := time.Now().UnixNano()
		assert.GreaterOrEqual(t, int64(rt), before-int64(50*time.Microsecond), "read %d", i)
		assert.LessOrEqual(t, int64(rt), after+int64(50*time.Microsecond), "read %d", i)
		assert.GreaterOrEqual(t, rt, last, "never back while the wall clock is not set back")
		last = rt
		if i%500 == 0 {
			time.Sleep(2 * time.Millisecond) // past wallResync: anchored anew
		}
	}
}

func BenchmarkClocksNow(b *testing.B) {
	c := SystemClocks()
	for _, id := range []common.Clockid{common.ClockidRealtime, common.ClockidMonotonic} {
		b.Run(id.String(), func(b *testing.B) {
			for b.Loop() {
				_, _ = c.Now(id)
			}
		})
	}
	b.Run("time.Now", func(b *testing.B) {
		for b.Loop() {
			_ = time.Now().UnixNano()
		}
	})
}

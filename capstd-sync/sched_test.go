package capstdsync

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newSched(t *testing.T, clocks common.Clocks) *Sched {
	t.Helper()
	s, err := NewSched(clocks)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func clockSub(ud common.Userdata, id common.Clockid, timeout time.Duration, abs bool) common.Subscription {
	c := common.SubscriptionClock{ID: id, Timeout: common.Timestamp(timeout)}
	if abs {
		c.Flags = common.SubclockflagsSubscriptionClockAbstime
	}
	return common.Subscription{Userdata: ud, Type: common.EventtypeClock, Clock: c}
}

func fdSub(ud common.Userdata, typ common.Eventtype, f common.WasiFile) common.Subscription {
	return common.Subscription{Userdata: ud, Type: typ, File: f}
}

func poll(t *testing.T, s *Sched, ctx context.Context, subs ...common.Subscription) ([]common.Event, time.Duration, error) {
	t.Helper()
	events := make([]common.Event, len(subs))
	start := time.Now()
	n, err := s.Poll(ctx, subs, events)
	return events[:n], time.Since(start), err
}

func TestSchedClockOnly(t *testing.T) {
	s := newSched(t, nil)
	evs, took, err := poll(t, s, bg, clockSub(7, common.ClockidMonotonic, 20*time.Millisecond, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Event{Userdata: 7, Type: common.EventtypeClock}, evs[0])
	assert.GreaterOrEqual(t, took, 20*time.Millisecond)
	assert.Less(t, took, 200*time.Millisecond)

	// Two clocks: only the earlier fires.
	evs, took, err = poll(t, s, bg,
		clockSub(1, common.ClockidMonotonic, time.Hour, false),
		clockSub(2, common.ClockidRealtime, 10*time.Millisecond, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Userdata(2), evs[0].Userdata)
	assert.Less(t, took, 200*time.Millisecond)

	// A timeout of zero is ready at once.
	evs, _, err = poll(t, s, bg, clockSub(3, common.ClockidRealtime, 0, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
}

func TestSchedAbsoluteClocks(t *testing.T) {
	s := newSched(t, nil)
	clocks := SystemClocks()
	for _, id := range []common.Clockid{common.ClockidRealtime, common.ClockidMonotonic} {
		now, err := clocks.Now(id)
		require.NoError(t, err)
		evs, took, err := poll(t, s, bg, clockSub(1, id, time.Duration(now)+30*time.Millisecond, true))
		require.NoError(t, err, "%v", id)
		require.Len(t, evs, 1)
		assert.GreaterOrEqual(t, took, 25*time.Millisecond, "%v", id)
		assert.Less(t, took, 250*time.Millisecond, "%v", id)

		// In the past: at once.
		evs, took, err = poll(t, s, bg, clockSub(2, id, time.Duration(now)-time.Second, true))
		require.NoError(t, err)
		require.Len(t, evs, 1)
		assert.Less(t, took, 500*time.Millisecond, "at once, not after waiting")
	}
}

// fixedClocks are clocks that stand still, for a deterministic run.
type fixedClocks struct{ now common.Timestamp }

func (c fixedClocks) Now(common.Clockid) (common.Timestamp, error)        { return c.now, nil }
func (c fixedClocks) Resolution(common.Clockid) (common.Timestamp, error) { return 1, nil }

func TestSchedUsesItsClocks(t *testing.T) {
	s := newSched(t, fixedClocks{now: 1_000_000_000})
	// An absolute deadline 20 ms after the fixed clocks' now.
	evs, took, err := poll(t, s, bg, clockSub(1, common.ClockidMonotonic, 1_020*time.Millisecond, true))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.GreaterOrEqual(t, took, 15*time.Millisecond)
	assert.Less(t, took, 200*time.Millisecond)
}

func TestSchedUnsupportedClock(t *testing.T) {
	s := newSched(t, nil)
	evs, _, err := poll(t, s, bg,
		clockSub(1, common.ClockidProcessCputimeID, time.Millisecond, false),
		clockSub(2, common.ClockidMonotonic, time.Hour, false))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, common.Event{Userdata: 1, Type: common.EventtypeClock, Error: common.EINVAL}, evs[0])
}

func TestSchedBindingErrors(t *testing.T) {
	s := newSched(t, nil)
	evs, took, err := poll(t, s, bg,
		common.Subscription{Userdata: 5, Type: common.EventtypeFdRead, Fd: 99, Err: common.EBADF},
		common.Subscription{Userdata: 6, Type: common.EventtypeFdWrite, Fd: 3, Err: common.ENOTCAPABLE},
		common.Subscription{Userdata: 8, Type: common.EventtypeFdRead}, // no file
		common.Subscription{Userdata: 9, Type: common.Eventtype(7)},
		clockSub(10, common.ClockidMonotonic, time.Hour, false))
	require.NoError(t, err)
	assert.Less(t, took, 500*time.Millisecond, "at once, not after waiting")
	assert.Equal(t, []common.Event{
		{Userdata: 5, Type: common.EventtypeFdRead, Error: common.EBADF},
		{Userdata: 6, Type: common.EventtypeFdWrite, Error: common.ENOTCAPABLE},
		{Userdata: 8, Type: common.EventtypeFdRead, Error: common.EBADF},
		{Userdata: 9, Type: common.Eventtype(7), Error: common.EINVAL},
	}, evs)

	_, err = s.Poll(bg, nil, nil)
	errnoIs(t, common.EINVAL, err)
	_, err = s.Poll(bg, make([]common.Subscription, 2), make([]common.Event, 1))
	errnoIs(t, common.EINVAL, err)
}

func TestSchedAlwaysReadyFiles(t *testing.T) {
	s := newSched(t, nil)
	evs, _, err := poll(t, s, bg,
		fdSub(1, common.EventtypeFdRead, NewReaderFile(strings.NewReader("12345"))),
		fdSub(2, common.EventtypeFdWrite, NewNullFile()),
		clockSub(3, common.ClockidMonotonic, time.Hour, false))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{
		{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 5},
		{Userdata: 2, Type: common.EventtypeFdWrite},
	}, evs)
}

func TestSchedCancelClockOnly(t *testing.T) {
	s := newSched(t, nil)
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, _, err := poll(t, s, ctx, clockSub(1, common.ClockidMonotonic, time.Hour, false))
		return err
	})

	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err := s.Poll(ctx, []common.Subscription{clockSub(1, common.ClockidMonotonic, 0, false)}, make([]common.Event, 1))
	errnoIs(t, common.ECANCELED, err, "already cancelled")
}

func TestSchedClose(t *testing.T) {
	s, err := NewSched(nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	_, err = s.Poll(bg, []common.Subscription{clockSub(1, common.ClockidMonotonic, 0, false)}, make([]common.Event, 1))
	errnoIs(t, common.EBADF, err)
	require.NoError(t, s.Yield(bg))
}

func TestSchedConcurrentPolls(t *testing.T) {
	s := newSched(t, nil)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			events := make([]common.Event, 1)
			_, errs[i] = s.Poll(bg, []common.Subscription{clockSub(1, common.ClockidMonotonic, 20*time.Millisecond, false)}, events)
		})
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
}

func TestSchedClockOnlyDoesNotAllocate(t *testing.T) {
	s := newSched(t, nil)
	subs := []common.Subscription{clockSub(1, common.ClockidMonotonic, time.Microsecond, false)}
	events := make([]common.Event, 1)
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := s.Poll(bg, subs, events); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

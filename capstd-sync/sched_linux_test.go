package capstdsync

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/capwasi/capwasi/common"
)

// TestSchedWakerFailureIsAnErrno: when the process is out of descriptors,
// the poll that needs the wake-up descriptor fails with EMFILE (an errno
// for that call; the context was built without one), and once descriptors
// are free again the next poll makes it and waits, cancellably.
func TestSchedWakerFailureIsAnErrno(t *testing.T) {
	wasiCtx, err := NewWasiCtxBuilder().Build()
	require.NoError(t, err)
	defer wasiCtx.Close()
	s := wasiCtx.Sched()
	cancellable, cancel := context.WithCancel(bg)
	defer cancel()
	wait := []common.Subscription{clockSub(1, common.ClockidMonotonic, time.Millisecond, false)}

	var old unix.Rlimit
	require.NoError(t, unix.Getrlimit(unix.RLIMIT_NOFILE, &old))
	tight := old
	tight.Cur = 0 // no new descriptor can be made
	require.NoError(t, unix.Setrlimit(unix.RLIMIT_NOFILE, &tight))
	_, err = s.Poll(cancellable, wait, make([]common.Event, 1))
	require.NoError(t, unix.Setrlimit(unix.RLIMIT_NOFILE, &old))
	errnoIs(t, common.EMFILE, err, "the wait that needs a wake-up descriptor")

	n, err := s.Poll(cancellable, wait, make([]common.Event, 1))
	require.NoError(t, err, "descriptors are free again")
	assert.Equal(t, 1, n)
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := s.Poll(ctx, []common.Subscription{clockSub(1, common.ClockidMonotonic, time.Hour, false)}, make([]common.Event, 1))
		return err
	})
}

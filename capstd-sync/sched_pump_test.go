package capstdsync

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchedWaitsForPollableFiles: a file over an io.Pipe is not ready
// until data comes; the clock fires meanwhile, and the poll returns when
// the data arrives, with its byte count.
func TestSchedWaitsForPollableFiles(t *testing.T) {
	base := quietGoroutines()
	s := newSched(t, nil)
	pr, pw := io.Pipe()
	f := NewReaderFile(pr)
	defer f.Close()
	evs, took, err := poll(t, s, bg,
		fdSub(1, common.EventtypeFdRead, f),
		clockSub(2, common.ClockidMonotonic, 30*time.Millisecond, false))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 2, Type: common.EventtypeClock}}, evs, "not ready: the clock fires")
	assert.GreaterOrEqual(t, took, 30*time.Millisecond)

	go func() { time.Sleep(40 * time.Millisecond); _, _ = pw.Write([]byte("abc")) }()
	evs, took, err = poll(t, s, bg,
		fdSub(1, common.EventtypeFdRead, f),
		clockSub(2, common.ClockidMonotonic, 5*time.Second, false))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 3}}, evs)
	assert.GreaterOrEqual(t, took, 35*time.Millisecond)
	assert.Less(t, took, time.Second, "the data wakes the poll")

	// Ready at once while the bytes are unread, also without a clock.
	evs, _, err = poll(t, s, bg, fdSub(1, common.EventtypeFdRead, f))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 3}}, evs)

	// No stale wake-up left behind: a plain timeout still waits.
	_, took, err = poll(t, s, bg, clockSub(2, common.ClockidMonotonic, 20*time.Millisecond, false))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, took, 20*time.Millisecond)

	// End of input: a hang-up event.
	_, err = f.Read(bg, [][]byte{make([]byte, 8)})
	require.NoError(t, err)
	go func() { time.Sleep(10 * time.Millisecond); pw.Close() }()
	evs, _, err = poll(t, s, bg, fdSub(1, common.EventtypeFdRead, f))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 1, Type: common.EventtypeFdRead, Flags: common.EventrwflagsFdReadwriteHangup}}, evs)
	require.NoError(t, f.Close())
	assert.LessOrEqual(t, settle(base), base, "no watcher or pump goroutine is left")
}

func TestSchedPollableWriterAndCancel(t *testing.T) {
	s := newSched(t, nil)
	w := &stuckWriter{release: make(chan struct{})}
	f := NewWriterFile(w)
	pr, pw := io.Pipe()
	defer pw.Close()
	in := NewReaderFile(pr)
	defer in.Close()
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	_, err := f.Write(bg, [][]byte{[]byte("x")})
	require.NoError(t, err)

	// Two in-process files not ready: a cancelled context ends the wait,
	// each time (the wake-ups are consumed).
	for range 3 {
		assertCancelsWithin100ms(t, func(ctx context.Context) error {
			_, _, err := poll(t, s, ctx, fdSub(1, common.EventtypeFdWrite, f), fdSub(2, common.EventtypeFdRead, in))
			return err
		})
	}
	go func() { time.Sleep(20 * time.Millisecond); close(w.release) }()
	evs, _, err := poll(t, s, cancelAfter(t, 5*time.Second), fdSub(1, common.EventtypeFdWrite, f), fdSub(2, common.EventtypeFdRead, in))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 1, Type: common.EventtypeFdWrite, Nbytes: pumpBufferSize}}, evs)
	require.NoError(t, f.Close())
}

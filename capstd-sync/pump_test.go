package capstdsync

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// quietGoroutines returns the number of goroutines once it has stopped
// falling (the goroutines of earlier tests ending), waiting at most 1 s.
func quietGoroutines() int {
	n := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(20 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m >= n {
			return m
		}
		n = m
	}
	return n
}

// closedWithin reports whether c is closed within d.
func closedWithin(c <-chan struct{}, d time.Duration) bool {
	select {
	case <-c:
		return true
	case <-time.After(d):
		return false
	}
}

func TestReaderFileKinds(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	pr, pw := io.Pipe()
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	for _, tc := range []struct {
		name   string
		r      io.Reader
		pumped bool
	}{
		{"os pipe", r, false},
		{"bytes.Buffer", bytes.NewBufferString("x"), false},
		{"strings.Reader", bytes.NewReader(nil), false},
		{"io.Pipe", pr, true},
		{"net.Pipe", c1, true},
		{"plain reader", errReader{io.EOF}, true},
	} {
		f := NewReaderFile(tc.r)
		_, pollable := f.(common.Pollable)
		assert.Equal(t, tc.pumped, pollable, tc.name)
		require.NoError(t, f.Close())
	}
	var buf bytes.Buffer
	for _, tc := range []struct {
		name   string
		w      io.Writer
		pumped bool
	}{
		{"os pipe", w, false},
		{"bytes.Buffer", &buf, false},
		{"io.Discard", io.Discard, false},
		{"io.Pipe", pw, true},
		{"net.Pipe", c1, true},
	} {
		f := NewWriterFile(tc.w)
		_, pollable := f.(common.Pollable)
		assert.Equal(t, tc.pumped, pollable, tc.name)
		require.NoError(t, f.Close())
	}
}

func TestPumpReader(t *testing.T) {
	base := quietGoroutines()
	pr, pw := io.Pipe()
	f := NewReaderFile(pr)
	p := f.(common.Pollable)
	assert.LessOrEqual(t, runtime.NumGoroutine(), base, "nothing runs before the guest asks")

	// Nothing there: not ready, and a non-blocking read is EAGAIN.
	nb, flags, wait := p.PollReady(false)
	require.NotNil(t, wait)
	assert.Zero(t, nb)
	assert.Zero(t, flags)
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	buf := make([]byte, 8)
	_, err := f.Read(bg, [][]byte{buf})
	errnoIs(t, common.EAGAIN, err)
	assert.False(t, closedWithin(wait, 20*time.Millisecond))

	// Data comes: the channel closes, the file is ready with its bytes.
	go func() { _, _ = pw.Write([]byte("hello")) }()
	require.True(t, closedWithin(wait, 2*time.Second))
	nb, _, wait = p.PollReady(false)
	assert.Nil(t, wait)
	assert.Equal(t, common.Filesize(5), nb)
	b1, b2 := make([]byte, 3), make([]byte, 8)
	n, err := f.Read(bg, [][]byte{b1, b2})
	require.NoError(t, err)
	assert.Equal(t, 5, n, "fills the iovecs in order")
	assert.Equal(t, "hel", string(b1))
	assert.Equal(t, "lo", string(b2[:2]))

	// A blocking read waits for data, and ends when its context does.
	require.NoError(t, f.SetFdflags(bg, 0))
	go func() { time.Sleep(20 * time.Millisecond); _, _ = pw.Write([]byte("later")) }()
	n, err = f.Read(cancelAfter(t, 5*time.Second), [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "later", string(buf[:n]))
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := f.Read(ctx, [][]byte{buf})
		return err
	})
	// What arrives after a cancelled read is kept for the next one.
	go func() { _, _ = pw.Write([]byte("kept")) }()
	n, err = f.Read(cancelAfter(t, 5*time.Second), [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "kept", string(buf[:n]))

	// End of input: ready with FD_READWRITE_HANGUP, a read of 0 bytes.
	_, _, wait = p.PollReady(false)
	require.NotNil(t, wait)
	require.NoError(t, pw.Close())
	require.True(t, closedWithin(wait, 2*time.Second))
	_, flags, wait = p.PollReady(false)
	assert.Nil(t, wait)
	assert.Equal(t, common.EventrwflagsFdReadwriteHangup, flags)
	n, err = f.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	assert.Zero(t, n)

	// A write is "ready" at once: it fails.
	_, _, wait = p.PollReady(true)
	assert.Nil(t, wait)
	_, err = f.Write(bg, [][]byte{buf})
	errnoIs(t, common.EBADF, err)

	require.NoError(t, f.Close())
	require.NoError(t, f.Close(), "a second Close changes nothing")
	_, err = f.Read(bg, [][]byte{buf})
	errnoIs(t, common.EBADF, err)
	assert.LessOrEqual(t, settle(base), base, "the goroutine ends with the file")
}

func TestPumpReaderErrors(t *testing.T) {
	f := NewReaderFile(errReader{common.ECONNRESET})
	n, err := f.Read(bg, [][]byte{nil})
	require.NoError(t, err)
	assert.Zero(t, n, "an empty read does not touch the reader")
	_, err = f.Read(bg, [][]byte{make([]byte, 1)})
	errnoIs(t, common.ECONNRESET, err)
	require.NoError(t, f.Close())
}

// TestPumpReaderCloseEndsTheGoroutine: Close ends a read in flight when the
// reader has a deadline (and clears it again), and otherwise the
// goroutine ends when the embedder ends the read.
func TestPumpReaderCloseEndsTheGoroutine(t *testing.T) {
	base := quietGoroutines()
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	files := make([]common.WasiFile, 0, 20)
	pipes := make([]*io.PipeWriter, 0, 10)
	for range 10 {
		pr, pw := io.Pipe()
		pipes = append(pipes, pw)
		files = append(files, NewReaderFile(pr))
	}
	cf := NewReaderFile(c1)
	files = append(files, cf)
	for _, f := range files {
		_, _, wait := f.(common.Pollable).PollReady(false)
		require.NotNil(t, wait)
	}
	assert.GreaterOrEqual(t, runtime.NumGoroutine(), base+11, "a goroutine per file in a read")
	require.NoError(t, cf.Close())
	// Close interrupted the read through the deadline, and cleared it
	// again: the embedder's conn works at once.
	go func() { _, _ = c2.Write([]byte("x")) }()
	one := make([]byte, 1)
	_, err := c1.Read(one)
	require.NoError(t, err)

	for _, f := range files[:10] {
		require.NoError(t, f.Close())
	}
	for _, pw := range pipes {
		require.NoError(t, pw.Close())
	}
	assert.LessOrEqual(t, settle(base), base, "an io.Pipe read ends when the embedder closes the pipe")
}

// stuckWriter blocks every Write until release is closed, and counts what
// it wrote.
type stuckWriter struct {
	release chan struct{}
	mu      sync.Mutex
	got     []byte
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, p...)
	return len(p), nil
}

func (w *stuckWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.got)
}

// orderWriter records writes as they come, from any file.
type orderWriter struct {
	mu  sync.Mutex
	log []string
}

func (w *orderWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.log = append(w.log, string(p))
	return len(p), nil
}

func TestPumpWriterKeepsOrder(t *testing.T) {
	var w orderWriter
	out, errs := NewWriterFile(&w), NewWriterFile(&w)
	for _, f := range []common.WasiFile{out, errs} {
		require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	}
	for i := range 50 {
		f := out
		if i%2 == 1 {
			f = errs
		}
		n, err := f.Write(bg, [][]byte{{'a' + byte(i%26)}, {'!'}})
		require.NoError(t, err)
		require.Equal(t, 2, n)
	}
	require.Len(t, w.log, 50, "each write is one w.Write, done when the write returns")
	for i, s := range w.log {
		assert.Equal(t, string([]byte{'a' + byte(i%26), '!'}), s)
	}
	require.NoError(t, out.Close())
	require.NoError(t, errs.Close())
}

func TestPumpWriterStuck(t *testing.T) {
	base := quietGoroutines()
	w := &stuckWriter{release: make(chan struct{})}
	f := NewWriterFile(w)
	p := f.(common.Pollable)
	nb, _, wait := p.PollReady(true)
	assert.Nil(t, wait)
	assert.Equal(t, common.Filesize(pumpBufferSize), nb)

	// Non-blocking: the write returns after the grace, the bytes handed
	// over; then the file is not ready and writes are EAGAIN.
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	start := time.Now()
	n, err := f.Write(bg, [][]byte{[]byte("one")})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.GreaterOrEqual(t, time.Since(start), writeGrace)
	assert.Less(t, time.Since(start), time.Second)
	_, _, wait = p.PollReady(true)
	require.NotNil(t, wait)
	_, err = f.Write(bg, [][]byte{[]byte("two")})
	errnoIs(t, common.EAGAIN, err)

	// Blocking: the write waits, and ends when its context does.
	require.NoError(t, f.SetFdflags(bg, 0))
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := f.Write(ctx, [][]byte{[]byte("two")})
		return err
	})

	// The writer moves: the channel closes, the file is ready.
	close(w.release)
	require.True(t, closedWithin(wait, 2*time.Second))
	_, _, wait = p.PollReady(true)
	assert.Nil(t, wait)
	n, err = f.Write(bg, [][]byte{[]byte("two")})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, "onetwo", w.String())
	require.NoError(t, f.Close())
	assert.LessOrEqual(t, settle(base), base)
}

func TestPumpWriterBlockingWriteHandedOverWhenCancelled(t *testing.T) {
	w := &stuckWriter{release: make(chan struct{})}
	f := NewWriterFile(w)
	ctx, cancel := context.WithCancel(bg)
	time.AfterFunc(20*time.Millisecond, cancel)
	n, err := f.Write(ctx, [][]byte{[]byte("abc")})
	require.NoError(t, err, "the bytes were handed over: reported written")
	assert.Equal(t, 3, n)
	// Close does not wait for a stuck writer once the context has ended.
	start := time.Now()
	require.NoError(t, f.Close())
	assert.Less(t, time.Since(start), time.Second)
	close(w.release)
	require.Eventually(t, func() bool { return w.String() == "abc" }, 2*time.Second, time.Millisecond)
}

// slowWriter takes its time but always finishes.
type slowWriter struct{ stuckWriter }

func (w *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(50 * time.Millisecond)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, p...)
	return len(p), nil
}

func TestPumpWriterCloseFlushes(t *testing.T) {
	w := &slowWriter{}
	f := NewWriterFile(w)
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	n, err := f.Write(bg, [][]byte{[]byte("tail")})
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Empty(t, w.String(), "still being written after the grace")
	require.NoError(t, f.Close())
	assert.Equal(t, "tail", w.String(), "Close waits for the write in flight")
	_, err = f.Write(bg, [][]byte{[]byte("x")})
	errnoIs(t, common.EBADF, err)
}

// failWriter fails every write after its first n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	n := min(w.n, len(p))
	w.n -= n
	if n < len(p) {
		return n, syscall.EPIPE
	}
	return n, nil
}

func TestPumpWriterErrors(t *testing.T) {
	f := NewWriterFile(&failWriter{n: 2})
	n, err := f.Write(bg, [][]byte{[]byte("abc")})
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the bytes before the error")
	_, err = f.Write(bg, [][]byte{[]byte("d")})
	errnoIs(t, common.EPIPE, err, "the error comes with the next write")
	_, err = f.Write(bg, [][]byte{[]byte("d")})
	errnoIs(t, common.EPIPE, err)
	n, err = f.Write(bg, [][]byte{nil})
	require.NoError(t, err)
	assert.Zero(t, n)
	errnoIs(t, common.EINVAL, f.Sync(bg))
	_, err = f.Read(bg, [][]byte{make([]byte, 1)})
	errnoIs(t, common.EBADF, err)
	require.NoError(t, f.Close())

	// A write larger than the buffer is short.
	var w orderWriter
	f = NewWriterFile(&w)
	n, err = f.Write(bg, [][]byte{make([]byte, pumpBufferSize-1), make([]byte, 10)})
	require.NoError(t, err)
	assert.Equal(t, pumpBufferSize, n)
	require.NoError(t, f.Close())
}

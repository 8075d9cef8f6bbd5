//go:build linux || darwin || freebsd

package capstdsync

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The audit of every call that can wait on something the host controls:
// each returns at once or ends when its context is cancelled. (Accept and
// receive on sockets are in socket_unix_test.go, reads of the standard
// streams in stdio_unix_test.go and stdio_test.go, poll_oneoff in
// sched_unix_test.go; the terminal and lease cases, which need Linux, in
// waits_linux_test.go.)

// within runs call and fails the test if it has not returned after d; a
// call that never returns is left behind (the test has failed).
func within[T any](t *testing.T, d time.Duration, what string, call func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- call() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("%s has not returned after %v", what, d)
		panic("unreachable")
	}
}

type openResult struct {
	f   common.WasiFile
	err error
}

// openWithin opens path beneath d and fails the test if the open waits for
// more than a second.
func openWithin(t *testing.T, d common.WasiDir, path string, opts common.OpenOptions) (common.WasiFile, error) {
	t.Helper()
	r := within(t, time.Second, "path_open of "+path, func() openResult {
		f, err := d.OpenFile(bg, path, opts)
		return openResult{f, err}
	})
	if r.f != nil {
		t.Cleanup(func() { _ = r.f.Close() })
	}
	return r.f, r.err
}

// A FIFO planted in a pre-open never makes path_open wait for a peer, and
// every read or write that waits on it ends when its context is cancelled.
func TestFIFOOpenNeverWaits(t *testing.T) {
	d, root := openTree(t, ReadWrite, nil)
	require.NoError(t, unix.Mkfifo(filepath.Join(root, "fifo"), 0o644))

	// For writing with no reader: ENXIO at once (a blocking open(2)
	// would wait for a reader for ever).
	_, err := openWithin(t, d, "fifo", common.OpenOptions{Write: true})
	errnoIs(t, common.ENXIO, err)

	// For reading, in blocking mode, with no writer: opens at once. The
	// first read waits for a writer, where a cancellation reaches it.
	r, err := openWithin(t, d, "fifo", rd)
	require.NoError(t, err)
	got, _ := r.Fdflags(bg)
	assert.Zero(t, got, "blocking mode, as asked")
	buf := make([]byte, 8)
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := r.Read(ctx, [][]byte{buf})
		return err
	})

	// Now a writer can open, in blocking mode, and the read gets its data.
	w, err := openWithin(t, d, "fifo", common.OpenOptions{Write: true})
	require.NoError(t, err)
	go func() {
		time.Sleep(20 * time.Millisecond)
		_, _ = w.Write(bg, [][]byte{[]byte("hi")})
	}()
	n, err := r.Read(cancelAfter(t, 5*time.Second), [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "hi", string(buf[:n]))

	// A full pipe: a blocking write waits, cancellably; a non-blocking
	// one is EAGAIN.
	big := make([]byte, 1<<20)
	filled := fillThenCancelWrite(t, w, big)
	assert.Positive(t, filled)

	// The reader drains it: the blocked writer goes on (a short write).
	go func() {
		time.Sleep(20 * time.Millisecond)
		for left := filled; left > 0; {
			n, err := r.Read(bg, [][]byte{big[:min(left, 65536)]})
			if err != nil {
				return
			}
			left -= n
		}
	}()
	n, err = w.Write(cancelAfter(t, 5*time.Second), [][]byte{[]byte("after")})
	require.NoError(t, err)
	assert.Equal(t, 5, n)

	// The writer hangs up: the reader reads the rest, then end of file.
	require.NoError(t, w.Close())
	var rest []byte
	for {
		n, err := r.Read(cancelAfter(t, 5*time.Second), [][]byte{buf})
		require.NoError(t, err)
		if n == 0 {
			break
		}
		rest = append(rest, buf[:n]...)
	}
	assert.Equal(t, "after", string(rest[len(rest)-5:]))
}

// A read of a FIFO whose data another reader takes between the poll and
// the read does not block in read(2): the descriptor is non-blocking and
// the read waits again.
func TestFIFOReadRacesAnotherReader(t *testing.T) {
	d, root := openTree(t, ReadWrite, nil)
	path := filepath.Join(root, "fifo")
	require.NoError(t, unix.Mkfifo(path, 0o644))
	r, err := openWithin(t, d, "fifo", rd)
	require.NoError(t, err)
	hostFd, err := unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0) // the host: reader and writer
	require.NoError(t, err)
	defer unix.Close(hostFd)
	_, err = unix.Write(hostFd, []byte("x"))
	require.NoError(t, err)
	_, err = unix.Read(hostFd, make([]byte, 1)) // the host takes it back
	require.NoError(t, err)
	// The guest's read polls, then reads: a byte the host writes and
	// takes back makes the poll return with nothing left to read.
	stop := make(chan struct{})
	go func() {
		b := make([]byte, 1)
		for {
			select {
			case <-stop:
				return
			default:
			}
			_, _ = unix.Write(hostFd, []byte("y"))
			_, _ = unix.Read(hostFd, b)
		}
	}()
	defer close(stop)
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		for {
			if _, err := r.Read(ctx, [][]byte{make([]byte, 1)}); err != nil {
				return err
			}
		}
	})
}

// Reads and writes of sockets through fd_read and fd_write, and a
// sock_send on a full socket, end when cancelled.
func TestSocketWaitsEndOnCancel(t *testing.T) {
	f, c := connect(t)
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := f.Read(ctx, [][]byte{make([]byte, 8)})
		return err
	})
	big := make([]byte, 1<<20)
	fillThenCancelWrite(t, f, big)
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := f.SockSend(ctx, [][]byte{big}, 0)
		return err
	})
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, _, err := f.SockRecv(ctx, [][]byte{make([]byte, 8)}, common.RiflagsRecvWaitall)
		return err
	})
	_ = c.(*net.TCPConn).SetLinger(0)
}

//go:build linux || darwin || freebsd

package capstdsync

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// pipe returns a pipe's two raw descriptors, closed at the end of the test.
func pipe(t *testing.T, flags int) (r, w int) {
	t.Helper()
	var p [2]int
	require.NoError(t, unix.Pipe(p[:]))
	for _, fd := range p {
		if flags&unix.O_NONBLOCK != 0 {
			require.NoError(t, unix.SetNonblock(fd, true))
		}
	}
	t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p[0], p[1]
}

func getfl(t *testing.T, fd int) int {
	t.Helper()
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	require.NoError(t, err)
	return fl
}

func TestHostStreamRead(t *testing.T) {
	for _, hostNonblock := range []bool{false, true} {
		name := "blocking host fd"
		flags := 0
		if hostNonblock {
			name, flags = "non-blocking host fd", unix.O_NONBLOCK
		}
		t.Run(name, func(t *testing.T) {
			r, w := pipe(t, flags)
			f := newHostStream(r, true)
			assert.Equal(t, common.FiletypeUnknown, f.Filetype(), "a pipe")
			before := getfl(t, r)

			// The guest's NONBLOCK is emulated: the host's flags stay.
			require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
			assert.Equal(t, before, getfl(t, r))
			fl, err := f.Fdflags(bg)
			require.NoError(t, err)
			assert.Equal(t, common.FdflagsNonblock, fl)
			_, err = f.Read(bg, [][]byte{make([]byte, 4)})
			errnoIs(t, common.EAGAIN, err)

			_, err = unix.Write(w, []byte("hello"))
			require.NoError(t, err)
			a, b := make([]byte, 2), make([]byte, 8)
			n, err := f.Read(bg, [][]byte{a, b})
			require.NoError(t, err)
			assert.Equal(t, 5, n)
			assert.Equal(t, "he", string(a))
			assert.Equal(t, "llo", string(b[:3]))

			// Blocking: waits for data written 50 ms later.
			require.NoError(t, f.SetFdflags(bg, 0))
			go func() { time.Sleep(50 * time.Millisecond); _, _ = unix.Write(w, []byte("x")) }()
			n, err = f.Read(cancelAfter(t, 5*time.Second), [][]byte{b})
			require.NoError(t, err)
			assert.Equal(t, "x", string(b[:n]))
			go func() { time.Sleep(20 * time.Millisecond); _, _ = unix.Write(w, []byte("y")) }()
			n, err = f.Read(bg, [][]byte{b}) // no cancellation possible
			require.NoError(t, err)
			assert.Equal(t, "y", string(b[:n]))

			// Blocking, cancelled: ends within 100 ms of the cancellation.
			assertCancelsWithin100ms(t, func(ctx context.Context) error {
				_, err := f.Read(ctx, [][]byte{b})
				return err
			})

			n, err = f.Read(bg, nil)
			require.NoError(t, err)
			assert.Zero(t, n)
			assert.Equal(t, before, getfl(t, r))

			// Close leaves the host's descriptor open.
			require.NoError(t, f.Close())
			assert.Equal(t, before, getfl(t, r))
			_, err = f.Read(bg, [][]byte{b})
			errnoIs(t, common.EBADF, err)
			_, err = f.Fdflags(bg)
			errnoIs(t, common.EBADF, err)
		})
	}
}

func TestHostStreamWrite(t *testing.T) {
	r, w := pipe(t, unix.O_NONBLOCK)
	f := newHostStream(w, false)
	base, _ := f.Rights()
	assert.True(t, base.Has(common.RightsFdWrite))
	assert.False(t, base.Has(common.RightsFdRead|common.RightsFdSeek))
	n, err := f.Write(bg, [][]byte{[]byte("ab"), []byte("c")})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	buf := make([]byte, 8)
	n, err = unix.Read(r, buf)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(buf[:n]))

	// Fill the pipe: a non-blocking write is then EAGAIN, a blocking one
	// waits until the reader drains it, or until cancelled.
	chunk := make([]byte, 4096)
	fillThenCancelWrite(t, f, chunk)
	go func() {
		time.Sleep(30 * time.Millisecond)
		for {
			if _, err := unix.Read(r, chunk); err != nil {
				return
			}
		}
	}()
	n, err = f.Write(cancelAfter(t, 5*time.Second), [][]byte{[]byte("z")})
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	_, err = f.Read(bg, [][]byte{buf})
	errnoIs(t, common.EBADF, err, "stdout is not readable")
	errnoIs(t, common.ENOTSOCK, f.SockShutdown(bg, common.SdflagsWr))
	_, err = f.Seek(bg, 0, common.WhenceCur)
	errnoIs(t, common.ESPIPE, err)
	errnoIs(t, common.EINVAL, f.Sync(bg), "a pipe has nothing to sync")
	errnoIs(t, common.ENOTSUP, f.SetFdflags(bg, common.FdflagsSync))
	st, err := f.Filestat(bg)
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeUnknown, st.Filetype)
	require.NoError(t, f.Close())
	_, err = f.Write(bg, [][]byte{buf})
	errnoIs(t, common.EBADF, err)
}

func TestInheritedStdioNeverClosesHostFds(t *testing.T) {
	var flags [3]int
	for fd := range 3 {
		flags[fd] = getfl(t, fd)
	}
	files := []common.WasiFile{inheritStdin(), inheritStdout(), inheritStderr()}
	for i, f := range files {
		require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
		require.NoError(t, f.Close(), "fd %d", i)
	}
	for fd := range 3 {
		assert.Equal(t, flags[fd], getfl(t, fd), "fd %d is open with its flags unchanged", fd)
	}
	st, err := newHostStream(1, false).Filestat(bg)
	require.NoError(t, err)
	_ = st
}

// TestHostStreamNeverWaits: a regular file and the null device are never
// polled (each transfer is one system call, also in non-blocking mode); a
// pipe is.
func TestHostStreamNeverWaits(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer file.Close()
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	require.NoError(t, err)
	defer null.Close()
	_, w := pipe(t, 0)

	for _, tc := range []struct {
		name  string
		fd    int
		never bool
	}{
		{"regular file", int(file.Fd()), true},
		{"null device", int(null.Fd()), true},
		{"pipe", w, false},
	} {
		f := newHostStream(tc.fd, false)
		assert.Equal(t, tc.never, f.neverWaits, tc.name)
		require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
		n, err := f.Write(bg, [][]byte{[]byte("abc")})
		require.NoError(t, err, tc.name)
		assert.Equal(t, 3, n, tc.name)
	}
	in := newHostStream(int(null.Fd()), true)
	assert.True(t, in.neverWaits)
	n, err := in.Read(cancelAfter(t, time.Second), [][]byte{make([]byte, 4)})
	require.NoError(t, err)
	assert.Zero(t, n, "end of file")

	st, err := file.Stat()
	require.NoError(t, err)
	assert.Equal(t, int64(3), st.Size())
}
